package metal

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/aios-dev/aios/metal/internal/gguf"
)

// storiesPath is the shared test model: ../shared/models/stories260k.gguf
// next to the repository.
func storiesPath() string {
	return filepath.Join(moduleRoot(), "..", "shared", "models", "stories260k.gguf")
}

// needModel skips the test when the model file is absent.
func needModel(t testing.TB) string {
	t.Helper()
	p := storiesPath()
	if _, err := os.Stat(p); err != nil {
		t.Skipf("test model not available: %v (it lives in ../shared/models beside the repository)", err)
	}
	return p
}

// needLibrary skips the test when the llama.cpp libraries are absent.
func needLibrary(t testing.TB) {
	t.Helper()
	if _, err := FindLibrary(LibraryOptions{}); err != nil {
		t.Skipf("llama.cpp libraries not available (run `make llama-libs`): %v", err)
	}
}

// testLogger sends warnings and errors (llama.cpp's included) to the test log.
func testLogger(t testing.TB) *slog.Logger {
	return slog.New(slog.NewTextHandler(testWriter{t}, &slog.HandlerOptions{Level: slog.LevelWarn}))
}

type testWriter struct{ t testing.TB }

func (w testWriter) Write(p []byte) (int, error) {
	w.t.Log(strings.TrimRight(string(p), "\n"))
	return len(p), nil
}

// openStories opens the test model with opts (Path and Logger filled in)
// and closes it when the test ends.
func openStories(t testing.TB, opts ModelOptions) *Model {
	t.Helper()
	path := needModel(t)
	needLibrary(t)
	if opts.Path == "" {
		opts.Path = path
	}
	if opts.Logger == nil {
		opts.Logger = testLogger(t)
	}
	m, err := Open(opts)
	if err != nil {
		t.Fatalf("Open(%s): %v", opts.Path, err)
	}
	t.Cleanup(func() { m.Close() })
	return m
}

// gen runs a request and returns its result and the concatenated pieces.
func gen(t testing.TB, m *Model, req GenerateRequest) (GenerateResult, string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	var b strings.Builder
	res, err := m.Generate(ctx, req, func(s string) error { b.WriteString(s); return nil })
	if err != nil {
		p := req.Prompt
		if len(p) > 60 {
			p = p[:60] + "..."
		}
		t.Fatalf("Generate(prompt %q, %d messages, max %d): %v", p, len(req.Messages), req.MaxTokens, err)
	}
	return res, b.String()
}

// waitFor polls cond until it holds or the deadline passes.
func waitFor(t testing.TB, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(time.Millisecond)
	}
}

// rewriteGGUF copies the GGUF file src to a temporary file, dropping the
// metadata keys in drop and adding the pairs add writes, and returns its
// path. Tensor data is copied as is.
func rewriteGGUF(t testing.TB, src string, drop []string, add func(w *gguf.Writer)) string {
	t.Helper()
	f, err := gguf.ReadFile(src)
	if err != nil {
		t.Fatal(err)
	}
	raw, err := os.ReadFile(src)
	if err != nil {
		t.Fatal(err)
	}
	w := gguf.NewWriter()
	for _, kv := range f.KVs {
		if !contains(drop, kv.Key) {
			w.Raw(kv.Key, raw[kv.Offset:kv.End])
		}
	}
	if add != nil {
		add(w)
	}
	for _, tn := range f.Tensors {
		data := raw[f.DataOffset+int64(tn.Offset) : f.DataOffset+int64(tn.Offset+tn.Size)]
		if err := w.Tensor(tn.Name, tn.Type, tn.Dims, func(out io.Writer) error { _, err := out.Write(data); return err }); err != nil {
			t.Fatal(err)
		}
	}
	out := filepath.Join(t.TempDir(), "model.gguf")
	if err := w.WriteFile(out); err != nil {
		t.Fatal(err)
	}
	return out
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

func isErr(err, target error) bool { return errors.Is(err, target) }
