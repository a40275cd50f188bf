package escalate

import (
	"errors"
	"math"
	"math/rand/v2"
	"strings"
	"testing"
)

// routine is an input that is Tier 3 under DefaultPolicy.
func routine() Input {
	return Input{
		Score: 0.97, Threshold: 0.8,
		Files:    []FileInfo{{Path: "internal/calc/calc.go", AddedLines: 3, DeletedLines: 1}},
		TestsRan: true, TestsPassed: true,
	}
}

func with(f func(*Input)) Input {
	in := routine()
	f(&in)
	return in
}

func policy(f func(*Policy)) Policy {
	p := DefaultPolicy()
	if f != nil {
		f(&p)
	}
	return p
}

func autoApply(p *Policy) { p.AutoApply = true }

func TestDecide(t *testing.T) {
	tests := []struct {
		name   string
		policy Policy
		in     Input
		want   Decision // Reasons: substrings that must appear
	}{
		{"tier 3 auto-applied and committed", policy(autoApply), routine(),
			Decision{Tier: Tier3, Apply: true, Commit: true, Reasons: []string{"reaches the tier 3 minimum", "small diff", "tests passed", "applied and committed automatically"}}},
		{"tier 3 without auto-apply is offered", policy(nil), routine(),
			Decision{Tier: Tier3, Offer: true, Reasons: []string{"auto-apply is off: offered like tier 2"}}},
		{"tier 3 auto-applied, auto-commit off", policy(func(p *Policy) { p.AutoApply, p.AutoCommit = true, false }), routine(),
			Decision{Tier: Tier3, Apply: true, Reasons: []string{"auto-commit is off, so not committed"}}},
		{"score exactly 0.95 is tier 3", policy(autoApply), with(func(in *Input) { in.Score = 0.95 }),
			Decision{Tier: Tier3, Apply: true, Commit: true, Reasons: []string{"score 0.95 reaches"}}},
		{"score just below 0.95 is tier 2", policy(autoApply), with(func(in *Input) { in.Score = math.Nextafter(0.95, 0) }),
			Decision{Tier: Tier2, Offer: true, Reasons: []string{"below the tier 3 minimum 0.95", "offered as a code action"}}},
		{"exactly SmallDiffLines is small", policy(autoApply), with(func(in *Input) { in.Files[0].AddedLines, in.Files[0].DeletedLines = 15, 5 }),
			Decision{Tier: Tier3, Apply: true, Commit: true, Reasons: []string{"small diff: 20 changed lines, at most 20"}}},
		{"SmallDiffLines+1 is tier 2", policy(autoApply), with(func(in *Input) { in.Files[0].AddedLines, in.Files[0].DeletedLines = 16, 5 }),
			Decision{Tier: Tier2, Offer: true, Reasons: []string{"not a small diff: 21 changed lines, more than 20"}}},
		{"lines summed over files", policy(autoApply), with(func(in *Input) {
			in.Files = append(in.Files, FileInfo{Path: "internal/calc/calc_test.go", AddedLines: 17, Created: true})
		}), Decision{Tier: Tier2, Offer: true, Reasons: []string{"21 changed lines"}}},
		{"tests did not run", policy(autoApply), with(func(in *Input) { in.TestsRan, in.TestsPassed = false, false }),
			Decision{Tier: Tier2, Offer: true, Reasons: []string{"tests did not run"}}},
		{"tests failed", policy(autoApply), with(func(in *Input) { in.TestsPassed = false }),
			Decision{Tier: Tier2, Offer: true, Reasons: []string{"tests failed"}}},
		{"TestsPassed without TestsRan is not trusted", policy(autoApply), with(func(in *Input) { in.TestsRan = false }),
			Decision{Tier: Tier2, Offer: true, Reasons: []string{"tests did not run"}}},
		{"exactly LargeDiffLines is not large", policy(autoApply), with(func(in *Input) { in.Files[0].AddedLines, in.Files[0].DeletedLines = 150, 50 }),
			Decision{Tier: Tier2, Offer: true}},
		{"LargeDiffLines+1 is tier 1", policy(autoApply), with(func(in *Input) { in.Files[0].AddedLines, in.Files[0].DeletedLines = 150, 51 }),
			Decision{Tier: Tier1, NeedsHuman: true, Reasons: []string{"large diff: 201 changed lines, more than 200", "never committed automatically"}}},
		{"deleted file", policy(autoApply), with(func(in *Input) {
			in.Files = append(in.Files, FileInfo{Path: "internal/calc/old.go", DeletedLines: 3, Deleted: true})
		}), Decision{Tier: Tier1, NeedsHuman: true, Reasons: []string{"deletes file internal/calc/old.go"}}},
		{"CI file", policy(autoApply), with(func(in *Input) { in.Files[0].Path = ".github/workflows/test.yml" }),
			Decision{Tier: Tier1, NeedsHuman: true, Reasons: []string{"touches CI configuration .github/workflows/test.yml (pattern .github/workflows/**)"}}},
		{"security file", policy(autoApply), with(func(in *Input) { in.Files[0].Path = "internal/auth/session.go" }),
			Decision{Tier: Tier1, NeedsHuman: true, Reasons: []string{"touches security-sensitive file"}}},
		{"dependency file", policy(autoApply), with(func(in *Input) { in.Files[0].Path = "go.mod" }),
			Decision{Tier: Tier1, NeedsHuman: true, Reasons: []string{"touches dependency file go.mod"}}},
		{"build file", policy(autoApply), with(func(in *Input) { in.Files[0].Path = "/ws/Makefile" }),
			Decision{Tier: Tier1, NeedsHuman: true, Reasons: []string{"touches build file /ws/Makefile"}}},
		{"custom sensitive pattern", policy(func(p *Policy) { p.AutoApply = true; p.SensitivePatterns = []string{"migrations/**"} }),
			with(func(in *Input) { in.Files[0].Path = "db/migrations/0001.sql" }),
			Decision{Tier: Tier1, NeedsHuman: true, Reasons: []string{"touches sensitive file db/migrations/0001.sql (pattern migrations/**)"}}},
		{"no sensitive patterns", policy(func(p *Policy) { p.AutoApply = true; p.SensitivePatterns = nil }),
			with(func(in *Input) { in.Files[0].Path = "go.mod" }),
			Decision{Tier: Tier3, Apply: true, Commit: true}},
		{"safety finding", policy(autoApply), with(func(in *Input) {
			in.SafetyFindings = []string{"writes outside the workspace", "disables TLS verification"}
		}),
			Decision{Tier: Tier1, NeedsHuman: true, Reasons: []string{"safety finding: writes outside the workspace", "safety finding: disables TLS verification"}}},
		{"low confidence", policy(autoApply), with(func(in *Input) { in.Confidence = 0.3 }),
			Decision{Tier: Tier1, NeedsHuman: true, Reasons: []string{"low confidence: 0.3, below 0.5"}}},
		{"confidence exactly MinConfidence", policy(autoApply), with(func(in *Input) { in.Confidence = 0.5 }),
			Decision{Tier: Tier3, Apply: true, Commit: true}},
		{"unknown confidence", policy(autoApply), with(func(in *Input) { in.Confidence = 0 }),
			Decision{Tier: Tier3, Apply: true, Commit: true}},
		{"NaN confidence", policy(autoApply), with(func(in *Input) { in.Confidence = math.NaN() }),
			Decision{Tier: Tier1, NeedsHuman: true, Reasons: []string{"confidence is not a number"}}},
		{"user changes in a touched file", policy(autoApply), with(func(in *Input) { in.UserChangesInTouched = []string{"internal/calc/calc.go"} }),
			Decision{Tier: Tier1, NeedsHuman: true, Reasons: []string{"internal/calc/calc.go holds uncommitted changes by the user"}}},
		{"no files", policy(autoApply), with(func(in *Input) { in.Files = nil }),
			Decision{Tier: Tier1, NeedsHuman: true, Reasons: []string{"lists no files"}}},
		{"negative line counts", policy(autoApply), with(func(in *Input) { in.Files[0].AddedLines = -500 }),
			Decision{Tier: Tier1, NeedsHuman: true, Reasons: []string{"invalid line counts"}}},
		{"every rule is listed", policy(autoApply), with(func(in *Input) {
			in.Score = 0.9
			in.Files = []FileInfo{{Path: "go.mod", AddedLines: 300, Deleted: true}}
			in.SafetyFindings = []string{"x"}
			in.UserChangesInTouched = []string{"go.mod"}
			in.TestsRan = false
		}), Decision{Tier: Tier1, NeedsHuman: true, Reasons: []string{"large diff", "deletes file go.mod", "dependency file", "safety finding: x", "uncommitted changes", "below the tier 3 minimum", "not a small diff", "tests did not run"}}},
		{"below threshold is vetoed", policy(autoApply), with(func(in *Input) { in.Score = 0.79 }),
			Decision{Tier: Vetoed, Reasons: []string{"vetoed by the critic"}}},
		{"exactly the threshold passes", policy(autoApply), with(func(in *Input) { in.Score, in.Threshold = 0.95, 0.95 }),
			Decision{Tier: Tier3, Apply: true, Commit: true}},
		{"NaN score is vetoed", policy(autoApply), with(func(in *Input) { in.Score = math.NaN() }),
			Decision{Tier: Vetoed, Reasons: []string{"vetoed by the critic"}}},
		{"vetoed even when risky", policy(autoApply), with(func(in *Input) { in.Score = 0.1; in.SafetyFindings = []string{"x"} }),
			Decision{Tier: Vetoed, Reasons: []string{"vetoed by the critic"}}},
		{"zero policy never auto-applies", Policy{}, routine(),
			Decision{Tier: Tier1, NeedsHuman: true, Reasons: []string{"large diff: 4 changed lines, more than 0"}}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := tc.policy.Decide(tc.in)
			if got.Tier != tc.want.Tier || got.Apply != tc.want.Apply || got.Commit != tc.want.Commit || got.Offer != tc.want.Offer || got.NeedsHuman != tc.want.NeedsHuman {
				t.Errorf("decision = {%v apply=%v commit=%v offer=%v human=%v}, want {%v apply=%v commit=%v offer=%v human=%v}\nreasons: %q",
					got.Tier, got.Apply, got.Commit, got.Offer, got.NeedsHuman,
					tc.want.Tier, tc.want.Apply, tc.want.Commit, tc.want.Offer, tc.want.NeedsHuman, got.Reasons)
			}
			all := strings.Join(got.Reasons, "\n")
			for _, r := range tc.want.Reasons {
				if !strings.Contains(all, r) {
					t.Errorf("reasons lack %q:\n%s", r, all)
				}
			}
			if len(got.Reasons) == 0 {
				t.Error("no reasons")
			}
			if got.Tier == Vetoed && len(got.Reasons) != 1 {
				t.Errorf("vetoed with extra reasons %q", got.Reasons)
			}
		})
	}
}

// Invariants over random inputs and policies: Tier 1 never applies or
// commits; Commit implies Apply, Tier 3, AutoApply and AutoCommit; exactly
// one of apply, offer, hold or veto.
func TestDecideInvariants(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	paths := []string{"main.go", "go.mod", "internal/auth/x.go", ".github/workflows/ci.yml", "pkg/a.go", "Makefile"}
	for i := 0; i < 20000; i++ {
		p := Policy{
			AutoApply: r.IntN(2) == 0, AutoCommit: r.IntN(2) == 0,
			Tier3MinScore: r.Float64(), SmallDiffLines: r.IntN(30), LargeDiffLines: r.IntN(300), MinConfidence: r.Float64(),
		}
		if r.IntN(2) == 0 {
			p.SensitivePatterns = DefaultSensitivePatterns()
		}
		in := Input{Score: r.Float64(), Threshold: r.Float64() / 2, TestsRan: r.IntN(2) == 0, TestsPassed: r.IntN(2) == 0}
		if r.IntN(3) == 0 {
			in.Confidence = r.Float64()
		}
		for k := r.IntN(3); k >= 0; k-- {
			in.Files = append(in.Files, FileInfo{Path: paths[r.IntN(len(paths))], AddedLines: r.IntN(100), DeletedLines: r.IntN(100), Deleted: r.IntN(10) == 0})
		}
		if r.IntN(10) == 0 {
			in.SafetyFindings = []string{"f"}
		}
		if r.IntN(10) == 0 {
			in.UserChangesInTouched = []string{"main.go"}
		}
		d := p.Decide(in)
		if d.Tier == Tier1 && (d.Commit || d.Apply || d.Offer || !d.NeedsHuman) {
			t.Fatalf("tier 1 decision %+v", d)
		}
		if d.Commit && !(d.Apply && d.Tier == Tier3 && p.AutoApply && p.AutoCommit) {
			t.Fatalf("commit without tier 3 auto-apply and auto-commit: %+v (policy %+v)", d, p)
		}
		if d.Apply && !(d.Tier == Tier3 && p.AutoApply) {
			t.Fatalf("apply outside tier 3 auto-apply: %+v", d)
		}
		n := 0
		for _, b := range []bool{d.Apply, d.Offer, d.NeedsHuman, d.Tier == Vetoed} {
			if b {
				n++
			}
		}
		if n != 1 {
			t.Fatalf("decision %+v is not exactly one of apply, offer, hold, veto", d)
		}
		if d.Tier == Tier1 {
			if c, _ := p.OnAccepted(d); c {
				t.Fatalf("accepted tier 1 committed: %+v", d)
			}
		}
	}
}

func TestOnAccepted(t *testing.T) {
	on, off := policy(func(p *Policy) { p.AutoCommit = true }), policy(func(p *Policy) { p.AutoCommit = false })
	tier2 := on.Decide(with(func(in *Input) { in.Score = 0.9 }))
	tier1 := on.Decide(with(func(in *Input) { in.SafetyFindings = []string{"x"} }))
	tier3Offered := on.Decide(routine())
	tier3Applied := policy(autoApply).Decide(routine())
	vetoed := on.Decide(with(func(in *Input) { in.Score = 0 }))
	tests := []struct {
		name   string
		p      Policy
		d      Decision
		commit bool
		reason string
	}{
		{"tier 2, auto-commit on", on, tier2, true, "auto-commit is on"},
		{"tier 2, auto-commit off", off, tier2, false, "auto-commit is off"},
		{"offered tier 3, auto-commit on", on, tier3Offered, true, "auto-commit is on"},
		{"tier 1, auto-commit on", on, tier1, false, "never committed automatically"},
		{"tier 1, auto-commit off", off, tier1, false, "never committed automatically"},
		{"tier 3 already committed", on, tier3Applied, false, "already committed"},
		{"vetoed", on, vetoed, false, "vetoed"},
	}
	for _, tc := range tests {
		commit, reason := tc.p.OnAccepted(tc.d)
		if commit != tc.commit || !strings.Contains(reason, tc.reason) {
			t.Errorf("%s: OnAccepted = %v, %q; want %v, %q", tc.name, commit, reason, tc.commit, tc.reason)
		}
	}
}

func TestValidate(t *testing.T) {
	tests := []struct {
		name string
		p    Policy
		ok   bool
	}{
		{"default", DefaultPolicy(), true},
		{"zero", Policy{}, true},
		{"score above 1", policy(func(p *Policy) { p.Tier3MinScore = 1.5 }), false},
		{"NaN score", policy(func(p *Policy) { p.Tier3MinScore = math.NaN() }), false},
		{"negative confidence", policy(func(p *Policy) { p.MinConfidence = -1 }), false},
		{"small above large", policy(func(p *Policy) { p.SmallDiffLines = 300 }), false},
		{"negative lines", policy(func(p *Policy) { p.SmallDiffLines, p.LargeDiffLines = -1, -1 }), false},
		{"bad pattern", policy(func(p *Policy) { p.SensitivePatterns = []string{"[x"} }), false},
		{"empty pattern", policy(func(p *Policy) { p.SensitivePatterns = []string{""} }), false},
	}
	for _, tc := range tests {
		err := tc.p.Validate()
		if (err == nil) != tc.ok {
			t.Errorf("%s: Validate() = %v", tc.name, err)
		}
		if err != nil && !errors.Is(err, ErrInvalidPolicy) {
			t.Errorf("%s: %v does not wrap ErrInvalidPolicy", tc.name, err)
		}
	}
}

func TestDefaultPolicyIsFresh(t *testing.T) {
	a := DefaultPolicy()
	a.SensitivePatterns[0] = "changed"
	if DefaultPolicy().SensitivePatterns[0] == "changed" {
		t.Error("DefaultPolicy shares its pattern slice")
	}
}

func TestTierString(t *testing.T) {
	for tier, want := range map[Tier]string{Vetoed: "vetoed", Tier1: "tier 1", Tier2: "tier 2", Tier3: "tier 3", 9: "Tier(9)"} {
		if got := tier.String(); got != want {
			t.Errorf("%d.String() = %q", int(tier), got)
		}
	}
}
