package metal

import (
	"errors"
	"regexp"
	"testing"
)

// A grammar constrains what stories260k writes, greedy and sampled: the
// output follows it to its end and stops there, whatever the model would
// rather have said.
func TestGrammarConstrainsOutput(t *testing.T) {
	m := openStories(t, ModelOptions{})
	grammar := `root ::= "path/to/file.go\n<<<<<<< SEARCH\n" ("func a() {}\n" | "x := 1\n") "=======\n" line{0,3} ">>>>>>> REPLACE\n"
line ::= [^\n<>=]{0,40} "\n"`
	format := regexp.MustCompile(`^path/to/file\.go\n<<<<<<< SEARCH\n(func a\(\) \{\}|x := 1)\n=======\n([^\n<>=]{0,40}\n){0,3}>>>>>>> REPLACE\n$`)
	seed := uint32(7)
	for _, s := range []Sampling{{Grammar: grammar}, {Grammar: grammar, Temperature: 0.9, TopK: 40, Seed: &seed}} {
		res, streamed := gen(t, m, GenerateRequest{Prompt: "Once upon a time", MaxTokens: 400, Sampling: s})
		if res.Text != streamed || !format.MatchString(res.Text) || res.FinishReason != FinishStop {
			t.Fatalf("temperature %g: %s, %q does not follow the grammar", s.Temperature, res.FinishReason, res.Text)
		}
	}
	// Without the grammar the model tells its story.
	if res, _ := gen(t, m, GenerateRequest{Prompt: "Once upon a time", MaxTokens: 40}); format.MatchString(res.Text) {
		t.Fatalf("unconstrained output follows the grammar: %q", res.Text)
	}
}

func TestGrammarRefused(t *testing.T) {
	m := openStories(t, ModelOptions{})
	for _, g := range []string{`root ::= "unterminated`, `start ::= "no root rule"`, `root ::= root "x"`, "root ::= \"a\x00\""} {
		_, err := m.Generate(t.Context(), GenerateRequest{Prompt: "Once", MaxTokens: 8, Sampling: Sampling{Grammar: g}}, nil)
		if !errors.Is(err, ErrBadRequest) {
			t.Errorf("grammar %q: %v, want ErrBadRequest", g, err)
		}
	}
	// The model still works.
	if res, _ := gen(t, m, GenerateRequest{Prompt: "Once", MaxTokens: 4}); res.OutputTokens != 4 {
		t.Fatalf("after refused grammars: %+v", res)
	}
}
