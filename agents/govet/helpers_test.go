package govet

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
)

const goMod = "module example.com/m\n\ngo 1.26\n"

// writeModule creates a module example.com/m in a temp dir with the given
// files (relative path -> content) and returns its directory. Files and
// directories get an mtime an hour in the past, as if unchanged for a
// while, so that the engine's (size, mtime) hash cache applies to them.
func writeModule(t testing.TB, files map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	all := map[string]string{"go.mod": goMod}
	for k, v := range files {
		all[k] = v
	}
	old := time.Now().Add(-time.Hour)
	var dirs []string
	for name, content := range all {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		writeFile(t, p, content)
		if err := os.Chtimes(p, old, old); err != nil {
			t.Fatal(err)
		}
		dirs = append(dirs, filepath.Dir(p))
	}
	for _, d := range dirs {
		if err := os.Chtimes(d, old, old); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

func writeFile(t testing.TB, path, content string) {
	t.Helper()
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
}

func newEngine(t testing.TB, opts Options) *Engine {
	t.Helper()
	if opts.Logger == nil {
		opts.Logger = testLogger(t)
	}
	e, err := New(opts)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	return e
}

func analyzeFiles(t testing.TB, e *Engine, ov Overlay, files ...string) *Result {
	t.Helper()
	res, err := e.AnalyzeFiles(context.Background(), files, ov)
	if err != nil {
		t.Fatalf("AnalyzeFiles(%v): %v", files, err)
	}
	return res
}

func analyzePatterns(t testing.TB, e *Engine, ov Overlay, patterns ...string) *Result {
	t.Helper()
	res, err := e.AnalyzePatterns(context.Background(), patterns, ov)
	if err != nil {
		t.Fatalf("AnalyzePatterns(%v): %v", patterns, err)
	}
	return res
}

// byAnalyzer returns the findings of one analyzer.
func byAnalyzer(fs []Finding, name string) []Finding {
	var out []Finding
	for _, f := range fs {
		if f.Analyzer == name {
			out = append(out, f)
		}
	}
	return out
}

// counts summarises a Result's counters for comparison.
func counts(r *Result) string {
	return fmt.Sprintf("analyzed=%d cached=%d shared=%d loads=%d", r.Analyzed, r.Cached, r.Shared, r.Loads)
}

// applyEdits applies non-overlapping edits to content.
func applyEdits(t testing.TB, content []byte, edits []Edit) []byte {
	t.Helper()
	sorted := slices.Clone(edits)
	slices.SortFunc(sorted, func(a, b Edit) int { return a.Start - b.Start })
	var out bytes.Buffer
	last := 0
	for _, e := range sorted {
		if e.Start < last || e.End < e.Start || e.End > len(content) {
			t.Fatalf("bad edit %+v (content %d bytes, last %d)", e, len(content), last)
		}
		out.Write(content[last:e.Start])
		out.WriteString(e.NewText)
		last = e.End
	}
	out.Write(content[last:])
	return out.Bytes()
}

// vetDiag is one diagnostic of `go vet -json`.
type vetDiag struct {
	Posn           string `json:"posn"`
	End            string `json:"end"`
	Message        string `json:"message"`
	SuggestedFixes []struct {
		Message string `json:"message"`
		Edits   []struct {
			Filename string `json:"filename"`
			Start    int    `json:"start"`
			End      int    `json:"end"`
			New      string `json:"new"`
		} `json:"edits"`
	} `json:"suggested_fixes"`
}

// goVetJSON runs `go vet -json ./...` in dir and returns the diagnostics
// by analyzer, merged over packages.
func goVetJSON(t testing.TB, dir string) map[string][]vetDiag {
	t.Helper()
	cmd := exec.Command("go", "vet", "-json", "./...")
	cmd.Dir = dir
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	_ = cmd.Run() // exit status is non-zero when diagnostics are reported
	out := make(map[string][]vetDiag)
	dec := json.NewDecoder(&stdout)
	for {
		var pkgs map[string]map[string]json.RawMessage
		err := dec.Decode(&pkgs)
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			t.Fatalf("go vet -json: %v\nstderr: %s", err, stderr.String())
		}
		for _, byA := range pkgs {
			for a, raw := range byA {
				var ds []vetDiag
				if err := json.Unmarshal(raw, &ds); err != nil {
					continue // {"error": ...} entries
				}
				out[a] = append(out[a], ds...)
			}
		}
	}
	return out
}

// goVetText runs `go vet ./...` in dir and returns its output lines.
func goVetText(t testing.TB, dir string) []string {
	t.Helper()
	cmd := exec.Command("go", "vet", "./...")
	cmd.Dir = dir
	out, _ := cmd.CombinedOutput()
	return strings.Split(strings.TrimSpace(string(out)), "\n")
}

func posString(file string, p Position) string {
	return fmt.Sprintf("%s:%d:%d", file, p.Line, p.Column)
}

// checkPositions verifies that every finding's and edit's offsets agree
// with its line and column in the analysed content (overlay first).
func checkPositions(t testing.TB, res *Result, ov Overlay) {
	t.Helper()
	read := func(name string) []byte {
		if c, ok := ov[name]; ok {
			return c
		}
		c, err := os.ReadFile(name)
		if err != nil {
			t.Fatalf("reading %s: %v", name, err)
		}
		return c
	}
	for _, f := range res.Findings {
		content := read(f.File)
		for _, p := range []Position{f.Start, f.End} {
			if p.Offset < 0 || p.Offset > len(content) || positionAt(content, p.Line, p.Column) != p {
				t.Errorf("%s: position %+v inconsistent with the content", f, p)
			}
		}
		if f.End.Offset < f.Start.Offset {
			t.Errorf("%s: end before start", f)
		}
		for _, fx := range f.Fixes {
			for _, e := range fx.Edits {
				if n := len(read(e.File)); e.Start < 0 || e.End < e.Start || e.End > n {
					t.Errorf("%s: edit %+v outside %d-byte file", f, e, n)
				}
			}
		}
	}
}
