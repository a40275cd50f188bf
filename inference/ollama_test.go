package inference_test

import (
	"context"
	"errors"
	"reflect"
	"testing"

	"github.com/aios-dev/aios/inference"
)

func TestOllamaRequest(t *testing.T) {
	p := ollamaProvider
	p.newBackend = func(o inference.RemoteOptions) (inference.Backend, error) {
		return inference.NewOllama(inference.OllamaOptions{RemoteOptions: o, KeepAlive: "10m"})
	}
	e := newRemoteEnv(t, p, "", nil)
	res := mustGenerate(t, e, sampledRequest())
	r := e.f.lastGen()
	b := r.Body
	if b["model"] != p.model || b["stream"] != true || b["truncate"] != false || b["shift"] != false || b["keep_alive"] != "10m" {
		t.Errorf("body %v", b)
	}
	if r.Header.Get("Authorization") != "" || r.Header.Get("Accept") != "application/x-ndjson" {
		t.Errorf("headers %v", r.Header)
	}
	o, _ := b["options"].(map[string]any)
	for k, want := range map[string]float64{"temperature": 0.5, "top_k": 20, "top_p": 0.9, "min_p": 0.05, "seed": 42, "num_predict": 7, "num_ctx": 4096} {
		if !near(o[k], want) {
			t.Errorf("options.%s = %v, want %v", k, o[k], want)
		}
	}
	if got := strs(t, o["stop"]); !reflect.DeepEqual(got, []string{"s1", "s2", "s3", "s4", "s5"}) {
		t.Errorf("stop %q", got)
	}
	// Usage comes from prompt_eval_count and eval_count.
	if res.OutputTokens != 7 || res.FinishReason != inference.FinishLength || res.PromptTokens != (2+3)+(4+3) {
		t.Errorf("result %+v", res)
	}
}

func TestOllamaDefaultContext(t *testing.T) {
	e := newRemoteEnv(t, ollamaProvider, "", func(o *inference.RemoteOptions) { o.MaxContextTokens = 0 })
	if e.b.MaxContextTokens() != 8192 {
		t.Fatalf("MaxContextTokens %d", e.b.MaxContextTokens())
	}
	mustGenerate(t, e, storyRequest())
	if o, _ := e.f.lastGen().Body["options"].(map[string]any); !near(o["num_ctx"], 8192) {
		t.Fatalf("num_ctx %v", o["num_ctx"])
	}
}

func TestOllamaHealthCheckWantsTheModel(t *testing.T) {
	e := newRemoteEnv(t, ollamaProvider, "", func(o *inference.RemoteOptions) { o.Model = "llama3.2:latest" })
	if err := e.b.HealthCheck(context.Background()); err != nil {
		t.Fatalf("a tag and its absence name the same model: %v", err)
	}
	e = newRemoteEnv(t, ollamaProvider, "", func(o *inference.RemoteOptions) { o.Model = "mistral" })
	if err := e.b.HealthCheck(context.Background()); !errors.Is(err, inference.ErrModelUnavailable) {
		t.Fatalf("HealthCheck for a model the server lacks: %v", err)
	}
	if _, err := e.b.Embed(context.Background(), []string{"x"}); !errors.Is(err, inference.ErrModelUnavailable) {
		t.Fatalf("Embed with a model the server lacks: %v", err)
	}
}

func TestOllamaEmbed(t *testing.T) {
	p := ollamaProvider
	p.newBackend = func(o inference.RemoteOptions) (inference.Backend, error) {
		return inference.NewOllama(inference.OllamaOptions{RemoteOptions: o, EmbeddingModel: "llama3.2:latest"})
	}
	e := newRemoteEnv(t, p, "", nil)
	texts := []string{"a", "b"}
	vecs, err := e.b.Embed(context.Background(), texts)
	if err != nil {
		t.Fatal(err)
	}
	for i, s := range texts {
		if !reflect.DeepEqual(vecs[i], fakeEmbedding(s)) {
			t.Fatalf("vector %d is not the embedding of %q", i, s)
		}
	}
}
