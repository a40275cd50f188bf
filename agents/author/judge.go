package author

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"strconv"
	"strings"

	"github.com/aios-dev/aios/critic"
	"github.com/aios-dev/aios/inference"
)

// Judge is the Critic's optional LLM judge of intent: the model rates how
// well a diff does what the task asked, 0 to 10. The Critic bounds its
// weight and consults it only for patches nothing vetoed.
type Judge struct {
	Model Model
}

var _ critic.Judge = (*Judge)(nil)

// scoreRE finds the rating in the model's answer.
var scoreRE = regexp.MustCompile(`(?i)score\s*[:=]?\s*(\d+(?:\.\d+)?)`)

// Judge implements critic.Judge.
func (j *Judge) Judge(ctx context.Context, t critic.Task, diff string) (float64, string, error) {
	if j.Model == nil {
		return 0, "", ErrNoModel
	}
	what := t.Instruction
	if t.Target != nil {
		what = strings.TrimSpace("fix " + t.Target.String() + " " + what)
	}
	prompt := fmt.Sprintf("Task (%s): %s\n\nDiff:\n%s\n\nDoes the diff do what the task asks, and nothing else? "+
		"Answer with one line \"score: N\" (0 = not at all, 10 = exactly), then one sentence why.", t.Kind, what, diff)
	res, err := j.Model.Generate(ctx, &inference.Request{
		Messages:  []inference.Message{{Role: "system", Content: "You review code changes strictly."}, {Role: "user", Content: prompt}},
		MaxTokens: 96,
	}, func(inference.Chunk) error { return nil })
	if err != nil {
		return 0, "", err
	}
	m := scoreRE.FindStringSubmatch(res.Text)
	if m == nil {
		return 0, "", fmt.Errorf("the judge's answer holds no score: %.80q", res.Text)
	}
	v, err := strconv.ParseFloat(m[1], 64)
	if err != nil || v < 0 || v > 10 {
		return 0, "", fmt.Errorf("the judge's score %q is not in 0-10", m[1])
	}
	reason := strings.TrimSpace(scoreRE.ReplaceAllString(res.Text, ""))
	if i := strings.IndexByte(reason, '\n'); i >= 0 {
		reason = reason[:i]
	}
	return v / 10, reason, nil
}

// conventionalRE is the first line of a Conventional Commits message.
var conventionalRE = regexp.MustCompile(`^(feat|fix|docs|style|refactor|perf|test|build|ci|chore|revert)(\([^()\s]+\))?!?: \S`)

// ErrNoMessage: the model did not write a usable commit message.
var ErrNoMessage = errors.New("the model wrote no Conventional Commits message")

// CommitMessage asks the model for a Conventional Commits message (subject
// and body, no trailers) for diff. An answer whose first line is not of
// that form is refused with ErrNoMessage: the caller uses its template.
func CommitMessage(ctx context.Context, model Model, t *Task, diff string) (string, error) {
	if model == nil {
		return "", ErrNoModel
	}
	prompt := fmt.Sprintf("Write the git commit message for this change, in the Conventional Commits format: "+
		"a first line \"type(scope): summary\" of at most 72 characters, a blank line, then one or two sentences on why. "+
		"Answer with the message only.\n\nTask: %s %s\n\nDiff:\n%s", t.Kind, strings.TrimSpace(t.Instruction+" "+targetText(t)), diff)
	res, err := model.Generate(ctx, &inference.Request{
		Messages:  []inference.Message{{Role: "user", Content: prompt}},
		MaxTokens: 160,
	}, func(inference.Chunk) error { return nil })
	if err != nil {
		return "", err
	}
	msg := strings.TrimSpace(strings.Trim(strings.TrimSpace(res.Text), "`"))
	if !conventionalRE.MatchString(msg) {
		return "", fmt.Errorf("%w: %.80q", ErrNoMessage, msg)
	}
	return msg, nil
}

func targetText(t *Task) string {
	if t.Target == nil {
		return ""
	}
	return t.Target.String()
}
