package inference_test

import (
	"context"
	"errors"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/aios-dev/aios/inference"
)

func TestRemoteOptionsValidation(t *testing.T) {
	const secret = "sk-live-very-secret"
	env := func(vars map[string]string) func(string) string {
		return func(k string) string { return vars[k] }
	}
	ok := inference.RemoteOptions{BaseURL: "http://localhost:8080", Model: "m", MaxContextTokens: 4096}
	with := func(f func(*inference.RemoteOptions)) inference.RemoteOptions {
		o := ok
		f(&o)
		return o
	}
	for _, tc := range []struct {
		name    string
		backend func(inference.RemoteOptions) (inference.Backend, error)
		opts    inference.RemoteOptions
		wantErr string // "": valid
	}{
		{"valid keyless", newOpenAIBackend, ok, ""},
		{"no BaseURL", newOpenAIBackend, with(func(o *inference.RemoteOptions) { o.BaseURL = "" }), "BaseURL is required"},
		{"BaseURL not http", newOllamaBackend, with(func(o *inference.RemoteOptions) { o.BaseURL = "ftp://user:" + secret + "@host" }), "not an http(s) URL"},
		{"BaseURL without host", newOpenAIBackend, with(func(o *inference.RemoteOptions) { o.BaseURL = "localhost:8080" }), "not an http(s) URL"},
		{"no model", newAnthropicBackend, with(func(o *inference.RemoteOptions) { o.Model = ""; o.APIKey = secret }), "Model is required"},
		{"OpenAI needs the context size", newOpenAIBackend, with(func(o *inference.RemoteOptions) { o.MaxContextTokens = 0 }), "MaxContextTokens"},
		{"negative context size", newOllamaBackend, with(func(o *inference.RemoteOptions) { o.MaxContextTokens = -1 }), "MaxContextTokens"},
		{"named key variable unset", newOpenAIBackend, with(func(o *inference.RemoteOptions) {
			o.APIKeyEnv = "MY_OPENAI_KEY"
			o.Getenv = env(nil)
		}), "MY_OPENAI_KEY is unset or empty"},
		{"named key variable set", newOpenAIBackend, with(func(o *inference.RemoteOptions) {
			o.APIKeyEnv = "MY_OPENAI_KEY"
			o.Getenv = env(map[string]string{"MY_OPENAI_KEY": secret})
		}), ""},
		{"Anthropic needs a key", newAnthropicBackend, with(func(o *inference.RemoteOptions) { o.Getenv = env(nil) }), "ANTHROPIC_API_KEY is unset or empty"},
		{"Anthropic reads its default variable", newAnthropicBackend, with(func(o *inference.RemoteOptions) {
			o.Getenv = env(map[string]string{"ANTHROPIC_API_KEY": secret})
		}), ""},
		{"Anthropic key given directly", newAnthropicBackend, with(func(o *inference.RemoteOptions) {
			o.APIKey = secret
			o.Getenv = env(nil)
		}), ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			b, err := tc.backend(tc.opts)
			if tc.wantErr == "" {
				if err != nil || b == nil {
					t.Fatalf("err %v", err)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
				t.Fatalf("err %v, want %q", err, tc.wantErr)
			}
			if strings.Contains(err.Error(), secret) {
				t.Fatalf("error reveals a secret: %v", err)
			}
		})
	}
}

func TestRemoteBackendIDs(t *testing.T) {
	o := inference.RemoteOptions{BaseURL: "http://127.0.0.1:1", Model: "m1", MaxContextTokens: 100, APIKey: "k"}
	for want, newB := range map[string]func(inference.RemoteOptions) (inference.Backend, error){
		"openai:m1": newOpenAIBackend, "ollama:m1": newOllamaBackend, "anthropic:m1": newAnthropicBackend,
	} {
		b, err := newB(o)
		if err != nil {
			t.Fatal(err)
		}
		if b.BackendID() != want || b.MaxContextTokens() != 100 || !b.IsAvailable() {
			t.Errorf("%s: id %q, context %d, available %v", want, b.BackendID(), b.MaxContextTokens(), b.IsAvailable())
		}
	}
}

func TestRemoteKeyRedactedInLogs(t *testing.T) {
	for _, p := range errorProviders {
		t.Run(p.name, func(t *testing.T) {
			e := newRemoteEnv(t, p, p.key, nil)
			log := slog.New(slog.NewJSONHandler(e.logs, nil))
			opts := inference.RemoteOptions{BaseURL: "https://user:pw-secret@example.com", Model: "m", APIKey: p.key, APIKeyEnv: testKeyEnv}
			log.Info("configured", "remote", opts, "backend", e.b,
				"openai", inference.OpenAIOptions{RemoteOptions: opts},
				"ollama", inference.OllamaOptions{RemoteOptions: opts},
				"anthropic", inference.AnthropicOptions{RemoteOptions: opts})
			// Failures whose bodies quote the key, logged at each retry.
			e.f.failAlways(fakeFault{kind: "server", http: true})
			generateErr(t, e, storyRequest(), inference.ErrTransport)
			logs := e.logs.String()
			if strings.Contains(logs, p.key) || strings.Contains(logs, "pw-secret") {
				t.Fatalf("a secret is in the logs:\n%s", logs)
			}
			if !strings.Contains(logs, `"api_key":"[REDACTED]"`) || !strings.Contains(logs, `"api_key_env":"`+testKeyEnv+`"`) ||
				strings.Count(logs, "retrying") != 3 || !strings.Contains(logs, "key [REDACTED]") {
				t.Fatalf("logs lack the redacted attributes or the retries:\n%s", logs)
			}
		})
	}
}

func TestRemoteEstimatedLatency(t *testing.T) {
	for _, tc := range []struct {
		p    remoteProvider
		want time.Duration // the documented seed: ttft + 40 tokens at the seed speed
	}{
		{openaiProvider, 600*time.Millisecond + time.Second},
		{ollamaProvider, 400*time.Millisecond + 1600*time.Millisecond},
		{anthropicProvider, time.Second + 800*time.Millisecond},
	} {
		t.Run(tc.p.name, func(t *testing.T) {
			e := newRemoteEnv(t, tc.p, tc.p.key, nil)
			req := &inference.Request{Prompt: "x", MaxTokens: 40}
			if got := e.b.EstimatedLatency(req); got != tc.want {
				t.Fatalf("seed estimate %v, want %v", got, tc.want)
			}
			mustGenerate(t, e, &inference.Request{Prompt: "Once upon a time", MaxTokens: 20})
			if got := e.b.EstimatedLatency(req); got >= tc.want || got <= 0 {
				t.Fatalf("estimate %v after a fast generation, seeded %v", got, tc.want)
			}
		})
	}
}

func TestRemotePrivateRequests(t *testing.T) {
	b, err := inference.NewOpenAI(inference.OpenAIOptions{RemoteOptions: inference.RemoteOptions{
		BaseURL: "https://api.example.com", Model: "m", MaxContextTokens: 100,
	}})
	if err != nil {
		t.Fatal(err)
	}
	_, err = b.Generate(context.Background(), &inference.Request{Prompt: "secret code", Private: true}, func(inference.Chunk) error { return nil })
	if !errors.Is(err, inference.ErrNotSupported) {
		t.Fatalf("a private request to a remote server: %v", err)
	}
	// A server on this machine may take them.
	e := newRemoteEnv(t, ollamaProvider, "", nil)
	mustGenerate(t, e, &inference.Request{Prompt: "secret code", Private: true, MaxTokens: 2})
}

func TestRemoteBadRequests(t *testing.T) {
	e := newRemoteEnv(t, openaiProvider, openaiProvider.key, nil)
	for _, req := range []*inference.Request{
		nil,
		{},
		{Prompt: "a", Messages: []inference.Message{{Role: inference.RoleUser, Content: "b"}}},
		{Prompt: "a", MaxTokens: -1},
	} {
		if _, err := e.b.Generate(context.Background(), req, func(inference.Chunk) error { return nil }); !errors.Is(err, inference.ErrBadRequest) {
			t.Errorf("%+v: err %v", req, err)
		}
	}
	if n := len(e.f.genRequests()); n != 0 {
		t.Fatalf("%d requests sent", n)
	}
}
