package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func writeTree(t *testing.T, files map[string]string) string {
	t.Helper()
	dir := t.TempDir()
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

func runAios(t *testing.T, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errb bytes.Buffer
	code = run(context.Background(), args, strings.NewReader(""), &out, &errb)
	return code, out.String(), errb.String()
}

func TestLintExitStatusAndFormat(t *testing.T) {
	dir := writeTree(t, map[string]string{
		"go.mod":     "module example.com/m\n\ngo 1.26\n",
		"a.go":       "package m\n\nfunc f() int {\n\tx := 1\n\tx = x\n\treturn x\n}\n",
		"clean/c.go": "package clean\n\nfunc C() int { return 1 }\n",
	})
	code, out, errOut := runAios(t, "lint", "-C", dir, "./...")
	if code != exitFindings {
		t.Fatalf("exit %d, stderr %s", code, errOut)
	}
	// Paths are relative to the working directory when below it, else absolute.
	want := filepath.Join(dir, "a.go") + ":5:2: self-assignment of x (assign)\n"
	if out != want {
		t.Fatalf("stdout %q, want %q", out, want)
	}
	if !strings.Contains(errOut, "1 findings in 2 packages") {
		t.Fatalf("summary %q", errOut)
	}
	if code, out, errOut := runAios(t, "lint", "-C", dir, "./clean"); code != exitOK || out != "" {
		t.Fatalf("clean package: exit %d, %q %q", code, out, errOut)
	}
}

func TestUsageErrors(t *testing.T) {
	dir := writeTree(t, map[string]string{"go.mod": "module example.com/m\n\ngo 1.26\n", "a.go": "package m\n"})
	for _, args := range [][]string{
		{},
		{"frobnicate"},
		{"lint", "-nosuchflag"},
		{"lint", "-C", filepath.Join(dir, "missing")},
		{"lint", "-C", dir, "./nosuchpkg/..."},
		{"lsp", "--listen", "udp:1234"},
		{"lsp", "extra"},
	} {
		code, _, errOut := runAios(t, args...)
		if code != exitUsage || errOut == "" {
			t.Errorf("aios %q: exit %d, stderr %q", args, code, errOut)
		}
	}
	if code, out, _ := runAios(t, "version"); code != 0 || !strings.HasPrefix(out, "aios ") {
		t.Errorf("version: %d %q", code, out)
	}
}
