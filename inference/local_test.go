package inference_test

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/aios-dev/aios/inference"
	"github.com/aios-dev/aios/inference/inferencetest"
	"github.com/aios-dev/aios/metal"
)

// storiesModel returns the shared test model, skipping when it or the
// llama.cpp libraries are absent (CI has both: make test fetches the
// libraries).
func storiesModel(t *testing.T) string {
	t.Helper()
	dir, _ := os.Getwd()
	for dir != "/" && dir != "." {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			break
		}
		dir = filepath.Dir(dir)
	}
	p := filepath.Join(dir, "..", "shared", "models", "stories260k.gguf")
	if _, err := os.Stat(p); err != nil {
		t.Skipf("test model not available: %v (it lives in ../shared/models beside the repository)", err)
	}
	if _, err := inference.LoadLlamaLibrary(""); err != nil {
		t.Skipf("llama.cpp libraries not available (run `make llama-libs`): %v", err)
	}
	return p
}

func openLocal(t *testing.T, embeddings bool) *inference.Local {
	t.Helper()
	l, err := inference.OpenLocal(inference.LocalOptions{Name: "stories", Model: metal.ModelOptions{Path: storiesModel(t), Embeddings: embeddings}})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { l.Close() })
	return l
}

// The in-process core passes the same conformance suite as every remote
// backend, against the real model.
func TestLocalConformance(t *testing.T) {
	l := openLocal(t, true)
	inferencetest.Run(t, l, inferencetest.Caps{
		Embeddings:     true,
		Deterministic:  true,
		Prompt:         inference.Request{Prompt: "Once upon a time, there was a little girl named"},
		OverflowPrompt: &inference.Request{Prompt: strings.Repeat("Lily and Tom played in the park. ", 300), MaxTokens: 8},
	})
}

func TestLocalWithoutEmbeddingsAndBadModels(t *testing.T) {
	l := openLocal(t, false)
	if _, err := l.Embed(context.Background(), []string{"x"}); !errors.Is(err, inference.ErrNotSupported) {
		t.Fatalf("Embed without embeddings: %v", err)
	}
	if l.BackendID() != "local:stories" || l.MaxContextTokens() <= 0 {
		t.Fatalf("identity %s %d", l.BackendID(), l.MaxContextTokens())
	}
	dir := t.TempDir()
	corrupt := filepath.Join(dir, "corrupt.gguf")
	os.WriteFile(corrupt, []byte("GGUF\x03\x00\x00\x00garbage"), 0o644)
	for _, p := range []string{filepath.Join(dir, "missing.gguf"), dir, corrupt} {
		if _, err := inference.OpenLocal(inference.LocalOptions{Model: metal.ModelOptions{Path: p}}); !errors.Is(err, inference.ErrModelUnavailable) {
			t.Errorf("%s: %v, want ErrModelUnavailable", p, err)
		}
	}
	if err := l.Close(); err != nil {
		t.Fatal(err)
	}
	if l.IsAvailable() {
		t.Fatal("closed backend still available")
	}
	if _, err := l.Generate(context.Background(), &inference.Request{Prompt: "x", MaxTokens: 2}, func(inference.Chunk) error { return nil }); !errors.Is(err, inference.ErrModelUnavailable) {
		t.Fatalf("generate after close: %v", err)
	}
}

// The router in front of the real core: a failing remote falls back to it,
// and concurrent requests share its slots.
func TestRouterFallsBackToLocal(t *testing.T) {
	l := openLocal(t, false)
	remote := newFakeServer(t, fakeOpenAI{}, "m", "")
	remote.srv.Close() // unreachable
	oa, err := inference.NewOpenAI(inference.OpenAIOptions{RemoteOptions: inference.RemoteOptions{BaseURL: remote.URL(), Model: "m", MaxContextTokens: 4096, MaxRetries: -1}})
	if err != nil {
		t.Fatal(err)
	}
	r, err := inference.NewRouter(inference.RouterOptions{Policy: inference.Quality, Routes: []inference.Route{
		{Backend: oa, Quality: 9}, {Backend: l, Local: true, Quality: 1},
	}})
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	errs := make(chan error, 4)
	for range 4 {
		wg.Go(func() {
			res, err := r.Generate(context.Background(), &inference.Request{Prompt: "Once upon a time", MaxTokens: 16}, func(inference.Chunk) error { return nil })
			if err == nil && res.Backend != "local:stories" {
				err = errors.New("served by " + res.Backend)
			}
			errs <- err
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
}

// The local backend samples under a request's grammar and says so.
func TestLocalGrammar(t *testing.T) {
	l := openLocal(t, false)
	req := &inference.Request{Prompt: "Once upon a time", MaxTokens: 64, Grammar: `root ::= ("yes" | "no") "."`}
	res, err := l.Generate(t.Context(), req, func(inference.Chunk) error { return nil })
	if err != nil {
		t.Fatal(err)
	}
	if (res.Text != "yes." && res.Text != "no.") || !res.Constrained {
		t.Fatalf("constrained answer %q (constrained %v)", res.Text, res.Constrained)
	}
	req.Grammar = `root ::= "unterminated`
	if _, err := l.Generate(t.Context(), req, func(inference.Chunk) error { return nil }); !errors.Is(err, inference.ErrBadRequest) {
		t.Fatalf("bad grammar: %v", err)
	}
}
