package knowledge

import (
	"context"
	"encoding/json"
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/aios-dev/aios/inference"
	"github.com/aios-dev/aios/memory"
)

// The retrieval-quality evaluation, in the manner of CodeSearchNet, on a
// code base no one here wrote: golang.org/x/tools at qualityModule. Every
// exported function or method with a doc comment, outside tests and
// testdata, gives one query: the doc comment's text with the function's
// own name removed. The answer is the file that defines the function. The
// doc comments of the queried functions are blanked (with spaces, so that
// every offset stays) in the indexed copy, as CodeSearchNet strips
// docstrings from the code it searches: otherwise a query would find its
// own text.
//
// Files are ranked by asking for qualityDepth chunks with at most one per
// file. recall@5 is the share of queries whose answer is among the first
// five files; MRR is the mean of 1/rank (0 when the answer is not among
// the qualityDepth files).
//
// The dense retriever runs when AIOS_EVAL_EMBED_MODEL names a GGUF model
// that llama.cpp can embed with.
const (
	qualityModule = "golang.org/x/tools@v0.52.0"
	qualityDepth  = 20
)

// evalQuery is one query of the evaluation.
type evalQuery struct {
	text   string
	answer string // workspace-relative path
	name   string
	// near is another file of the answer's directory, as the file an
	// editor would have open ("" when the directory has no other file).
	near string
}

// evalCorpus is a blanked copy of the module and its queries.
type evalCorpus struct {
	root    string
	files   int
	queries []evalQuery
}

// moduleDir returns the directory of mod in the module cache, downloading
// it through the Go module proxy when it is missing.
func moduleDir(tb testing.TB, mod string) string {
	tb.Helper()
	out, err := exec.Command("go", "mod", "download", "-json", mod).Output()
	if err != nil {
		msg := err.Error()
		if ee, ok := err.(*exec.ExitError); ok {
			msg += ": " + string(ee.Stderr)
		}
		tb.Fatalf("go mod download %s (the evaluation needs the Go module proxy or a module cache holding it): %s %s", mod, msg, out)
	}
	var info struct{ Dir, Error string }
	if err := json.Unmarshal(out, &info); err != nil || info.Dir == "" {
		tb.Fatalf("go mod download %s: %v %s %s", mod, err, info.Error, out)
	}
	return info.Dir
}

// buildCorpus copies the module's non-test Go files (and go.mod) into a
// temporary workspace with the queried doc comments blanked.
func buildCorpus(tb testing.TB, src string) *evalCorpus {
	tb.Helper()
	c := &evalCorpus{root: tb.TempDir()}
	byDir := map[string][]string{} // the Go files of each directory
	err := filepath.WalkDir(src, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		name := d.Name()
		if d.IsDir() {
			if path != src && (name == "testdata" || strings.HasPrefix(name, ".") || strings.HasPrefix(name, "_")) {
				return filepath.SkipDir
			}
			return nil
		}
		rel, _ := filepath.Rel(src, path)
		rel = filepath.ToSlash(rel)
		if rel != "go.mod" && (!strings.HasSuffix(name, ".go") || strings.HasSuffix(name, "_test.go")) {
			return nil
		}
		content, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		if rel != "go.mod" {
			content = c.blankDocs(rel, content)
		}
		dst := filepath.Join(c.root, filepath.FromSlash(rel))
		if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
			return err
		}
		c.files++
		if rel != "go.mod" {
			byDir[filepath.Dir(rel)] = append(byDir[filepath.Dir(rel)], rel)
		}
		return os.WriteFile(dst, content, 0o644)
	})
	if err != nil {
		tb.Fatal(err)
	}
	for i := range c.queries {
		q := &c.queries[i]
		for _, f := range byDir[filepath.Dir(q.answer)] { // in walk (lexical) order
			if f != q.answer {
				q.near = f
				break
			}
		}
	}
	return c
}

// blankDocs adds a query per documented exported function of the file
// and returns its content with those doc comments blanked.
func (c *evalCorpus) blankDocs(rel string, content []byte) []byte {
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, rel, content, parser.ParseComments|parser.SkipObjectResolution)
	if err != nil {
		return content // indexed as it is, asked nothing
	}
	out := slices.Clone(content)
	for _, decl := range f.Decls {
		fn, ok := decl.(*ast.FuncDecl)
		if !ok || fn.Doc == nil || !fn.Name.IsExported() {
			continue
		}
		name := fn.Name.Name
		text := regexp.MustCompile(`\b`+regexp.QuoteMeta(name)+`\b`).ReplaceAllString(fn.Doc.Text(), " ")
		text = strings.Join(strings.Fields(text), " ")
		if len(strings.Fields(text)) < 3 {
			continue
		}
		c.queries = append(c.queries, evalQuery{text: text, answer: rel, name: name})
		for i := fset.Position(fn.Doc.Pos()).Offset; i < fset.Position(fn.Doc.End()).Offset; i++ {
			if out[i] != '\n' {
				out[i] = ' '
			}
		}
	}
	return out
}

// evalMode is a set of retrievers evaluated together.
type evalMode struct {
	name       string
	retrievers []string
	// openNear asks with the query's near file open, as from an editor.
	openNear bool
}

// evalScore is the outcome of one mode.
type evalScore struct {
	recall5, mrr float64
	answered     int // queries whose answer was among the qualityDepth files
}

func evaluate(ctx context.Context, tb testing.TB, s *Service, queries []evalQuery, mode evalMode) evalScore {
	var sc evalScore
	for _, q := range queries {
		mq := memory.Query{Text: q.text, K: qualityDepth, MaxPerFile: 1, TokenBudget: 1 << 20, Retrievers: mode.retrievers}
		if mode.openNear {
			mq.OpenFile = q.near
		}
		res, err := s.Search(ctx, mq)
		if err != nil {
			tb.Fatalf("%s: %q: %v", mode.name, q.text, err)
		}
		for i, it := range res.Items {
			if it.Path == q.answer {
				if i < 5 {
					sc.recall5++
				}
				sc.mrr += 1 / float64(i+1)
				sc.answered++
				break
			}
		}
	}
	sc.recall5 /= float64(len(queries))
	sc.mrr /= float64(len(queries))
	return sc
}

// BenchmarkRetrievalQuality reports recall@5 and MRR of each retriever and
// of their fusion on golang.org/x/tools, from the text alone and, as from
// an editor, with another file of the answer's directory open (which
// seeds the graph and the proximity factor; the open file itself is never
// a result of the graph retriever). One iteration is the whole
// evaluation; the time per op is the time of every query of every mode.
func BenchmarkRetrievalQuality(b *testing.B) {
	corpus := buildCorpus(b, moduleDir(b, qualityModule))
	opts := Options{Root: corpus.root, StorePath: filepath.Join(b.TempDir(), "aios.db"), NoHistory: true}
	modes := []evalMode{
		{name: "sparse", retrievers: []string{memory.RetrieverSparse}},
		{name: "graph", retrievers: []string{memory.RetrieverGraph}},
	}
	fused := evalMode{name: "fused"}
	if model := os.Getenv("AIOS_EVAL_EMBED_MODEL"); model != "" {
		meter := inference.NewMeter()
		lazy := inference.NewLazy(meter, func() (*inference.Engine, error) {
			return inference.Build(inference.Config{Backends: []inference.BackendConfig{{Name: "eval", Type: inference.TypeLocal, Model: model, Embeddings: true}}},
				inference.BuildOptions{Meter: meter})
		})
		defer lazy.Close()
		opts.Embedder, opts.EmbedModel = lazy, "eval:"+filepath.Base(model)
		modes = append(modes, evalMode{name: "dense", retrievers: []string{memory.RetrieverDense}})
	} else {
		fused.name = "fused(sparse+graph)"
	}
	modes = append(modes, fused,
		evalMode{name: "sparse+open-file", retrievers: []string{memory.RetrieverSparse}, openNear: true},
		evalMode{name: "graph+open-file", retrievers: []string{memory.RetrieverGraph}, openNear: true},
		evalMode{name: fused.name + "+open-file", retrievers: fused.retrievers, openNear: true})
	s, err := Open(opts)
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	ctx := context.Background()
	if _, err := s.Refresh(ctx); err != nil {
		b.Fatal(err)
	}
	if err := s.Memory().Flush(ctx); err != nil {
		b.Fatal(err)
	}
	b.Logf("%s: %d files, %d chunks, %d queries", qualityModule, corpus.files, s.Memory().Stats().Chunks, len(corpus.queries))
	b.ResetTimer()
	for b.Loop() {
		for _, m := range modes {
			sc := evaluate(ctx, b, s, corpus.queries, m)
			b.ReportMetric(sc.recall5, m.name+"-recall@5")
			b.ReportMetric(sc.mrr, m.name+"-MRR")
			b.Logf("%-20s recall@5 %.3f  MRR %.3f  answer in top %d: %d/%d", m.name, sc.recall5, sc.mrr, qualityDepth, sc.answered, len(corpus.queries))
		}
	}
}

// TestQualityCorpusBlanksQueriedDocs checks the corpus builder on a small
// module: queries lose the function's name, the indexed copy loses the
// doc comment and keeps every offset.
func TestQualityCorpusBlanksQueriedDocs(t *testing.T) {
	src := t.TempDir()
	files := map[string]string{
		"go.mod":        "module example.com/q\n",
		"a/a.go":        "package a\n\n// ParseConfig parses a configuration file; ParseConfig never panics.\nfunc ParseConfig() {}\n\n// helper is unexported.\nfunc helper() {}\n\n// Two words.\nfunc Short() {}\n",
		"a/a_test.go":   "package a\n\n// TestX tests the thing that matters most.\nfunc TestX() {}\n",
		"testdata/x.go": "package x\n\n// Skipped is in testdata and never asked.\nfunc Skipped() {}\n",
	}
	for rel, content := range files {
		p := filepath.Join(src, filepath.FromSlash(rel))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	c := buildCorpus(t, src)
	want := []evalQuery{{text: "parses a configuration file; never panics.", answer: "a/a.go", name: "ParseConfig"}} // a/ has no other file
	if !slices.Equal(c.queries, want) || c.files != 2 {
		t.Fatalf("queries %+v, %d files; want %+v, 2 files", c.queries, c.files, want)
	}
	got, err := os.ReadFile(filepath.Join(c.root, "a", "a.go"))
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != len(files["a/a.go"]) || strings.Contains(string(got), "parses a configuration") || !strings.Contains(string(got), "// helper is unexported.") {
		t.Fatalf("indexed copy:\n%s", got)
	}
	if _, err := os.Stat(filepath.Join(c.root, "a", "a_test.go")); !os.IsNotExist(err) {
		t.Fatalf("test file copied: %v", err)
	}
}
