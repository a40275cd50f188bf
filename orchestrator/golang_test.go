package orchestrator

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/aios-dev/aios/critic"
)

const selfAssign = `package m

func f() int {
	x := 1
	x = x
	return x
}
`

func writeModule(t *testing.T, files map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	files["go.mod"] = "module example.com/m\n\ngo 1.26\n"
	for name, content := range files {
		p := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

func newGoKernel(t *testing.T, dir string) *Kernel {
	t.Helper()
	k, err := New(Options{Agents: GoAgents(GoOptions{Dir: dir, Tests: true})})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { k.Close() })
	return k
}

func TestGoAgentsDiagnoseFixAndVerify(t *testing.T) {
	dir := writeModule(t, map[string]string{"a.go": "package m\n\nfunc f() int {\n\tx := 1\n\treturn x\n}\n"})
	k := newGoKernel(t, dir)
	ctx := context.Background()
	path := filepath.Join(dir, "a.go")

	// On disk the file is clean; the open buffer has the self-assignment.
	fs, _, err := k.Diagnose(ctx, DocumentRef{Path: path, Version: -1}, nil)
	if err != nil || len(fs.Findings) != 0 {
		t.Fatalf("disk: %v %+v", err, fs)
	}
	if err := k.Overlay().Set(path, 2, []byte(selfAssign)); err != nil {
		t.Fatal(err)
	}
	fs, out, err := k.Diagnose(ctx, DocumentRef{Path: path, Version: 2}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(fs.Findings) != 1 || fs.Findings[0].Analyzer != "assign" || fs.Findings[0].Start.Line != 5 || fs.Versions[path] != 2 {
		t.Fatalf("findings %+v", fs)
	}
	if out.Task.Steps[0].Agent != "meso/diagnose" {
		t.Fatalf("trace %+v", out.Task.Steps)
	}
	if ids := k.Registry().ByResource(path); len(ids) != 1 {
		t.Fatalf("micro agent for %s: %v", path, ids)
	}
	f := fs.Findings[0]
	rng := ByteRange{Start: f.Start.Offset, End: f.Start.Offset}
	list, err := k.CodeActions(ctx, DocumentRef{Path: path, Version: 2}, rng, nil)
	if err != nil || len(list.Fixes) != 1 {
		t.Fatalf("code actions %v %+v", err, list)
	}
	resolved, err := k.ResolveFix(ctx, DocumentRef{Path: path, Version: 2}, rng, nil)
	if err != nil || len(resolved.Fixes) != 1 || !resolved.Fixes[0].Verified {
		t.Fatalf("resolve %v %+v", err, resolved)
	}
	fixed, err := critic.ApplyEdits([]byte(selfAssign), resolved.Fixes[0].Edits)
	if err != nil || strings.Contains(string(fixed), "x = x") {
		t.Fatalf("fixed %q %v", fixed, err)
	}
	_ = k.Overlay().Set(path, 3, fixed)
	if fs, _, _ = k.Diagnose(ctx, DocumentRef{Path: path, Version: 3}, nil); len(fs.Findings) != 0 {
		t.Fatalf("after fix: %+v", fs.Findings)
	}
}

func TestGoAgentsLint(t *testing.T) {
	dir := writeModule(t, map[string]string{
		"a.go":     selfAssign,
		"b/b.go":   "package b\n\nimport \"fmt\"\n\nfunc g() { fmt.Printf(\"%d\\n\", \"s\") }\n",
		"c/c.go":   "package c\n\nfunc H() {}\n",
		"d/bad.go": "package d\n\nfunc k() { return 1 }\n",
	})
	k := newGoKernel(t, dir)
	fs, _, err := k.Lint(context.Background(), []string{"./..."}, nil)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, f := range fs.Findings {
		rel, _ := filepath.Rel(dir, f.File)
		got = append(got, rel+":"+f.Analyzer)
	}
	want := []string{"a.go:assign", "b/b.go:printf", "d/bad.go:compiler"}
	if strings.Join(got, " ") != strings.Join(want, " ") {
		t.Fatalf("lint findings %v, want %v", got, want)
	}
}
