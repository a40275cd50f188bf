package inference_test

import (
	"fmt"
	"io"
	"net/http"
	"strings"
)

// fakeAnthropic speaks the Messages API: POST /v1/messages with
// server-sent events, and GET /v1/models/{id}.
type fakeAnthropic struct{}

func (fakeAnthropic) genPath() string { return "/v1/messages" }

func (fakeAnthropic) authorized(f *fakeServer, r *http.Request) (string, bool) {
	if v := r.Header.Get("anthropic-version"); v != "2023-06-01" {
		f.t.Errorf("anthropic-version %q", v)
	}
	if r.Header.Get("Authorization") != "" {
		f.t.Errorf("Authorization header sent to Anthropic")
	}
	given := r.Header.Get("x-api-key")
	return given, given == f.key
}

func (a fakeAnthropic) parse(f *fakeServer, r *http.Request, body map[string]any) (fakeGen, *fakeHTTPError) {
	t := f.t
	bad := func(msg string) *fakeHTTPError {
		e := a.err(400, "invalid_request_error", msg)
		return &e
	}
	if body["stream"] != true {
		t.Errorf("stream = %v", body["stream"])
	}
	if num(body, "max_tokens") < 1 {
		return fakeGen{}, bad("max_tokens: Field required")
	}
	if temp, ok := body["temperature"].(float64); ok && (temp < 0 || temp > 1) {
		return fakeGen{}, bad("temperature: range: 0..1")
	}
	if _, ok := body["top_p"]; ok && body["temperature"] != nil {
		return fakeGen{}, bad("`temperature` and `top_p` cannot both be specified for this model. Please use only one.")
	}
	g := fakeGen{model: fmt.Sprint(body["model"]), maxTokens: int(num(body, "max_tokens"))}
	var roles []string
	g.prompt, g.promptTokens, roles = fakeMessages(t, body["messages"])
	for _, role := range roles {
		if role != "user" && role != "assistant" {
			return g, bad(fmt.Sprintf("messages: Unexpected role %q. The Messages API accepts a top-level `system` parameter, not \"system\" as an input message role.", role))
		}
	}
	if sys, ok := body["system"].(string); ok {
		g.prompt = sys + "\n" + g.prompt
		g.promptTokens += len(strings.Fields(sys))
	}
	g.stops = strs(t, body["stop_sequences"])
	for _, s := range g.stops {
		if strings.TrimSpace(s) == "" {
			return g, bad("stop_sequences: each stop sequence must contain non-whitespace")
		}
	}
	if g.model != f.model {
		e := a.httpError(f, "model", g)
		return g, &e
	}
	if g.promptTokens > f.ctxLimit {
		e := a.httpError(f, "overflow", g)
		return g, &e
	}
	return g, nil
}

func (fakeAnthropic) contentType() string { return "text/event-stream; charset=utf-8" }

func anthropicEvent(w io.Writer, name string, data any) {
	fmt.Fprintf(w, "event: %s\ndata: %s\n\n", name, fakeJSON(data))
}

func (fakeAnthropic) start(w io.Writer, g fakeGen) {
	anthropicEvent(w, "message_start", map[string]any{"type": "message_start", "message": map[string]any{
		"id": "msg_fake", "type": "message", "role": "assistant", "content": []any{}, "model": g.model,
		"stop_reason": nil, "stop_sequence": nil,
		"usage": map[string]any{"input_tokens": g.promptTokens, "output_tokens": 1},
	}})
	anthropicEvent(w, "content_block_start", map[string]any{"type": "content_block_start", "index": 0,
		"content_block": map[string]any{"type": "text", "text": ""}})
	io.WriteString(w, "event: ping\ndata: {\"type\": \"ping\"}\n\n")
}

func (fakeAnthropic) text(w io.Writer, g fakeGen, s string) {
	anthropicEvent(w, "content_block_delta", map[string]any{"type": "content_block_delta", "index": 0,
		"delta": map[string]any{"type": "text_delta", "text": s}})
}

func (fakeAnthropic) end(w io.Writer, g fakeGen, finish, stopSeq string, out int) {
	anthropicEvent(w, "content_block_stop", map[string]any{"type": "content_block_stop", "index": 0})
	reason := map[string]string{"stop": "end_turn", "length": "max_tokens"}[finish]
	var seq any
	if stopSeq != "" {
		reason, seq = "stop_sequence", stopSeq
	}
	anthropicEvent(w, "message_delta", map[string]any{"type": "message_delta",
		"delta": map[string]any{"stop_reason": reason, "stop_sequence": seq},
		"usage": map[string]any{"output_tokens": out}})
	anthropicEvent(w, "message_stop", map[string]any{"type": "message_stop"})
}

func (fakeAnthropic) streamError(w io.Writer, kind string) {
	typ, msg := "api_error", "Internal server error"
	if kind == "overloaded" {
		typ, msg = "overloaded_error", "Overloaded"
	}
	anthropicEvent(w, "error", map[string]any{"type": "error", "error": map[string]any{"type": typ, "message": msg}})
}

func (fakeAnthropic) malformed(w io.Writer) {
	io.WriteString(w, "event: content_block_delta\ndata: {\"type\":\"content_block_delta\",\"index\":0,\"delta\":{\"type\":\"text_delta\",\"text\":\"oo\n\n")
}

func (fakeAnthropic) err(status int, typ, msg string) fakeHTTPError {
	return fakeHTTPError{status, fakeJSON(map[string]any{"type": "error",
		"error": map[string]any{"type": typ, "message": msg}, "request_id": "req_011CSHoEeqs5C35K2UUqR7Fy"})}
}

func (a fakeAnthropic) httpError(f *fakeServer, kind string, g fakeGen) fakeHTTPError {
	switch kind {
	case "unauthorized":
		return a.err(401, "authentication_error", "invalid x-api-key "+g.key)
	case "model":
		return a.err(404, "not_found_error", "model: "+g.model)
	case "overflow":
		return a.err(400, "invalid_request_error", fmt.Sprintf("prompt is too long: %d tokens > %d maximum", g.promptTokens, f.ctxLimit))
	case "ratelimit":
		return a.err(429, "rate_limit_error", "This request would exceed the rate limit for your organization of 50 input tokens per minute.")
	case "overloaded":
		return a.err(529, "overloaded_error", "Overloaded")
	case "server":
		return a.err(500, "api_error", "Internal server error (x-api-key "+g.key+")")
	}
	f.t.Errorf("unknown error kind %q", kind)
	return fakeHTTPError{500, "{}"}
}

func (a fakeAnthropic) other(f *fakeServer, w http.ResponseWriter, r *http.Request, body map[string]any) bool {
	id, ok := strings.CutPrefix(r.URL.Path, "/v1/models/")
	if !ok || r.Method != http.MethodGet {
		return false
	}
	if id != f.model {
		writeFakeError(w, a.httpError(f, "model", fakeGen{model: id}), nil)
		return true
	}
	io.WriteString(w, fakeJSON(map[string]any{"type": "model", "id": id, "display_name": "Fake Claude", "created_at": "2025-02-19T00:00:00Z"}))
	return true
}
