package main

import (
	"bytes"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func TestModelPull(t *testing.T) {
	data := bytes.Repeat([]byte("weights"), 10000)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.ServeContent(w, r, "m.gguf", time.Unix(0, 0), bytes.NewReader(data))
	}))
	defer srv.Close()
	dir := t.TempDir()
	code, out, errOut := runAios(t, "model", "pull", srv.URL+"/m.gguf", "--dir", dir)
	if code != 0 || strings.TrimSpace(out) != filepath.Join(dir, "m.gguf") {
		t.Fatalf("exit %d, out %q, err %q", code, out, errOut)
	}
	if got, _ := os.ReadFile(filepath.Join(dir, "m.gguf")); !bytes.Equal(got, data) {
		t.Fatal("content differs")
	}
	code, _, errOut = runAios(t, "model", "pull", "--sha256", strings.Repeat("0", 64), "--dir", t.TempDir(), srv.URL+"/m.gguf")
	if code != exitUsage || !strings.Contains(errOut, "checksum mismatch") {
		t.Fatalf("bad checksum: exit %d, %q", code, errOut)
	}
	for _, args := range [][]string{{"model"}, {"model", "push"}, {"model", "pull"}, {"model", "pull", "a", "b"}} {
		if code, _, _ := runAios(t, args...); code != exitUsage {
			t.Errorf("%q: exit %d", args, code)
		}
	}
}
