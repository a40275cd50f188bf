package inference_test

import (
	"fmt"
	"io"
	"net/http"
	"slices"
	"strings"
)

// fakeOpenAI speaks the chat completions API in one of three flavours:
// "openai" (api.openai.com), "llamacpp" (llama.cpp's server) and "vllm".
// They differ in their error bodies and in what they check.
type fakeOpenAI struct {
	flavour string
}

func (fakeOpenAI) genPath() string { return "/v1/chat/completions" }

func (fakeOpenAI) authorized(f *fakeServer, r *http.Request) (string, bool) {
	got := r.Header.Get("Authorization")
	if f.key == "" {
		if got != "" {
			f.t.Errorf("Authorization %q sent to a keyless server", got)
		}
		return "", true
	}
	given := strings.TrimPrefix(got, "Bearer ")
	return given, got == "Bearer "+f.key
}

func (o fakeOpenAI) parse(f *fakeServer, r *http.Request, body map[string]any) (fakeGen, *fakeHTTPError) {
	t := f.t
	if r.Header.Get("Accept") != "text/event-stream" {
		t.Errorf("Accept %q", r.Header.Get("Accept"))
	}
	if body["stream"] != true {
		t.Errorf("stream = %v", body["stream"])
	}
	if so, _ := body["stream_options"].(map[string]any); so["include_usage"] != true {
		t.Errorf("stream_options = %v", body["stream_options"])
	}
	if _, ok := body["temperature"].(float64); !ok {
		t.Errorf("temperature missing: %v", body)
	}
	g := fakeGen{model: fmt.Sprint(body["model"]), maxTokens: int(num(body, "max_tokens") + num(body, "max_completion_tokens"))}
	g.prompt, g.promptTokens, _ = fakeMessages(t, body["messages"])
	g.stops = strs(t, body["stop"])
	if len(g.stops) > 4 {
		e := o.err(400, "invalid_request_error", "array_above_max_length", "Invalid 'stop': array too long. Expected an array with maximum length 4.")
		return g, &e
	}
	if o.flavour != "llamacpp" && g.model != f.model { // llama.cpp serves its one model whatever the name
		e := o.httpError(f, "model", g)
		return g, &e
	}
	if g.promptTokens > f.ctxLimit {
		e := o.httpError(f, "overflow", g)
		return g, &e
	}
	return g, nil
}

func (fakeOpenAI) contentType() string { return "text/event-stream; charset=utf-8" }

func (o fakeOpenAI) chunk(g fakeGen, choices []any, usage any) string {
	return "data: " + fakeJSON(map[string]any{
		"id": "chatcmpl-fake", "object": "chat.completion.chunk", "created": 1700000000,
		"model": g.model, "system_fingerprint": "fp_fake", "choices": choices, "usage": usage,
	}) + "\n\n"
}

func (o fakeOpenAI) start(w io.Writer, g fakeGen) {
	io.WriteString(w, o.chunk(g, []any{map[string]any{
		"index": 0, "delta": map[string]any{"role": "assistant", "content": "", "refusal": nil},
		"logprobs": nil, "finish_reason": nil,
	}}, nil))
}

func (o fakeOpenAI) text(w io.Writer, g fakeGen, s string) {
	io.WriteString(w, o.chunk(g, []any{map[string]any{
		"index": 0, "delta": map[string]any{"content": s}, "logprobs": nil, "finish_reason": nil,
	}}, nil))
}

func (o fakeOpenAI) end(w io.Writer, g fakeGen, finish, _ string, out int) {
	io.WriteString(w, o.chunk(g, []any{map[string]any{
		"index": 0, "delta": map[string]any{}, "logprobs": nil, "finish_reason": finish,
	}}, nil))
	usage := map[string]any{
		"prompt_tokens": g.promptTokens, "completion_tokens": out, "total_tokens": g.promptTokens + out,
		"prompt_tokens_details": map[string]any{"cached_tokens": 0},
	}
	io.WriteString(w, o.chunk(g, []any{}, usage))
	io.WriteString(w, "data: [DONE]\n\n")
}

func (o fakeOpenAI) streamError(w io.Writer, kind string) {
	if o.flavour == "llamacpp" { // llama.cpp's server writes an "error:" field
		e := map[string]any{"code": 500, "message": "llama_decode failed", "type": "server_error"}
		if kind == "overflow" {
			e = map[string]any{"code": 400, "message": "request (5004 tokens) exceeds the available context size (4096 tokens)",
				"type": "exceed_context_size_error", "n_prompt_tokens": 5004, "n_ctx": 4096}
		}
		io.WriteString(w, "error: "+fakeJSON(e)+"\n\n")
		return
	}
	io.WriteString(w, "data: "+fakeJSON(map[string]any{"error": map[string]any{
		"message": "The server had an error while processing your request. Sorry about that!",
		"type":    "server_error", "param": nil, "code": nil,
	}})+"\n\n")
}

func (fakeOpenAI) malformed(w io.Writer) {
	io.WriteString(w, `data: {"id":"chatcmpl-fake","choices":[{"index":0,"delta":{"content":"oo`+"\n\n")
}

// err is an OpenAI error body; llama.cpp and vLLM differ in the code.
func (o fakeOpenAI) err(status int, typ, code, msg string) fakeHTTPError {
	var c any = code
	switch {
	case o.flavour == "vllm": // the old top-level shape vLLM still answers with
		return fakeHTTPError{status, fakeJSON(map[string]any{"object": "error", "message": msg, "type": typ, "param": nil, "code": status})}
	case o.flavour == "llamacpp":
		c = status
	case code == "":
		c = nil
	}
	return fakeHTTPError{status, fakeJSON(map[string]any{"error": map[string]any{"message": msg, "type": typ, "param": nil, "code": c}})}
}

func (o fakeOpenAI) httpError(f *fakeServer, kind string, g fakeGen) fakeHTTPError {
	switch kind {
	case "unauthorized":
		if o.flavour == "llamacpp" {
			return o.err(401, "authentication_error", "", "Invalid API Key")
		}
		return o.err(401, "invalid_request_error", "invalid_api_key",
			"Incorrect API key provided: "+g.key+". You can find your API key at https://platform.openai.com/account/api-keys.")
	case "model":
		if o.flavour == "vllm" {
			return o.err(404, "NotFoundError", "", fmt.Sprintf("The model `%s` does not exist.", g.model))
		}
		return o.err(404, "invalid_request_error", "model_not_found",
			fmt.Sprintf("The model `%s` does not exist or you do not have access to it.", g.model))
	case "overflow":
		switch o.flavour {
		case "llamacpp":
			return fakeHTTPError{400, fakeJSON(map[string]any{"error": map[string]any{
				"code": 400, "message": fmt.Sprintf("request (%d tokens) exceeds the available context size (%d tokens), try increasing it", g.promptTokens, f.ctxLimit),
				"type": "exceed_context_size_error", "n_prompt_tokens": g.promptTokens, "n_ctx": f.ctxLimit,
			}})}
		case "vllm":
			return o.err(400, "BadRequestError", "", fmt.Sprintf("This model's maximum context length is %d tokens. However, you requested %d tokens in the messages, Please reduce the length of the messages.", f.ctxLimit, g.promptTokens))
		}
		return o.err(400, "invalid_request_error", "context_length_exceeded",
			fmt.Sprintf("This model's maximum context length is %d tokens. However, your messages resulted in %d tokens. Please reduce the length of the messages.", f.ctxLimit, g.promptTokens))
	case "ratelimit":
		return o.err(429, "requests", "rate_limit_exceeded", "Rate limit reached for requests per min (RPM): Limit 3, Used 3, Requested 1.")
	case "quota":
		return o.err(429, "insufficient_quota", "insufficient_quota", "You exceeded your current quota, please check your plan and billing details.")
	case "overloaded":
		return o.err(503, "server_error", "", "The engine is currently overloaded, please try again later")
	case "server":
		return o.err(500, "server_error", "", "The server had an error processing your request (key "+g.key+").")
	}
	f.t.Errorf("unknown error kind %q", kind)
	return fakeHTTPError{500, "{}"}
}

func (o fakeOpenAI) other(f *fakeServer, w http.ResponseWriter, r *http.Request, body map[string]any) bool {
	switch r.URL.Path {
	case "/v1/models":
		io.WriteString(w, fakeJSON(map[string]any{"object": "list", "data": []any{
			map[string]any{"id": f.model, "object": "model", "created": 1686935002, "owned_by": "fake"},
		}}))
	case "/v1/embeddings":
		if body["encoding_format"] != "float" {
			f.t.Errorf("encoding_format = %v", body["encoding_format"])
		}
		in := fakeEmbedInput(f.t, body)
		var data []any
		for i, s := range in {
			data = append(data, map[string]any{"object": "embedding", "index": i, "embedding": fakeEmbedding(s)})
		}
		slices.Reverse(data) // the index, not the order, is authoritative
		io.WriteString(w, fakeJSON(map[string]any{"object": "list", "data": data, "model": body["model"],
			"usage": map[string]any{"prompt_tokens": len(in), "total_tokens": len(in)}}))
	default:
		return false
	}
	return true
}
