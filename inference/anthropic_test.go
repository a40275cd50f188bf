package inference_test

import (
	"context"
	"errors"
	"reflect"
	"testing"

	"github.com/aios-dev/aios/inference"
)

func TestAnthropicRequest(t *testing.T) {
	e := newRemoteEnv(t, anthropicProvider, anthropicProvider.key, nil)
	req := sampledRequest()
	req.Messages = append([]inference.Message{{Role: inference.RoleSystem, Content: "Answer in English."}}, req.Messages...)
	req.Stop = append(req.Stop, " \n") // white space only: the API refuses it
	res := mustGenerate(t, e, req)
	r := e.f.lastGen()
	if r.Header.Get("x-api-key") != anthropicProvider.key || r.Header.Get("anthropic-version") != "2023-06-01" {
		t.Errorf("headers %v", r.Header)
	}
	b := r.Body
	if b["model"] != anthropicProvider.model || b["stream"] != true || b["system"] != "Answer in English.\n\nBe brief." {
		t.Errorf("body %v", b)
	}
	for k, want := range map[string]float64{"max_tokens": 7, "top_k": 20, "top_p": 0.9} {
		if !near(b[k], want) {
			t.Errorf("%s = %v, want %v", k, b[k], want)
		}
	}
	for _, k := range []string{"temperature", "seed", "min_p", "stop"} {
		if _, ok := b[k]; ok {
			t.Errorf("%s sent; the Messages API has none", k)
		}
	}
	if got := strs(t, b["stop_sequences"]); !reflect.DeepEqual(got, []string{"s1", "s2", "s3", "s4", "s5"}) {
		t.Errorf("stop_sequences %q", got)
	}
	if _, _, roles := fakeMessages(t, b["messages"]); !reflect.DeepEqual(roles, []string{"user"}) {
		t.Errorf("roles %v", roles)
	}
	if res.PromptTokens <= 0 || res.OutputTokens != 7 || res.FinishReason != inference.FinishLength {
		t.Errorf("result %+v", res)
	}
}

func TestAnthropicTemperature(t *testing.T) {
	for _, tc := range []struct {
		s    inference.Sampling
		want float64
	}{
		{inference.Sampling{}, 0},                            // greedy
		{inference.Sampling{Temperature: 1.5}, 1},            // clamped to the API's range
		{inference.Sampling{Temperature: 0.7, TopP: 1}, 0.7}, // top_p 1 is no nucleus
		{inference.Sampling{Temperature: 0, TopP: 0.5}, 0},   // greedy wins
	} {
		e := newRemoteEnv(t, anthropicProvider, anthropicProvider.key, nil)
		mustGenerate(t, e, &inference.Request{Prompt: "hi", MaxTokens: 3, Sampling: tc.s})
		b := e.f.lastGen().Body
		if _, topP := b["top_p"]; !near(b["temperature"], tc.want) || topP {
			t.Errorf("%+v: temperature %v, top_p %v", tc.s, b["temperature"], b["top_p"])
		}
	}
}

func TestAnthropicDefaultMaxTokens(t *testing.T) {
	for _, tc := range []struct {
		opt, want int
	}{{0, 4096}, {300, 300}} {
		p := anthropicProvider
		p.newBackend = func(o inference.RemoteOptions) (inference.Backend, error) {
			return inference.NewAnthropic(inference.AnthropicOptions{RemoteOptions: o, DefaultMaxTokens: tc.opt})
		}
		e := newRemoteEnv(t, p, p.key, nil)
		mustGenerate(t, e, &inference.Request{Prompt: "hi"})
		if got := e.f.lastGen().Body["max_tokens"]; !near(got, float64(tc.want)) {
			t.Errorf("DefaultMaxTokens %d: max_tokens %v, want %d", tc.opt, got, tc.want)
		}
	}
}

func TestAnthropicOnlySystemMessages(t *testing.T) {
	e := newRemoteEnv(t, anthropicProvider, anthropicProvider.key, nil)
	_, err := e.b.Generate(context.Background(), &inference.Request{Messages: []inference.Message{{Role: inference.RoleSystem, Content: "x"}}},
		func(inference.Chunk) error { return nil })
	if !errors.Is(err, inference.ErrBadRequest) || len(e.f.genRequests()) != 0 {
		t.Fatalf("err %v", err)
	}
}

func TestAnthropicHealthCheck(t *testing.T) {
	e := newRemoteEnv(t, anthropicProvider, anthropicProvider.key, func(o *inference.RemoteOptions) { o.Model = "claude-nope" })
	if err := e.b.HealthCheck(context.Background()); !errors.Is(err, inference.ErrModelUnavailable) {
		t.Fatalf("HealthCheck: %v", err)
	}
	if e.b.MaxContextTokens() != 4096 {
		t.Fatalf("MaxContextTokens %d, configured 4096", e.b.MaxContextTokens())
	}
}
