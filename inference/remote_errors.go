package inference

import (
	"bytes"
	"cmp"
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// remoteErr is a classified failure of one attempt.
type remoteErr struct {
	kinds      []error // the sentinels it wraps, most telling first
	status     int     // HTTP status; 0 for failures within a stream
	detail     string  // the server's words (redacted) or the cause
	retryable  bool
	retryAfter time.Duration // the wait the server asked for; -1: none
}

func (e *remoteErr) Error() string {
	var b strings.Builder
	for i, k := range e.kinds {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(k.Error())
	}
	if e.status != 0 {
		fmt.Fprintf(&b, " (HTTP %d)", e.status)
	}
	if e.detail != "" {
		b.WriteString(": ")
		b.WriteString(e.detail)
	}
	return b.String()
}

func (e *remoteErr) Unwrap() []error { return e.kinds }

// remoteExcerptLen bounds the server text quoted in an error.
const remoteExcerptLen = 200

// remoteExcerpt shortens s for an error message, on a rune boundary.
func remoteExcerpt(s string) string {
	s = strings.TrimSpace(s)
	if len(s) <= remoteExcerptLen {
		return s
	}
	n := remoteExcerptLen
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n] + "…"
}

// remoteMalformed reports a stream or body that is not what the protocol
// says, quoting a short excerpt of the offending text.
func remoteMalformed(what, text string) error {
	d := what
	if text != "" {
		d += ": " + strconv.Quote(remoteExcerpt(text))
	}
	return &remoteErr{kinds: []error{ErrMalformed}, detail: d, retryAfter: -1}
}

// remoteAPIError is the error a server reported, in any of the shapes the
// supported servers use:
//
//	OpenAI, vLLM:  {"error": {"message", "type", "code": "..." or 400, "param"}}
//	llama.cpp:     {"error": {"code": 400, "message", "type": "exceed_context_size_error"}}
//	old vLLM:      {"object": "error", "message", "type", "code": 400}
//	Anthropic:     {"type": "error", "error": {"type": "overloaded_error", "message"}}
//	Ollama, LM Studio: {"error": "message"}
type remoteAPIError struct {
	Type, Code, Message string
}

func (e remoteAPIError) String() string {
	var parts []string
	for _, s := range []string{e.Type, e.Code} {
		if s != "" && !strings.Contains(strings.Join(parts, " "), s) {
			parts = append(parts, s)
		}
	}
	if e.Message != "" {
		parts = append(parts, remoteExcerpt(e.Message))
	}
	return strings.Join(parts, ": ")
}

// parseRemoteAPIError reads an error body; one that is not JSON is quoted
// as the message.
func parseRemoteAPIError(body []byte) remoteAPIError {
	var top struct {
		Error   json.RawMessage `json:"error"`
		Type    string          `json:"type"`
		Message string          `json:"message"`
		Detail  string          `json:"detail"`
		Code    json.RawMessage `json:"code"`
	}
	if err := json.Unmarshal(body, &top); err != nil {
		return remoteAPIError{Message: string(body)}
	}
	e := remoteAPIError{Type: top.Type, Message: cmp.Or(top.Message, top.Detail), Code: remoteRawCode(top.Code)}
	if e.Type == "error" { // Anthropic's envelope
		e.Type = ""
	}
	inner := bytes.TrimSpace(top.Error)
	switch {
	case len(inner) == 0 || string(inner) == "null":
	case inner[0] == '"':
		json.Unmarshal(inner, &e.Message)
	case inner[0] == '{':
		var obj struct {
			Type    string          `json:"type"`
			Message string          `json:"message"`
			Code    json.RawMessage `json:"code"`
		}
		if json.Unmarshal(inner, &obj) == nil {
			e = remoteAPIError{Type: obj.Type, Message: obj.Message, Code: remoteRawCode(obj.Code)}
		}
	}
	if e == (remoteAPIError{}) {
		e.Message = string(body)
	}
	return e
}

// remoteRawCode renders a code that is a string (OpenAI) or a number (llama.cpp,
// vLLM).
func remoteRawCode(raw json.RawMessage) string {
	var s string
	if json.Unmarshal(raw, &s) == nil {
		return s
	}
	if n, err := strconv.Atoi(string(raw)); err == nil {
		return strconv.Itoa(n)
	}
	return ""
}

// overflow reports whether e says the prompt does not fit the context.
func (e remoteAPIError) overflow() bool {
	if e.Code == "context_length_exceeded" || e.Type == "exceed_context_size_error" {
		return true
	}
	m := strings.ToLower(e.Message)
	for _, s := range []string{
		"exceeds the available context size",      // llama.cpp
		"maximum context length",                  // OpenAI, vLLM
		"prompt is too long",                      // Anthropic
		"exceed context limit",                    // Anthropic, input plus max_tokens
		"input length exceeds the context length", // Ollama with truncate off
		"context length exceeded",
		"context_length_exceeded",
	} {
		if strings.Contains(m, s) {
			return true
		}
	}
	return false
}

// modelMissing reports whether e says the model does not exist.
func (e remoteAPIError) modelMissing() bool {
	if e.Code == "model_not_found" {
		return true
	}
	m := strings.ToLower(e.Message)
	return strings.Contains(m, "model") && (strings.Contains(m, "not found") || strings.Contains(m, "does not exist"))
}

// classifyRemote maps an HTTP status (0 for an error reported inside a
// stream) and the server's error to sentinels, and says whether another
// attempt may succeed.
func classifyRemote(status int, e remoteAPIError) (kinds []error, retryable bool) {
	if status == 0 {
		if n, err := strconv.Atoi(e.Code); err == nil && n >= 400 && n < 600 {
			status = n // llama.cpp puts the status in the streamed error
		}
	}
	typ := strings.ToLower(e.Type + " " + e.Code)
	switch {
	case status == http.StatusUnauthorized || status == http.StatusForbidden ||
		strings.Contains(typ, "authentication_error") || strings.Contains(typ, "permission_error"):
		return []error{ErrUnauthorized}, false
	case e.overflow() || status == http.StatusRequestEntityTooLarge:
		return []error{ErrContextOverflow}, false
	case status == http.StatusNotFound || strings.Contains(typ, "not_found_error") ||
		((status == 0 || status == http.StatusBadRequest) && e.modelMissing()):
		return []error{ErrModelUnavailable}, false
	case status == http.StatusTooManyRequests || strings.Contains(typ, "rate_limit"):
		// An exhausted quota does not come back by waiting.
		return []error{ErrBusy}, e.Code != "insufficient_quota"
	case status == http.StatusServiceUnavailable || status == 529 || strings.Contains(typ, "overloaded"):
		return []error{ErrBusy}, true
	case status == http.StatusRequestTimeout:
		return []error{ErrTimeout}, true
	case status >= 500 || strings.Contains(typ, "api_error") || strings.Contains(typ, "server_error"):
		return []error{ErrTransport}, true
	case status >= 400:
		return []error{ErrBadRequest}, false
	}
	return nil, false
}

// remoteStreamError reports an error object a server sent inside a stream:
// it wraps ErrMalformed and what the object says.
func remoteStreamError(payload string) error {
	info := parseRemoteAPIError([]byte(payload))
	kinds, retryable := classifyRemote(0, info)
	return &remoteErr{
		kinds:      append([]error{ErrMalformed}, kinds...),
		detail:     "error in stream: " + info.String(),
		retryable:  retryable,
		retryAfter: -1,
	}
}

// remoteRetryAfter reads a Retry-After header: seconds or an HTTP date
// (relative to now). It returns -1 when there is none.
func remoteRetryAfter(v string, now time.Time) time.Duration {
	v = strings.TrimSpace(v)
	if v == "" {
		return -1
	}
	if s, err := strconv.ParseFloat(v, 64); err == nil && s >= 0 {
		return time.Duration(s * float64(time.Second))
	}
	if t, err := http.ParseTime(v); err == nil {
		return max(t.Sub(now), 0)
	}
	return -1
}
