package orchestrator

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/aios-dev/aios/inference"
)

func TestKernelInferenceIsLazyAndMetered(t *testing.T) {
	model, _ := filepath.Abs(filepath.Join("..", "..", "shared", "models", "stories260k.gguf"))
	if _, err := os.Stat(model); err != nil {
		t.Skipf("test model not available: %v (it lives in ../shared/models beside the repository)", err)
	}
	if _, err := inference.LoadLlamaLibrary(""); err != nil {
		t.Skipf("llama.cpp libraries not available (run `make llama-libs`): %v", err)
	}
	meter := inference.NewMeter()
	lazy := inference.NewLazy(meter, func() (*inference.Engine, error) {
		return inference.Build(inference.Config{Backends: []inference.BackendConfig{{Name: "stories", Type: inference.TypeLocal, Model: model}}},
			inference.BuildOptions{Meter: meter})
	})
	k, err := New(Options{Inference: lazy, InferenceMeter: meter})
	if err != nil {
		t.Fatal(err)
	}
	defer k.Close()
	if st := k.InferenceStatus(); !st.Configured || st.Started || len(st.Backends) != 0 {
		t.Fatalf("before use: %+v", st)
	}
	res, err := k.Inference().Generate(context.Background(), &inference.Request{Prompt: "Once upon a time", MaxTokens: 8},
		func(inference.Chunk) error { return nil })
	if err != nil {
		t.Fatal(err)
	}
	st := k.InferenceStatus()
	if !st.Started || len(st.Backends) != 1 || st.Backends[0].TokensOut != res.OutputTokens || st.Breakers["local:stories"] != inference.BreakerClosed {
		t.Fatalf("after use: %+v", st)
	}
}
