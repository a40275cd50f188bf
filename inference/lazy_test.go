package inference_test

import (
	"context"
	"errors"
	"testing"

	"github.com/aios-dev/aios/inference"
)

func TestLazyBuildsOnFirstUse(t *testing.T) {
	srv := newFakeServer(t, fakeOpenAI{}, "m", "")
	meter := inference.NewMeter()
	builds := 0
	l := inference.NewLazy(meter, func() (*inference.Engine, error) {
		builds++
		return inference.Build(inference.Config{Backends: []inference.BackendConfig{
			{Name: "oa", Type: inference.TypeOpenAI, BaseURL: srv.URL(), Model: "m", Embeddings: true},
		}}, inference.BuildOptions{Meter: meter})
	})
	if l.Built() || !l.IsAvailable() || builds != 0 {
		t.Fatal("built before use")
	}
	if _, err := l.Generate(context.Background(), &inference.Request{Prompt: "a b c", MaxTokens: 3}, func(inference.Chunk) error { return nil }); err != nil {
		t.Fatal(err)
	}
	if _, err := l.Embed(context.Background(), []string{"x"}); err != nil {
		t.Fatal(err)
	}
	if builds != 1 || len(meter.Snapshot()) != 1 || meter.Snapshot()[0].Embedded != 1 {
		t.Fatalf("builds %d, meter %+v", builds, meter.Snapshot())
	}
	l.Close()
	if _, err := l.Generate(context.Background(), &inference.Request{Prompt: "x"}, func(inference.Chunk) error { return nil }); !errors.Is(err, inference.ErrModelUnavailable) {
		t.Fatalf("after close: %v", err)
	}
	broken := inference.NewLazy(inference.NewMeter(), func() (*inference.Engine, error) {
		return inference.Build(inference.Config{}, inference.BuildOptions{})
	})
	if _, err := broken.Generate(context.Background(), &inference.Request{Prompt: "x"}, func(inference.Chunk) error { return nil }); !errors.Is(err, inference.ErrNotConfigured) || broken.IsAvailable() {
		t.Fatalf("unbuildable: %v", err)
	}
}
