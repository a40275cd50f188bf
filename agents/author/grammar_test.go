package author

import (
	"context"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/aios-dev/aios/inference"
)

// grammarBound reads the bounds back out of an edit grammar and returns
// the longest answer, in bytes, that it allows.
func grammarBound(t *testing.T, g string) int {
	t.Helper()
	num := func(re string) int {
		m := regexp.MustCompile(re).FindStringSubmatch(g)
		if m == nil {
			t.Fatalf("no %s in\n%s", re, g)
		}
		n, _ := strconv.Atoi(m[1])
		return n
	}
	blocks := num(`root ::= block\{1,(\d+)\}`)
	search := num(`search ::= line\{1,(\d+)\}`)
	lines := num(`replace ::= free\{0,(\d+)\}`)
	width := num(`free ::= \[\^\\n\]\{0,(\d+)\}`)
	header := regexp.MustCompile(`block ::= "((?:[^"\\]|\\.)*)"`).FindStringSubmatch(g)
	unquote := strings.NewReplacer(`\n`, "\n", `\t`, "\t", `\r`, "\r", `\"`, `"`, `\\`, `\`).Replace
	path := unquote(header[1])
	longest := 0
	for _, alt := range regexp.MustCompile(`"((?:[^"\\]|\\.)*)"`).FindAllStringSubmatch(g[strings.Index(g, "line ::= "):], -1) {
		longest = max(longest, len(unquote(alt[1])))
	}
	per := len(path) + len("<<<<<<< SEARCH\n=======\n>>>>>>> REPLACE\n\n") + search*longest + lines*(width+1)
	return blocks * per
}

func TestEditGrammarFitsTheBudget(t *testing.T) {
	src := strings.Repeat("package calc\n\n// Double doubles n.\nfunc Double(n int) int {\n\tx := n\n\tx = x\n\treturn 2 * x\n}\n", 3) +
		"\tvery := \"a line with \\\"quotes\\\", a tab\\t and a backslash \\\\ of some length to push the width up\"\n"
	file := excerptOf([]byte(src), 6, 6, 0)
	task := &Task{Kind: KindFix, File: "calc/calc.go"}
	for _, tokens := range []int{64, 96, 128, 512, 1536, 4096} {
		g := editGrammar(task, file, tokens)
		if g == "" {
			if tokens >= 512 {
				t.Fatalf("%d tokens: no grammar", tokens)
			}
			continue
		}
		if worst := grammarBound(t, g); worst > tokens {
			t.Errorf("%d tokens: the grammar allows answers of %d bytes", tokens, worst)
		}
	}
	g := editGrammar(task, file, 1536)
	for _, want := range []string{
		`block ::= "calc/calc.go\n" "<<<<<<< SEARCH\n" search "=======\n" replace ">>>>>>> REPLACE\n" "\n"?`,
		`"\treturn 2 * x\n"`,
		`"\tvery := \"a line with \\\"quotes\\\", a tab\\t and a backslash \\\\ of some length to push the width up\"\n"`,
	} {
		if !strings.Contains(g, want) {
			t.Errorf("grammar lacks %s:\n%s", want, g)
		}
	}
	if strings.Count(g, `"func Double(n int) int {\n"`) != 1 {
		t.Error("a repeated line is offered more than once")
	}
	// Nothing to constrain to.
	for _, c := range []struct {
		task *Task
		file *fileExcerpt
	}{
		{&Task{Kind: KindTests, File: "calc/calc.go"}, file},
		{&Task{Kind: KindInstruction, File: "calc/calc.go"}, file},
		{&Task{Kind: KindFix}, file},
		{task, nil},
		{task, &fileExcerpt{text: "\n\n  \n"}},
	} {
		if g := editGrammar(c.task, c.file, 512); g != "" {
			t.Errorf("%+v: a grammar where none fits:\n%s", c.task, g)
		}
	}
}

func TestGBNFString(t *testing.T) {
	for in, want := range map[string]string{
		"plain":         `"plain"`,
		"a\"b\\c\n\t\r": `"a\"b\\c\n\t\r"`,
		"bell\x07":      `"bell\x07"`,
		"é日本":           `"é日本"`,
	} {
		if got := gbnfString(in); got != want {
			t.Errorf("gbnfString(%q) = %s, want %s", in, got, want)
		}
	}
}

// grammarRefuser is a model whose vocabulary cannot spell grammars.
type grammarRefuser struct{ reqs []inference.Request }

func (m *grammarRefuser) Generate(_ context.Context, req *inference.Request, _ func(inference.Chunk) error) (*inference.Result, error) {
	m.reqs = append(m.reqs, *req)
	if req.Grammar != "" {
		return nil, fmt.Errorf("%w: the vocabulary cannot spell the grammar", inference.ErrNotSupported)
	}
	return &inference.Result{Text: "ok", Backend: "local"}, nil
}

// A model that cannot sample under the grammar answers without it.
func TestAskWithoutTheGrammarWhenRefused(t *testing.T) {
	m := &grammarRefuser{}
	g := &Generator{Model: m}
	res, err := g.ask(context.Background(), "fix it", 64, `root ::= "x"`)
	if err != nil || res.Text != "ok" {
		t.Fatalf("ask: %+v, %v", res, err)
	}
	if len(m.reqs) != 2 || m.reqs[0].Grammar == "" || m.reqs[1].Grammar != "" || len(m.reqs[1].Messages) != 2 {
		t.Fatalf("requests: %+v", m.reqs)
	}
}
