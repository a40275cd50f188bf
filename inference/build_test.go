package inference_test

import (
	"context"
	"errors"
	"path/filepath"
	"strings"
	"testing"

	"github.com/aios-dev/aios/inference"
)

func TestBuildFromConfig(t *testing.T) {
	oa := newFakeServer(t, fakeOpenAI{}, "qwen", "sk-build")
	ol := newFakeServer(t, fakeOllama{}, "llama3", "")
	env := map[string]string{"MY_KEY": "sk-build"}
	cfg := inference.Config{Policy: "quality", Backends: []inference.BackendConfig{
		{Name: "oa", Type: inference.TypeOpenAI, BaseURL: oa.URL(), Model: "qwen", APIKeyEnv: "MY_KEY", Quality: 1, Embeddings: true},
		{Name: "ol", Type: inference.TypeOllama, BaseURL: ol.URL(), Model: "llama3", Quality: 3},
		{Name: "gone", Type: inference.TypeLocal, Model: "does-not-exist.gguf"},
		{Name: "nokey", Type: inference.TypeAnthropic, Model: "claude", APIKeyEnv: "UNSET_KEY"},
	}}
	e, err := inference.Build(cfg, inference.BuildOptions{Workspace: t.TempDir(), Getenv: func(k string) string { return env[k] }})
	if err != nil {
		t.Fatal(err)
	}
	defer e.Close()
	if len(e.Router.Routes()) != 2 || len(e.Problems) != 2 || e.Problems["gone"] == nil || e.Problems["nokey"] == nil {
		t.Fatalf("routes %d, problems %v", len(e.Router.Routes()), e.Problems)
	}
	if strings.Contains(e.Problems["nokey"].Error(), "sk-") || !strings.Contains(e.Problems["nokey"].Error(), "UNSET_KEY") {
		t.Fatalf("missing key error: %v", e.Problems["nokey"])
	}
	res, err := e.Router.Generate(context.Background(), &inference.Request{Prompt: "hello world", MaxTokens: 4}, func(inference.Chunk) error { return nil })
	if err != nil || res.Backend != "ollama:llama3" {
		t.Fatalf("quality policy: %v %+v", err, res)
	}
	if e.Embedder == nil || e.Embedder.BackendID() != "openai:qwen" {
		t.Fatalf("embedder %v", e.Embedder)
	}
	if v, err := e.Embedder.Embed(context.Background(), []string{"a"}); err != nil || len(v) != 1 {
		t.Fatalf("embed: %v", err)
	}
	health := e.Health(context.Background())
	if len(health) != 2 || health["openai:qwen"] != nil || health["ollama:llama3"] != nil {
		t.Fatalf("health %v", health)
	}
	if snap := e.Meter.Snapshot(); len(snap) == 0 || snap[0].Requests == 0 {
		t.Fatalf("meter %+v", snap)
	}
}

func TestBuildNothingConfigured(t *testing.T) {
	_, err := inference.Build(inference.Config{}, inference.BuildOptions{})
	if !errors.Is(err, inference.ErrNotConfigured) || !strings.Contains(err.Error(), "AIOS_MODEL") {
		t.Fatalf("err %v", err)
	}
	_, err = inference.Build(inference.Config{Backends: []inference.BackendConfig{
		{Name: "l", Type: inference.TypeLocal, Model: filepath.Join(t.TempDir(), "missing.gguf")},
	}}, inference.BuildOptions{})
	if !errors.Is(err, inference.ErrNoBackend) || !strings.Contains(err.Error(), "missing.gguf") {
		t.Fatalf("err %v", err)
	}
}
