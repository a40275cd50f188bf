package inference_test

import (
	"context"
	"errors"
	"math"
	"reflect"
	"strings"
	"testing"

	"github.com/aios-dev/aios/inference"
)

func seed(n uint32) *uint32 { return &n }

// sampledRequest sets every field a backend may send.
func sampledRequest() *inference.Request {
	return &inference.Request{
		Messages: []inference.Message{
			{Role: inference.RoleSystem, Content: "Be brief."},
			{Role: inference.RoleUser, Content: "Once upon a time"},
		},
		MaxTokens: 7,
		Stop:      []string{"s1", "s2", "", "s3", "s4", "s5"},
		Sampling:  inference.Sampling{Temperature: 0.5, TopK: 20, TopP: 0.9, MinP: 0.05, Seed: seed(42)},
	}
}

func near(v any, want float64) bool {
	f, ok := v.(float64)
	return ok && math.Abs(f-want) < 1e-6
}

func TestOpenAIRequest(t *testing.T) {
	for _, tc := range []struct {
		name         string
		extra, mct   bool
		wantTopK     bool
		wantMaxField string
	}{
		{name: "OpenAI", wantMaxField: "max_tokens"},
		{name: "llama.cpp and vLLM sampling", extra: true, wantTopK: true, wantMaxField: "max_tokens"},
		{name: "max_completion_tokens", mct: true, wantMaxField: "max_completion_tokens"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := openaiProvider
			p.newBackend = func(o inference.RemoteOptions) (inference.Backend, error) {
				return inference.NewOpenAI(inference.OpenAIOptions{RemoteOptions: o, ExtraSampling: tc.extra, MaxCompletionTokens: tc.mct})
			}
			e := newRemoteEnv(t, p, p.key, func(o *inference.RemoteOptions) { o.BaseURL += "/v1/" })
			mustGenerate(t, e, sampledRequest())
			r := e.f.lastGen()
			if r.Header.Get("Authorization") != "Bearer "+p.key {
				t.Errorf("Authorization %q", r.Header.Get("Authorization"))
			}
			b := r.Body
			if b["model"] != p.model || b["stream"] != true || !near(b["temperature"], 0.5) || !near(b["top_p"], 0.9) || !near(b["seed"], 42) {
				t.Errorf("body %v", b)
			}
			if _, ok := b["top_k"]; ok != tc.wantTopK {
				t.Errorf("top_k sent: %v, want %v", ok, tc.wantTopK)
			}
			if tc.wantTopK && (!near(b["top_k"], 20) || !near(b["min_p"], 0.05)) {
				t.Errorf("top_k %v, min_p %v", b["top_k"], b["min_p"])
			}
			for _, f := range []string{"max_tokens", "max_completion_tokens"} {
				if _, ok := b[f]; ok != (f == tc.wantMaxField) {
					t.Errorf("%s sent: %v", f, ok)
				}
			}
			if !near(b[tc.wantMaxField], 7) {
				t.Errorf("%s = %v", tc.wantMaxField, b[tc.wantMaxField])
			}
			if got := strs(t, b["stop"]); !reflect.DeepEqual(got, []string{"s1", "s2", "s3", "s4"}) {
				t.Errorf("stop %q: the API takes four", got)
			}
			_, _, roles := fakeMessages(t, b["messages"])
			if !reflect.DeepEqual(roles, []string{"system", "user"}) {
				t.Errorf("roles %v", roles)
			}
		})
	}
}

func TestOpenAIKeylessServer(t *testing.T) {
	e := newRemoteEnv(t, llamacppProvider, "", nil)
	res := mustGenerate(t, e, &inference.Request{Prompt: "x", MaxTokens: 0}) // no max_tokens
	if _, ok := e.f.lastGen().Body["max_tokens"]; ok || res.FinishReason != inference.FinishStop {
		t.Fatalf("max_tokens sent for MaxTokens 0, or finish %q", res.FinishReason)
	}
	if res.PromptTokens <= 0 || res.OutputTokens != fakeNatural {
		t.Fatalf("usage: prompt %d, output %d", res.PromptTokens, res.OutputTokens)
	}
}

func TestOpenAIEmbeddingsOrderedByIndex(t *testing.T) {
	e := newRemoteEnv(t, openaiProvider, openaiProvider.key, nil)
	texts := []string{"first", "second", "third"}
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

func TestOpenAIStreamedOverflow(t *testing.T) {
	// Older llama.cpp servers report errors inside the stream as an
	// "error:" field, after a 200.
	e := newRemoteEnv(t, llamacppProvider, "", nil)
	e.f.fail(fakeFault{kind: "error:overflow", after: 0})
	err := generateErr(t, e, storyRequest(), inference.ErrContextOverflow)
	if !strings.Contains(err.Error(), "exceeds the available context size") || len(e.f.genRequests()) != 1 {
		t.Fatalf("err %v after %d requests", err, len(e.f.genRequests()))
	}
}

func TestOpenAIQuotaIsNotRetried(t *testing.T) {
	e := newRemoteEnv(t, openaiProvider, openaiProvider.key, nil)
	e.f.fail(fakeFault{kind: "quota", http: true})
	generateErr(t, e, storyRequest(), inference.ErrBusy)
	if len(e.f.genRequests()) != 1 {
		t.Fatal("an exhausted quota was retried")
	}
}

func TestOpenAIHealthCheckUnauthorized(t *testing.T) {
	e := newRemoteEnv(t, openaiProvider, openaiProvider.key, func(o *inference.RemoteOptions) {
		o.Getenv = func(string) string { return wrongKey }
	})
	err := e.b.HealthCheck(context.Background())
	if !errors.Is(err, inference.ErrUnauthorized) || strings.Contains(err.Error(), wrongKey) {
		t.Fatalf("HealthCheck: %v", err)
	}
	if !e.b.IsAvailable() {
		t.Fatal("refused credentials are no transport failure")
	}
}
