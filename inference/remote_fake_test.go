package inference_test

import (
	"encoding/json"
	"hash/fnv"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
)

// The fake servers below speak each provider's wire format over real HTTP
// (httptest) around one deterministic "model": the completion of a prompt
// is a sequence of words picked by hashing the prompt, one token each, so
// greedy decoding is deterministic. They honour max tokens and stop
// sequences, answer the providers' own error bodies, and can be told to
// fail in the ways real servers do.

// fakeVocab has no word inside another, so a word is a clean stop sequence.
var fakeVocab = []string{
	"alpha", "bravo", "charlie", "delta", "echo", "foxtrot", "golf", "hotel",
	"india", "juliett", "kilo", "lima", "mike", "november", "oscar", "papa",
	"quebec", "romeo", "sierra", "tango", "uniform", "victor", "whiskey",
	"xray", "yankee", "zulu",
}

// fakeNatural is the length of a completion that no limit cuts.
const fakeNatural = 30

// fakeTokens returns the first n tokens of the completion of prompt.
func fakeTokens(prompt string, n int) []string {
	h := fnv.New32a()
	h.Write([]byte(prompt))
	x := h.Sum32()
	out := make([]string, n)
	for i := range out {
		x = x*1664525 + 1013904223
		out[i] = " " + fakeVocab[(x>>16)%uint32(len(fakeVocab))]
	}
	return out
}

// fakeGen is a generation request as a fake understood it.
type fakeGen struct {
	model        string
	prompt       string // the message contents, joined
	promptTokens int
	maxTokens    int // 0: none
	stops        []string
	key          string // the key the client sent
}

// fakeComplete generates g: the chunks to stream, the provider-neutral
// finish reason ("stop" or "length"), the stop sequence that ended it, and
// the output token count.
func fakeComplete(g fakeGen, ignoreStop bool) (chunks []string, finish, stopSeq string, out int) {
	n, finish := fakeNatural, "stop"
	if g.maxTokens > 0 && g.maxTokens < n {
		n, finish = g.maxTokens, "length"
	}
	toks := fakeTokens(g.prompt, n)
	if ignoreStop {
		return toks, finish, "", n
	}
	text, cut := strings.Join(toks, ""), -1
	for _, s := range g.stops {
		if i := strings.Index(text, s); s != "" && i >= 0 && (cut < 0 || i < cut) {
			cut, stopSeq = i, s
		}
	}
	if cut < 0 {
		return toks, finish, "", n
	}
	pos := 0
	for _, tk := range toks {
		if pos >= cut {
			break
		}
		end := pos + len(tk)
		if end > cut {
			tk = tk[:cut-pos]
		}
		chunks = append(chunks, tk)
		pos = end
	}
	return chunks, "stop", stopSeq, len(chunks)
}

// fakeEmbedding is a deterministic, non-zero vector for text.
func fakeEmbedding(text string) []float32 {
	h := fnv.New64a()
	h.Write([]byte(text))
	x := h.Sum64()
	v := make([]float32, 8)
	for i := range v {
		x = x*6364136223846793005 + 1442695040888963407
		v[i] = float32(int64(x>>40)%1000+1) / 1000
	}
	return v
}

// fakeFault makes a fake fail one request.
type fakeFault struct {
	// kind: for HTTP faults "unauthorized", "model", "overflow",
	// "ratelimit", "server", "overloaded" or "stall" (no answer at all);
	// for stream faults "malformed", "cut" (end without the terminator),
	// "stall", or "error:<kind>" (an error object in the stream).
	kind   string
	http   bool        // fail before streaming, with an HTTP error
	after  int         // stream faults: after this many text chunks
	header http.Header // added to an HTTP error (Retry-After)
}

// fakeHTTPError is an error response as a provider sends it.
type fakeHTTPError struct {
	status int
	body   string
}

// fakeWire is what differs between the providers.
type fakeWire interface {
	genPath() string
	// authorized returns the key the request carries and whether the
	// server takes it.
	authorized(f *fakeServer, r *http.Request) (given string, ok bool)
	// parse checks a generation request as the API does, answering an
	// error the way it does when the request breaks its rules.
	parse(f *fakeServer, r *http.Request, body map[string]any) (fakeGen, *fakeHTTPError)
	contentType() string
	start(w io.Writer, g fakeGen)
	text(w io.Writer, g fakeGen, s string)
	end(w io.Writer, g fakeGen, finish, stopSeq string, out int)
	streamError(w io.Writer, kind string)
	malformed(w io.Writer)
	httpError(f *fakeServer, kind string, g fakeGen) fakeHTTPError
	// other serves the endpoints besides generation; false: not found.
	other(f *fakeServer, w http.ResponseWriter, r *http.Request, body map[string]any) bool
}

// fakeRequest is a request a fake received.
type fakeRequest struct {
	Method, Path string
	Header       http.Header
	Body         map[string]any
}

type fakeServer struct {
	t        *testing.T
	wire     fakeWire
	srv      *httptest.Server
	key      string // the key the server accepts ("": none needed)
	model    string // the model the server has
	ctxLimit int    // prompt tokens beyond which it answers its overflow error
	release  chan struct{}

	mu         sync.Mutex
	requests   []fakeRequest
	faults     []fakeFault // consumed one per generation request
	always     *fakeFault  // applies to every generation request
	ignoreStop bool        // overshoot stop sequences, as some servers do
}

func newFakeServer(t *testing.T, wire fakeWire, model, key string) *fakeServer {
	t.Helper()
	f := &fakeServer{t: t, wire: wire, key: key, model: model, ctxLimit: 1000, release: make(chan struct{})}
	f.srv = httptest.NewServer(f)
	t.Cleanup(f.srv.Close)
	t.Cleanup(func() { close(f.release) }) // runs first: frees stalled handlers
	return f
}

func (f *fakeServer) URL() string { return f.srv.URL }

func (f *fakeServer) fail(faults ...fakeFault) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.faults = append(f.faults, faults...)
}

func (f *fakeServer) failAlways(ft fakeFault) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.always = &ft
}

func (f *fakeServer) setIgnoreStop(v bool) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.ignoreStop = v
}

// genRequests returns the generation requests received so far.
func (f *fakeServer) genRequests() []fakeRequest {
	f.mu.Lock()
	defer f.mu.Unlock()
	var out []fakeRequest
	for _, r := range f.requests {
		if r.Path == f.wire.genPath() {
			out = append(out, r)
		}
	}
	return out
}

func (f *fakeServer) lastGen() fakeRequest {
	f.t.Helper()
	reqs := f.genRequests()
	if len(reqs) == 0 {
		f.t.Fatal("no generation request received")
	}
	return reqs[len(reqs)-1]
}

func (f *fakeServer) nextFault() (*fakeFault, bool) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.always != nil {
		ft := *f.always
		return &ft, f.ignoreStop
	}
	if len(f.faults) == 0 {
		return nil, f.ignoreStop
	}
	ft := f.faults[0]
	f.faults = f.faults[1:]
	return &ft, f.ignoreStop
}

// stall waits until the client gives up or the test ends.
func (f *fakeServer) stall(r *http.Request) {
	select {
	case <-r.Context().Done():
	case <-f.release:
	}
}

func (f *fakeServer) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	raw, _ := io.ReadAll(r.Body)
	var body map[string]any
	if len(raw) > 0 {
		if err := json.Unmarshal(raw, &body); err != nil {
			f.t.Errorf("%s %s: body is not JSON: %v", r.Method, r.URL.Path, err)
			http.Error(w, "bad JSON", http.StatusBadRequest)
			return
		}
	}
	f.mu.Lock()
	f.requests = append(f.requests, fakeRequest{r.Method, r.URL.Path, r.Header.Clone(), body})
	f.mu.Unlock()

	given, ok := f.wire.authorized(f, r)
	if !ok {
		writeFakeError(w, f.wire.httpError(f, "unauthorized", fakeGen{key: given}), nil)
		return
	}
	if r.URL.Path != f.wire.genPath() {
		if !f.wire.other(f, w, r, body) {
			http.NotFound(w, r)
		}
		return
	}
	if r.Method != http.MethodPost {
		http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
		return
	}
	if got := r.Header.Get("Content-Type"); got != "application/json" {
		f.t.Errorf("Content-Type %q", got)
	}
	fault, ignoreStop := f.nextFault()
	if fault != nil && fault.http {
		if fault.kind == "stall" {
			f.stall(r)
			return
		}
		writeFakeError(w, f.wire.httpError(f, fault.kind, fakeGen{model: f.model, key: given}), fault.header)
		return
	}
	g, herr := f.wire.parse(f, r, body)
	if herr != nil {
		writeFakeError(w, *herr, nil)
		return
	}
	chunks, finish, stopSeq, out := fakeComplete(g, ignoreStop)
	w.Header().Set("Content-Type", f.wire.contentType())
	w.Header().Set("Cache-Control", "no-cache")
	w.WriteHeader(http.StatusOK)
	flush := func() { w.(http.Flusher).Flush() }
	f.wire.start(w, g)
	flush()
	for i := 0; ; i++ {
		if fault != nil && fault.after == i {
			switch kind := fault.kind; {
			case kind == "malformed":
				f.wire.malformed(w)
			case kind == "cut":
			case kind == "stall":
				flush()
				f.stall(r)
			case strings.HasPrefix(kind, "error:"):
				f.wire.streamError(w, strings.TrimPrefix(kind, "error:"))
			default:
				f.t.Errorf("unknown stream fault %q", kind)
			}
			flush()
			return
		}
		if i == len(chunks) {
			break
		}
		f.wire.text(w, g, chunks[i])
		flush()
	}
	f.wire.end(w, g, finish, stopSeq, out)
	flush()
}

func writeFakeError(w http.ResponseWriter, e fakeHTTPError, header http.Header) {
	for k, v := range header {
		w.Header()[k] = v
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(e.status)
	io.WriteString(w, e.body)
}

// fakeJSON marshals v for a fake's answer.
func fakeJSON(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err)
	}
	return string(b)
}

// fakeMessages reads a messages array: the joined contents (the prompt the
// fake completes), the token count (words plus a few per message), and
// the roles.
func fakeMessages(t *testing.T, v any) (prompt string, tokens int, roles []string) {
	t.Helper()
	msgs, ok := v.([]any)
	if !ok || len(msgs) == 0 {
		t.Errorf("messages = %#v", v)
		return "", 0, nil
	}
	var parts []string
	for _, m := range msgs {
		mm, _ := m.(map[string]any)
		role, _ := mm["role"].(string)
		content, ok := mm["content"].(string)
		if !ok || role == "" {
			t.Errorf("message %#v", m)
		}
		roles = append(roles, role)
		parts = append(parts, content)
		tokens += len(strings.Fields(content)) + 3
	}
	return strings.Join(parts, "\n"), tokens, roles
}

// num reads a JSON number field (0 when absent).
func num(body map[string]any, key string) float64 {
	n, _ := body[key].(float64)
	return n
}

// strs reads a JSON array of strings.
func strs(t *testing.T, v any) []string {
	t.Helper()
	if v == nil {
		return nil
	}
	arr, ok := v.([]any)
	if !ok {
		t.Errorf("not an array: %#v", v)
		return nil
	}
	var out []string
	for _, x := range arr {
		s, ok := x.(string)
		if !ok {
			t.Errorf("not a string: %#v", x)
		}
		out = append(out, s)
	}
	return out
}

func fakeEmbedInput(t *testing.T, body map[string]any) []string {
	t.Helper()
	in := strs(t, body["input"])
	if len(in) == 0 {
		t.Errorf("embedding input %#v", body["input"])
	}
	return in
}
