// Package inferencetest is the conformance suite every inference backend
// passes: the in-process core against a real model, and each remote
// backend against a local server that speaks its wire format.
package inferencetest

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/aios-dev/aios/inference"
)

// Caps describes what the backend under test can do.
type Caps struct {
	// Embeddings: Embed works (otherwise it must fail with ErrNotSupported).
	Embeddings bool
	// Deterministic: greedy decoding of the same request gives the same
	// text every time.
	Deterministic bool
	// Prompt is a request that makes the backend produce text (a raw
	// prompt or chat messages suited to its model).
	Prompt inference.Request
	// OverflowPrompt, when set, is a request whose prompt exceeds the
	// context window; it must fail with ErrContextOverflow.
	OverflowPrompt *inference.Request
}

// Run runs the suite against b.
func Run(t *testing.T, b inference.Backend, c Caps) {
	t.Helper()
	ctx := context.Background()
	base := func(maxTokens int) *inference.Request {
		r := c.Prompt
		r.MaxTokens = maxTokens
		return &r
	}

	t.Run("identity", func(t *testing.T) {
		if b.BackendID() == "" {
			t.Error("empty BackendID")
		}
		if b.MaxContextTokens() <= 0 {
			t.Errorf("MaxContextTokens = %d", b.MaxContextTokens())
		}
		if !b.IsAvailable() {
			t.Error("not available")
		}
		if err := b.HealthCheck(ctx); err != nil {
			t.Errorf("HealthCheck: %v", err)
		}
		if d := b.EstimatedLatency(base(16)); d <= 0 {
			t.Errorf("EstimatedLatency = %v", d)
		}
	})

	t.Run("stream matches result", func(t *testing.T) {
		var streamed strings.Builder
		chunks := 0
		res, err := b.Generate(ctx, base(12), func(ch inference.Chunk) error {
			chunks++
			streamed.WriteString(ch.Text)
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		if chunks == 0 || streamed.String() != res.Text || res.Text == "" {
			t.Fatalf("streamed %q in %d chunks, result %q", streamed.String(), chunks, res.Text)
		}
		if res.OutputTokens <= 0 || res.OutputTokens > 12 || res.PromptTokens <= 0 {
			t.Fatalf("tokens: prompt %d, output %d (max 12)", res.PromptTokens, res.OutputTokens)
		}
		if res.FinishReason != inference.FinishLength && res.FinishReason != inference.FinishStop {
			t.Fatalf("finish reason %q", res.FinishReason)
		}
		if res.Backend != b.BackendID() {
			t.Fatalf("result backend %q, want %q", res.Backend, b.BackendID())
		}
	})

	t.Run("max tokens", func(t *testing.T) {
		res, err := b.Generate(ctx, base(3), func(inference.Chunk) error { return nil })
		if err != nil {
			t.Fatal(err)
		}
		if res.OutputTokens > 3 || (res.OutputTokens == 3 && res.FinishReason != inference.FinishLength) {
			t.Fatalf("output %d tokens, finish %q", res.OutputTokens, res.FinishReason)
		}
	})

	if c.Deterministic {
		t.Run("greedy is deterministic and stop sequences cut", func(t *testing.T) {
			first, err := b.Generate(ctx, base(24), func(inference.Chunk) error { return nil })
			if err != nil {
				t.Fatal(err)
			}
			second, err := b.Generate(ctx, base(24), func(inference.Chunk) error { return nil })
			if err != nil {
				t.Fatal(err)
			}
			if first.Text != second.Text {
				t.Fatalf("greedy output differs: %q vs %q", first.Text, second.Text)
			}
			// Stop at a word from the middle of the text.
			words := strings.Fields(first.Text)
			if len(words) < 3 {
				t.Skipf("output too short to pick a stop sequence: %q", first.Text)
			}
			stop := words[len(words)/2]
			req := base(24)
			req.Stop = []string{stop}
			cut, err := b.Generate(ctx, req, func(inference.Chunk) error { return nil })
			if err != nil {
				t.Fatal(err)
			}
			want, _, _ := strings.Cut(first.Text, stop)
			if cut.Text != want || cut.FinishReason != inference.FinishStop {
				t.Fatalf("stop %q: got %q (%s), want %q", stop, cut.Text, cut.FinishReason, want)
			}
		})
	}

	t.Run("emit error stops the stream", func(t *testing.T) {
		boom := errors.New("client gone")
		n := 0
		_, err := b.Generate(ctx, base(20), func(inference.Chunk) error {
			n++
			return boom
		})
		if !errors.Is(err, boom) || n != 1 {
			t.Fatalf("err %v after %d chunks", err, n)
		}
	})

	t.Run("cancellation", func(t *testing.T) {
		cctx, cancel := context.WithCancel(ctx)
		defer cancel()
		start := time.Now()
		_, err := b.Generate(cctx, base(200), func(inference.Chunk) error {
			cancel()
			return nil
		})
		if !errors.Is(err, context.Canceled) {
			t.Fatalf("err %v, want context.Canceled", err)
		}
		if el := time.Since(start); el > 30*time.Second {
			t.Fatalf("cancellation took %v", el)
		}
		// The backend still works afterwards.
		if _, err := b.Generate(ctx, base(2), func(inference.Chunk) error { return nil }); err != nil {
			t.Fatalf("after cancellation: %v", err)
		}
	})

	if c.OverflowPrompt != nil {
		t.Run("context overflow", func(t *testing.T) {
			_, err := b.Generate(ctx, c.OverflowPrompt, func(inference.Chunk) error { return nil })
			if !errors.Is(err, inference.ErrContextOverflow) {
				t.Fatalf("err %v, want ErrContextOverflow", err)
			}
		})
	}

	t.Run("embeddings", func(t *testing.T) {
		texts := []string{"func main() {}", "the cat sat on the mat", "x"}
		vecs, err := b.Embed(ctx, texts)
		if !c.Embeddings {
			if !errors.Is(err, inference.ErrNotSupported) {
				t.Fatalf("Embed on a backend without embeddings: %v", err)
			}
			return
		}
		if err != nil {
			t.Fatal(err)
		}
		if len(vecs) != len(texts) {
			t.Fatalf("%d vectors for %d texts", len(vecs), len(texts))
		}
		for i, v := range vecs {
			if len(v) == 0 || len(v) != len(vecs[0]) {
				t.Fatalf("vector %d has %d dims (first has %d)", i, len(v), len(vecs[0]))
			}
			nonzero := false
			for _, x := range v {
				nonzero = nonzero || x != 0
			}
			if !nonzero {
				t.Fatalf("vector %d is all zero", i)
			}
		}
		if _, err := b.Embed(ctx, nil); err != nil {
			t.Fatalf("Embed(nil): %v", err)
		}
	})
}
