package inference

import (
	"errors"
	"io"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"
)

func TestRemoteStopFilter(t *testing.T) {
	for _, tc := range []struct {
		name    string
		stops   []string
		pieces  []string
		emitted []string // what push and flush return, in order, empty ones dropped
		stopped bool
	}{
		{"no stops", nil, []string{"ab", "cd"}, []string{"ab", "cd"}, false},
		{"inside one piece", []string{"XY"}, []string{"abXYcd", "ef"}, []string{"ab"}, true},
		{"across pieces", []string{"XYZ"}, []string{"abX", "Y", "Zcd"}, []string{"ab"}, true},
		{"false start released", []string{"XYZ"}, []string{"abX", "Yq", "rs"}, []string{"ab", "XYq", "rs"}, false},
		{"held to the end", []string{"XYZ"}, []string{"abXY"}, []string{"ab", "XY"}, false},
		{"earliest of several", []string{"cd", "b"}, []string{"abcd"}, []string{"a"}, true},
		{"at the very start", []string{"ab"}, []string{"a", "bc"}, nil, true},
		{"empty stop ignored", []string{""}, []string{"ab"}, []string{"ab"}, false},
		{"overlapping prefix", []string{"aab"}, []string{"a", "a", "a", "b"}, []string{"a"}, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := newRemoteStopFilter(tc.stops)
			var got []string
			stopped := false
			for _, p := range tc.pieces {
				out, s := f.push(p)
				if out != "" {
					got = append(got, out)
				}
				if s {
					stopped = true
					break
				}
			}
			if !stopped {
				if out := f.flush(); out != "" {
					got = append(got, out)
				}
			}
			if !slices.Equal(got, tc.emitted) || stopped != tc.stopped {
				t.Fatalf("emitted %q (stopped %v), want %q (%v)", got, stopped, tc.emitted, tc.stopped)
			}
		})
	}
}

func TestSSEReader(t *testing.T) {
	stream := ": keep-alive comment\r\n" +
		"event: message_start\r\ndata: {\"a\":1}\r\n\r\n" +
		"data: line one\ndata: line two\nid: 7\nretry: 1000\n\n" +
		"\n\n" + // stray blank lines dispatch nothing
		"event: ping\n\n" + // no data: not dispatched
		"data:no-space\n\n" +
		"error: {\"code\":500}\n\n" +
		"data: [DONE]" // cut off before its blank line
	r := newSSEReader(strings.NewReader(stream))
	var got []sseEvent
	for {
		ev, err := r.next()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		got = append(got, ev)
	}
	want := []sseEvent{
		{"message_start", `{"a":1}`},
		{"", "line one\nline two"},
		{"", "no-space"},
		{"error", `{"code":500}`},
		{"", "[DONE]"},
	}
	if !slices.Equal(got, want) {
		t.Fatalf("events %q\nwant %q", got, want)
	}

	_, err := newSSEReader(strings.NewReader("data: x\n<html>oops\n\n")).next()
	if !errors.Is(err, ErrMalformed) || !strings.Contains(err.Error(), "<html>oops") {
		t.Fatalf("stray line: %v", err)
	}
	_, err = newSSEReader(strings.NewReader("data: " + strings.Repeat("x", remoteMaxLine+1) + "\n\n")).next()
	if !errors.Is(err, ErrMalformed) {
		t.Fatalf("over-long line: %v", err)
	}
}

func TestNDJSONReader(t *testing.T) {
	r := newNDJSONReader(strings.NewReader("{\"a\":1}\n\n  \r\n{\"b\":2}"))
	var got []string
	for {
		line, err := r.next()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		got = append(got, string(line))
	}
	if !slices.Equal(got, []string{`{"a":1}`, `{"b":2}`}) {
		t.Fatalf("lines %q", got)
	}
}

// The error bodies below are the providers' own.
func TestClassifyRemote(t *testing.T) {
	for _, tc := range []struct {
		name      string
		status    int
		body      string
		want      error
		retryable bool
	}{
		{"OpenAI overflow", 400, `{"error":{"message":"This model's maximum context length is 8192 tokens. However, your messages resulted in 9000 tokens.","type":"invalid_request_error","param":"messages","code":"context_length_exceeded"}}`, ErrContextOverflow, false},
		{"llama.cpp overflow", 400, `{"error":{"code":400,"message":"request (5000 tokens) exceeds the available context size (4096 tokens), try increasing it","type":"exceed_context_size_error","n_prompt_tokens":5000,"n_ctx":4096}}`, ErrContextOverflow, false},
		{"old llama.cpp overflow", 400, `{"error":{"code":400,"message":"the request exceeds the available context size, try increasing it","type":"invalid_request_error"}}`, ErrContextOverflow, false},
		{"vLLM overflow", 400, `{"object":"error","message":"This model's maximum context length is 4096 tokens. However, you requested 5000 tokens (4000 in the messages, 1000 in the completion).","type":"BadRequestError","param":null,"code":400}`, ErrContextOverflow, false},
		{"Anthropic overflow", 400, `{"type":"error","error":{"type":"invalid_request_error","message":"prompt is too long: 208310 tokens > 200000 maximum"},"request_id":"req_1"}`, ErrContextOverflow, false},
		{"Anthropic request too large", 413, `{"type":"error","error":{"type":"request_too_large","message":"Request exceeds the maximum allowed number of bytes."}}`, ErrContextOverflow, false},
		{"Ollama overflow", 400, `{"error":"the input length exceeds the context length"}`, ErrContextOverflow, false},
		{"OpenAI unknown model", 404, `{"error":{"message":"The model ` + "`gpt-9`" + ` does not exist or you do not have access to it.","type":"invalid_request_error","param":null,"code":"model_not_found"}}`, ErrModelUnavailable, false},
		{"Ollama unknown model", 404, `{"error":"model 'llama9' not found"}`, ErrModelUnavailable, false},
		{"LM Studio unknown model", 400, `{"error":"Model \"foo\" not found. Please specify a valid model."}`, ErrModelUnavailable, false},
		{"OpenAI bad key", 401, `{"error":{"message":"Incorrect API key provided: sk-abc.","type":"invalid_request_error","param":null,"code":"invalid_api_key"}}`, ErrUnauthorized, false},
		{"Anthropic forbidden", 403, `{"type":"error","error":{"type":"permission_error","message":"Your API key does not have permission to use the specified resource."}}`, ErrUnauthorized, false},
		{"rate limit", 429, `{"error":{"message":"Rate limit reached","type":"requests","param":null,"code":"rate_limit_exceeded"}}`, ErrBusy, true},
		{"quota", 429, `{"error":{"message":"You exceeded your current quota","type":"insufficient_quota","param":null,"code":"insufficient_quota"}}`, ErrBusy, false},
		{"Anthropic overloaded", 529, `{"type":"error","error":{"type":"overloaded_error","message":"Overloaded"}}`, ErrBusy, true},
		{"Ollama queue full", 503, `{"error":"server busy, please try again.  maximum pending requests exceeded"}`, ErrBusy, true},
		{"proxy HTML", 502, `<html><body>Bad Gateway</body></html>`, ErrTransport, true},
		{"Anthropic api_error", 500, `{"type":"error","error":{"type":"api_error","message":"Internal server error"}}`, ErrTransport, true},
		{"timeout", 408, ``, ErrTimeout, true},
		{"other 4xx", 422, `{"detail":[{"loc":["body","messages"],"msg":"field required"}]}`, ErrBadRequest, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			info := parseRemoteAPIError([]byte(tc.body))
			kinds, retryable := classifyRemote(tc.status, info)
			if len(kinds) == 0 || !errors.Is(kinds[0], tc.want) || retryable != tc.retryable {
				t.Fatalf("%v retryable %v, want %v %v (parsed %+v)", kinds, retryable, tc.want, tc.retryable, info)
			}
		})
	}
}

func TestRemoteStreamErrors(t *testing.T) {
	for _, tc := range []struct {
		payload   string
		want      []error
		retryable bool
	}{
		{`{"type":"error","error":{"type":"overloaded_error","message":"Overloaded"}}`, []error{ErrMalformed, ErrBusy}, true},
		{`{"code":400,"message":"request (5000 tokens) exceeds the available context size (4096 tokens)","type":"exceed_context_size_error"}`, []error{ErrMalformed, ErrContextOverflow}, false},
		{`{"error":{"message":"The server had an error","type":"server_error","param":null,"code":null}}`, []error{ErrMalformed, ErrTransport}, true},
		{`{"error":"an error was encountered while running the model: unexpected EOF"}`, []error{ErrMalformed}, false},
	} {
		err := remoteStreamError(tc.payload)
		var re *remoteErr
		if !errors.As(err, &re) || re.retryable != tc.retryable {
			t.Errorf("%s: %v, retryable %v", tc.payload, err, re != nil && re.retryable)
		}
		for _, w := range tc.want {
			if !errors.Is(err, w) {
				t.Errorf("%s: %v does not wrap %v", tc.payload, err, w)
			}
		}
	}
}

func TestRemoteRetryAfter(t *testing.T) {
	now := time.Date(2025, 6, 1, 12, 0, 0, 0, time.UTC)
	for _, tc := range []struct {
		v    string
		want time.Duration
	}{
		{"", -1},
		{"7", 7 * time.Second},
		{"0.5", 500 * time.Millisecond},
		{now.Add(90 * time.Second).Format(http.TimeFormat), 90 * time.Second},
		{now.Add(-time.Hour).Format(http.TimeFormat), 0},
		{"soon", -1},
		{"-3", -1},
	} {
		if got := remoteRetryAfter(tc.v, now); got != tc.want {
			t.Errorf("Retry-After %q: %v, want %v", tc.v, got, tc.want)
		}
	}
}

func TestRemoteExcerpt(t *testing.T) {
	long := strings.Repeat("é", remoteExcerptLen)
	got := remoteExcerpt(long)
	if len(got) > remoteExcerptLen+len("…") || !strings.HasSuffix(got, "…") || !strings.HasPrefix(long, strings.TrimSuffix(got, "…")) {
		t.Fatalf("excerpt %q", got)
	}
}
