package escalate

import (
	"errors"
	"fmt"
	"math"
)

// Tier is how much human attention an edit needs.
type Tier int

const (
	// Vetoed: the Critic's score is below its threshold; the edit is
	// dropped: not applied, not offered, not shown for a decision.
	Vetoed Tier = 0
	// Tier1 needs an explicit human decision and is never committed
	// automatically.
	Tier1 Tier = 1
	// Tier2 is offered as a code action and committed when accepted if
	// auto-commit is on.
	Tier2 Tier = 2
	// Tier3 is routine: applied and committed automatically when the user
	// enabled auto-apply, otherwise offered like Tier 2.
	Tier3 Tier = 3
)

func (t Tier) String() string {
	switch t {
	case Vetoed:
		return "vetoed"
	case Tier1:
		return "tier 1"
	case Tier2:
		return "tier 2"
	case Tier3:
		return "tier 3"
	}
	return fmt.Sprintf("Tier(%d)", int(t))
}

// FileInfo describes one file a candidate edit touches.
type FileInfo struct {
	Path string
	// AddedLines and DeletedLines count the diff's + and - lines.
	AddedLines, DeletedLines int
	// Deleted: the edit removes the file. Created: the edit creates it.
	Deleted, Created bool
}

// Input is what is known about a candidate edit that passed the Critic.
type Input struct {
	Score     float64 // the Critic's score
	Threshold float64 // the Critic's acceptance threshold
	Files     []FileInfo
	TestsRan  bool
	// TestsPassed is meaningful only when TestsRan.
	TestsPassed bool
	// SafetyFindings are the Critic's safety findings, one line each.
	SafetyFindings []string
	// UserChangesInTouched lists touched files holding uncommitted changes
	// by the user.
	UserChangesInTouched []string
	// Confidence is the model's confidence in [0, 1]; 0 means unknown.
	Confidence float64
}

// Policy is the escalation policy. Start from DefaultPolicy; a zero Policy
// never applies anything automatically and holds every non-empty edit for
// a human (every diff is "large" when LargeDiffLines is 0).
type Policy struct {
	// AutoApply applies Tier 3 edits without asking, and commits them when
	// AutoCommit is on too.
	AutoApply bool
	// AutoCommit commits Tier 2 and Tier 3 edits when the user accepts
	// them, and Tier 3 edits applied automatically.
	AutoCommit bool
	// Tier3MinScore is the least Critic score of a Tier 3 edit (0.95).
	Tier3MinScore float64
	// SmallDiffLines is the most added plus deleted lines of a Tier 3 edit
	// (20).
	SmallDiffLines int
	// LargeDiffLines: more added plus deleted lines make an edit Tier 1
	// (200).
	LargeDiffLines int
	// MinConfidence: a known confidence below it makes an edit Tier 1
	// (0.5).
	MinConfidence float64
	// SensitivePatterns are globs (see Match) of files whose change makes
	// an edit Tier 1.
	SensitivePatterns []string
}

// DefaultPolicy returns the default policy: auto-apply off, auto-commit on
// (so nothing is committed until the user enables auto-apply or accepts an
// edit), Tier 3 at score 0.95 and 20 lines, Tier 1 above 200 lines or below
// confidence 0.5, and the default sensitive patterns.
func DefaultPolicy() Policy {
	return Policy{
		AutoApply:         false,
		AutoCommit:        true,
		Tier3MinScore:     0.95,
		SmallDiffLines:    20,
		LargeDiffLines:    200,
		MinConfidence:     0.5,
		SensitivePatterns: DefaultSensitivePatterns(),
	}
}

// ErrInvalidPolicy is wrapped by the errors of Policy.Validate.
var ErrInvalidPolicy = errors.New("escalate: invalid policy")

// Validate reports an inconsistent policy: scores outside [0, 1], negative
// or inverted line limits, malformed patterns.
func (p Policy) Validate() error {
	var errs []error
	bad := func(format string, args ...any) {
		errs = append(errs, fmt.Errorf("%w: "+format, append([]any{ErrInvalidPolicy}, args...)...))
	}
	if !(p.Tier3MinScore >= 0 && p.Tier3MinScore <= 1) {
		bad("Tier3MinScore %v is outside [0, 1]", p.Tier3MinScore)
	}
	if !(p.MinConfidence >= 0 && p.MinConfidence <= 1) {
		bad("MinConfidence %v is outside [0, 1]", p.MinConfidence)
	}
	if p.SmallDiffLines < 0 || p.LargeDiffLines < 0 {
		bad("negative line limits %d and %d", p.SmallDiffLines, p.LargeDiffLines)
	}
	if p.SmallDiffLines > p.LargeDiffLines {
		bad("SmallDiffLines %d exceeds LargeDiffLines %d", p.SmallDiffLines, p.LargeDiffLines)
	}
	for _, pat := range p.SensitivePatterns {
		if !validPattern(pat) {
			bad("malformed pattern %q", pat)
		}
	}
	return errors.Join(errs...)
}

// Decision is what to do with a candidate edit.
type Decision struct {
	Tier Tier
	// Apply: apply the edit now, without asking.
	Apply bool
	// Commit: commit the edit now, automatically. Never set for Tier 1.
	Commit bool
	// Offer: offer the edit to the user as a code action.
	Offer bool
	// NeedsHuman: hold the edit for an explicit human decision.
	NeedsHuman bool
	// Reasons lists every rule that fired, human-readable.
	Reasons []string
}

// Decide classifies a candidate edit. See the package documentation for
// the rules. Invalid input (NaN scores, negative line counts) is treated
// conservatively: vetoed or Tier 1.
func (p Policy) Decide(in Input) Decision {
	var d Decision
	why := func(format string, args ...any) { d.Reasons = append(d.Reasons, fmt.Sprintf(format, args...)) }

	if math.IsNaN(in.Score) || math.IsNaN(in.Threshold) || in.Score < in.Threshold {
		why("vetoed by the critic: score %v is below the threshold %v", in.Score, in.Threshold)
		return d
	}

	// Tier 1 rules.
	risky := false
	risk := func(format string, args ...any) {
		risky = true
		why(format, args...)
	}
	changed := 0
	for _, f := range in.Files {
		if f.AddedLines < 0 || f.DeletedLines < 0 {
			risk("invalid line counts for %s (%d added, %d deleted)", f.Path, f.AddedLines, f.DeletedLines)
		}
		changed += max(f.AddedLines, 0) + max(f.DeletedLines, 0)
	}
	if len(in.Files) == 0 {
		risk("the edit lists no files, so its risk cannot be assessed")
	}
	if changed > p.LargeDiffLines {
		risk("large diff: %d changed lines, more than %d", changed, p.LargeDiffLines)
	}
	for _, f := range in.Files {
		if f.Deleted {
			risk("deletes file %s", f.Path)
		}
		for _, pat := range p.SensitivePatterns {
			if Match(pat, f.Path) {
				risk("touches %s %s (pattern %s)", category(pat), f.Path, pat)
				break
			}
		}
	}
	for _, s := range in.SafetyFindings {
		risk("safety finding: %s", s)
	}
	switch {
	case math.IsNaN(in.Confidence):
		risk("confidence is not a number")
	case in.Confidence > 0 && in.Confidence < p.MinConfidence:
		risk("low confidence: %v, below %v", in.Confidence, p.MinConfidence)
	}
	for _, u := range in.UserChangesInTouched {
		risk("%s holds uncommitted changes by the user", u)
	}

	// Tier 3 conditions.
	routine := !risky
	if in.Score >= p.Tier3MinScore {
		why("score %v reaches the tier 3 minimum %v", in.Score, p.Tier3MinScore)
	} else {
		routine = false
		why("score %v is below the tier 3 minimum %v", in.Score, p.Tier3MinScore)
	}
	if changed <= p.SmallDiffLines {
		why("small diff: %d changed lines, at most %d", changed, p.SmallDiffLines)
	} else {
		routine = false
		why("not a small diff: %d changed lines, more than %d", changed, p.SmallDiffLines)
	}
	switch {
	case !in.TestsRan:
		routine = false
		why("tests did not run")
	case !in.TestsPassed:
		routine = false
		why("tests failed")
	default:
		why("tests passed")
	}

	switch {
	case risky:
		d.Tier, d.NeedsHuman = Tier1, true
		why("held for an explicit human decision; never committed automatically")
	case routine && p.AutoApply:
		d.Tier, d.Apply, d.Commit = Tier3, true, p.AutoCommit
		if p.AutoCommit {
			why("auto-apply is on: applied and committed automatically")
		} else {
			why("auto-apply is on: applied automatically; auto-commit is off, so not committed")
		}
	case routine:
		d.Tier, d.Offer = Tier3, true
		why("auto-apply is off: offered like tier 2")
	default:
		d.Tier, d.Offer = Tier2, true
		why("offered as a code action")
	}
	return d
}

// OnAccepted says whether an edit the user accepted is committed
// automatically: a Tier 2 (or offered Tier 3) edit iff the policy's
// AutoCommit is on; a Tier 1 edit never, even accepted by the human.
func (p Policy) OnAccepted(d Decision) (commit bool, reason string) {
	switch d.Tier {
	case Vetoed:
		return false, "vetoed by the critic: there is nothing to accept"
	case Tier1:
		return false, "tier 1 edits are never committed automatically; review and commit them yourself"
	}
	if d.Commit {
		return false, "already committed automatically"
	}
	if p.AutoCommit {
		return true, "accepted and auto-commit is on"
	}
	return false, "accepted; auto-commit is off"
}
