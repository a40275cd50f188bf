package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestIndexAndSearch(t *testing.T) {
	t.Setenv("XDG_CACHE_HOME", t.TempDir())
	for _, k := range []string{"AIOS_MODEL", "AIOS_OPENAI_BASE_URL", "AIOS_OPENAI_MODEL"} {
		t.Setenv(k, "")
	}
	dir := writeTree(t, map[string]string{
		"go.mod":        "module example.com/shop\n\ngo 1.26\n",
		"cart/cart.go":  "package cart\n\n// Total adds the prices of the items in a shopping cart.\nfunc Total(prices []float64) float64 {\n\tt := 0.0\n\tfor _, p := range prices {\n\t\tt += p\n\t}\n\treturn t\n}\n",
		"auth/token.go": "package auth\n\n// VerifyToken checks a bearer token's signature and expiry.\nfunc VerifyToken(tok string) error { return nil }\n",
		"README.md":     "# shop\n\nA small shop.\n",
	})
	code, out, errOut := runAios(t, "index", "-C", dir, "--stats")
	if code != exitOK {
		t.Fatalf("index: exit %d, %s %s", code, out, errOut)
	}
	for _, want := range []string{"files: 4 added", "4 parsed", "memory: 4 files indexed", "index:  4 files", "chunks", filepath.Join("aios", "workspaces")} {
		if !strings.Contains(out, want) {
			t.Errorf("index output lacks %q:\n%s", want, out)
		}
	}
	// A second run finds nothing new.
	if code, out, _ = runAios(t, "index", "-C", dir); code != exitOK || !strings.Contains(out, "0 added, 0 modified, 0 removed; 0 parsed") || !strings.Contains(out, "0 files indexed") {
		t.Fatalf("second index: exit %d\n%s", code, out)
	}
	code, out, errOut = runAios(t, "search", "-C", dir, "sum", "the", "prices", "in", "the", "cart")
	if code != exitOK || !strings.Contains(out, "1. cart/cart.go:3-10 Total") || !strings.Contains(out, "sparse #1") {
		t.Fatalf("search: exit %d\n%s%s", code, out, errOut)
	}
	// An edit on disk is picked up by the next search.
	if err := os.WriteFile(filepath.Join(dir, "auth", "token.go"), []byte("package auth\n\n// VerifyToken checks a bearer token.\nfunc VerifyToken(tok string) error { return nil }\n\n// RotateKeys replaces the signing keys every night.\nfunc RotateKeys() {}\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	code, out, errOut = runAios(t, "search", "-C", dir, "--json", "-k", "2", "replace the signing keys")
	if code != exitOK {
		t.Fatalf("search --json: exit %d %s", code, errOut)
	}
	var res struct {
		Items []struct {
			Path, Text string
			Scores     struct{ Ranks map[string]int }
		}
		Retrievers []string
		Notes      []string
	}
	if err := json.Unmarshal([]byte(out), &res); err != nil {
		t.Fatalf("%v: %s", err, out)
	}
	if len(res.Items) == 0 || len(res.Items) > 2 || res.Items[0].Path != "auth/token.go" || !strings.Contains(res.Items[0].Text, "RotateKeys") {
		t.Fatalf("search --json: %+v", res)
	}
	if !strings.Contains(strings.Join(res.Notes, "\n"), "dense: off") {
		t.Errorf("notes %q should say dense retrieval is off", res.Notes)
	}
	// Usage errors.
	for _, args := range [][]string{{"search", "-C", dir}, {"search", "-C", dir, "-k", "0", "x"}, {"index", "extra"}, {"index", "-C", filepath.Join(dir, "missing")}} {
		if code, _, errOut := runAios(t, args...); code != exitUsage {
			t.Errorf("%q: exit %d, want %d (%s)", args, code, exitUsage, errOut)
		}
	}
}
