package inference

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

func modelBytes() []byte {
	b := bytes.Repeat([]byte("GGUF-model-weights-"), 50000) // ~950 KB
	return b
}

func sum(b []byte) string { s := sha256.Sum256(b); return hex.EncodeToString(s[:]) }

// serveModel serves data with range support; the first `cut` requests are
// cut off after `after` bytes.
func serveModel(t *testing.T, data []byte, cut int32, after int) (*httptest.Server, *atomic.Int32, *atomic.Int32) {
	var requests, ranged atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n := requests.Add(1)
		if r.Header.Get("Range") != "" {
			ranged.Add(1)
		}
		if r.URL.Path != "/models/tiny.gguf" {
			http.NotFound(w, r)
			return
		}
		if n <= cut {
			// Announce the whole file, send part of it, then drop the connection.
			w.Header().Set("Content-Length", strconv.Itoa(len(data)))
			w.WriteHeader(http.StatusOK)
			w.Write(data[:after])
			if hj, ok := w.(http.Hijacker); ok {
				conn, _, _ := hj.Hijack()
				conn.Close()
			}
			return
		}
		http.ServeContent(w, r, "tiny.gguf", time.Unix(0, 0), bytes.NewReader(data))
	}))
	t.Cleanup(srv.Close)
	return srv, &requests, &ranged
}

func TestPullResumesAndVerifies(t *testing.T) {
	data := modelBytes()
	srv, requests, ranged := serveModel(t, data, 1, 300000)
	dir := t.TempDir()
	var progress []int64
	opts := PullOptions{SHA256: sum(data), Progress: func(done, total int64) { progress = append(progress, done) }}
	_, err := Pull(context.Background(), srv.URL+"/models/tiny.gguf", dir, opts)
	if err == nil || !strings.Contains(err.Error(), "run it again to resume") {
		t.Fatalf("first attempt: %v", err)
	}
	if st, err := os.Stat(filepath.Join(dir, "tiny.gguf.part")); err != nil || st.Size() != 300000 {
		t.Fatalf("partial file: %v %v", st, err)
	}
	p, err := Pull(context.Background(), srv.URL+"/models/tiny.gguf", dir, opts)
	if err != nil {
		t.Fatal(err)
	}
	got, _ := os.ReadFile(p)
	if !bytes.Equal(got, data) || requests.Load() != 2 || ranged.Load() != 1 {
		t.Fatalf("resumed download: %d bytes, %d requests, %d ranged", len(got), requests.Load(), ranged.Load())
	}
	if len(progress) == 0 || progress[len(progress)-1] != int64(len(data)) {
		t.Fatalf("progress %v", progress[len(progress)-3:])
	}
	if _, err := os.Stat(p + ".part"); !errors.Is(err, os.ErrNotExist) {
		t.Fatal("partial file left behind")
	}
	// A second pull with the same checksum is a no-op.
	if p2, err := Pull(context.Background(), srv.URL+"/models/tiny.gguf", dir, opts); err != nil || p2 != p || requests.Load() != 2 {
		t.Fatalf("repeat pull: %v, %d requests", err, requests.Load())
	}
}

func TestPullChecksumMismatchAndErrors(t *testing.T) {
	data := modelBytes()
	srv, _, _ := serveModel(t, data, 0, 0)
	dir := t.TempDir()
	_, err := Pull(context.Background(), srv.URL+"/models/tiny.gguf", dir, PullOptions{SHA256: strings.Repeat("ab", 32)})
	if !errors.Is(err, ErrChecksum) {
		t.Fatalf("mismatch: %v", err)
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 0 {
		t.Fatalf("files left after a checksum failure: %v", entries)
	}
	for _, tc := range []struct{ url, sha, want string }{
		{srv.URL + "/models/missing.gguf", "", "404"},
		{"ftp://example.com/x.gguf", "", "not an http"},
		{srv.URL + "/models/tiny.gguf", "xyz", "64 hex"},
		{"http://127.0.0.1:1/x.gguf", "", "unreachable"},
	} {
		if _, err := Pull(context.Background(), tc.url, dir, PullOptions{SHA256: tc.sha}); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: %v, want %q", tc.url, err, tc.want)
		}
	}
}
