package inference_test

import (
	"fmt"
	"io"
	"net/http"
	"strings"
)

// fakeOllama speaks Ollama's /api/chat (NDJSON), /api/embed and /api/tags.
type fakeOllama struct{}

func (fakeOllama) genPath() string { return "/api/chat" }

// authorized: Ollama has no keys; a key, when configured, is checked as an
// authenticating proxy in front of it would.
func (fakeOllama) authorized(f *fakeServer, r *http.Request) (string, bool) {
	got := r.Header.Get("Authorization")
	return strings.TrimPrefix(got, "Bearer "), f.key == "" || got == "Bearer "+f.key
}

func (o fakeOllama) parse(f *fakeServer, r *http.Request, body map[string]any) (fakeGen, *fakeHTTPError) {
	t := f.t
	if body["stream"] != true {
		t.Errorf("stream = %v", body["stream"])
	}
	opts, _ := body["options"].(map[string]any)
	if _, ok := opts["temperature"].(float64); !ok {
		t.Errorf("options.temperature missing: %v", body["options"])
	}
	g := fakeGen{model: fmt.Sprint(body["model"]), maxTokens: int(num(opts, "num_predict"))}
	g.prompt, g.promptTokens, _ = fakeMessages(t, body["messages"])
	g.stops = strs(t, opts["stop"])
	if !ollamaSame(g.model, f.model) {
		e := o.httpError(f, "model", g)
		return g, &e
	}
	limit := f.ctxLimit
	if n := int(num(opts, "num_ctx")); n > 0 {
		limit = min(limit, n)
	}
	// Ollama truncates the prompt unless told not to.
	if body["truncate"] == false && g.promptTokens > limit {
		e := o.httpError(f, "overflow", g)
		return g, &e
	}
	return g, nil
}

func ollamaSame(a, b string) bool {
	if !strings.Contains(a, ":") {
		a += ":latest"
	}
	if !strings.Contains(b, ":") {
		b += ":latest"
	}
	return a == b
}

func (fakeOllama) contentType() string { return "application/x-ndjson" }

func (fakeOllama) start(io.Writer, fakeGen) {}

func (fakeOllama) text(w io.Writer, g fakeGen, s string) {
	io.WriteString(w, fakeJSON(map[string]any{
		"model": g.model, "created_at": "2025-06-01T12:00:00.000000Z",
		"message": map[string]any{"role": "assistant", "content": s}, "done": false,
	})+"\n")
}

func (fakeOllama) end(w io.Writer, g fakeGen, finish, _ string, out int) {
	io.WriteString(w, fakeJSON(map[string]any{
		"model": g.model, "created_at": "2025-06-01T12:00:01.000000Z",
		"message": map[string]any{"role": "assistant", "content": ""},
		"done":    true, "done_reason": finish,
		"total_duration": 1200000000, "load_duration": 100000000,
		"prompt_eval_count": g.promptTokens, "prompt_eval_duration": 100000000,
		"eval_count": out, "eval_duration": int64(out) * 20000000,
	})+"\n")
}

func (fakeOllama) streamError(w io.Writer, kind string) {
	io.WriteString(w, `{"error":"an error was encountered while running the model: unexpected EOF"}`+"\n")
}

func (fakeOllama) malformed(w io.Writer) {
	io.WriteString(w, `{"model":"llama3.2","message":{"role":"assistant","content":"oo`+"\n")
}

func (fakeOllama) httpError(f *fakeServer, kind string, g fakeGen) fakeHTTPError {
	e := func(status int, msg string) fakeHTTPError {
		return fakeHTTPError{status, fakeJSON(map[string]string{"error": msg})}
	}
	switch kind {
	case "unauthorized":
		return e(401, "unauthorized: bad key "+g.key)
	case "model":
		return e(404, fmt.Sprintf("model '%s' not found", g.model))
	case "overflow":
		return e(400, "the input length exceeds the context length")
	case "ratelimit":
		return e(429, "too many requests")
	case "overloaded":
		return e(503, "server busy, please try again.  maximum pending requests exceeded")
	case "server":
		return e(500, "llama runner process has terminated: exit status 2 (key "+g.key+")")
	}
	f.t.Errorf("unknown error kind %q", kind)
	return fakeHTTPError{500, "{}"}
}

func (fakeOllama) other(f *fakeServer, w http.ResponseWriter, r *http.Request, body map[string]any) bool {
	switch r.URL.Path {
	case "/api/tags":
		io.WriteString(w, fakeJSON(map[string]any{"models": []any{map[string]any{
			"name": f.model + ":latest", "model": f.model + ":latest", "modified_at": "2025-05-01T10:00:00Z",
			"size": 2019393189, "digest": "a80c4f17acd55265feec403c7aef86be0c25983ab279d83f3bcd3abbcb5b8b72",
			"details": map[string]any{"format": "gguf", "family": "llama", "parameter_size": "3.2B", "quantization_level": "Q4_K_M"},
		}}}))
	case "/api/embed":
		if !ollamaSame(fmt.Sprint(body["model"]), f.model) {
			writeFakeError(w, fakeHTTPError{404, fakeJSON(map[string]string{"error": fmt.Sprintf("model '%v' not found", body["model"])})}, nil)
			return true
		}
		var vecs [][]float32
		for _, s := range fakeEmbedInput(f.t, body) {
			vecs = append(vecs, fakeEmbedding(s))
		}
		io.WriteString(w, fakeJSON(map[string]any{"model": body["model"], "embeddings": vecs,
			"total_duration": 14143917, "load_duration": 1019500, "prompt_eval_count": len(vecs)}))
	default:
		return false
	}
	return true
}
