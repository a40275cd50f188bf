package inference

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"net"
	"net/http"
	"net/url"
	"os"
	"strings"
	"time"
)

// RemoteOptions configure what the remote backends (OpenAI-compatible,
// Ollama, Anthropic) share. They are validated by the constructor and not
// used afterwards.
//
// What the three backends share: stop sequences are enforced on the
// client as well, since servers may overshoot them (the text is cut at
// the first one, even across chunks, and the finish reason is
// FinishStop); a stream that breaks its protocol, carries an error object
// or ends without its terminator fails with ErrMalformed; token counts the
// server does not report (or could not, the stream having been cut at a
// stop sequence) are estimated with EstimateTokens, four bytes a token;
// Result.PromptTime runs from sending the successful attempt's request to
// its first text; IsAvailable turns false when a call or health check
// fails with ErrTransport and true again when one succeeds. Errors name
// the backend ("openai:<model>: ...") and never contain the key: any
// occurrence in a server's words is replaced by "[REDACTED]".
type RemoteOptions struct {
	// BaseURL is the server's root, e.g. "http://localhost:8080" or
	// "https://api.anthropic.com" (required, http or https). The backends
	// add their API paths; a trailing "/v1" is dropped so that the form
	// OpenAI's SDKs take also works. Private requests are refused
	// (ErrNotSupported) unless the host is a loopback address.
	BaseURL string
	// Model names the model on the server (required).
	Model string
	// APIKey is the key itself, for callers that read their own
	// configuration; it takes precedence over APIKeyEnv.
	APIKey string
	// APIKeyEnv names the environment variable the constructor reads the
	// key from (Anthropic default: ANTHROPIC_API_KEY). When it is set and
	// the variable is empty the constructor fails, naming the variable.
	APIKeyEnv string
	// Getenv reads the environment (default os.Getenv).
	Getenv func(string) string
	// HTTPClient sends the requests (default: a client on
	// http.DefaultTransport with no overall timeout; Timeout bounds the
	// waits instead).
	HTTPClient *http.Client
	// MaxContextTokens is the model's context window. Required for
	// OpenAI-compatible servers; Ollama defaults to 8192 (and sends it as
	// num_ctx); Anthropic defaults to 200000.
	MaxContextTokens int
	// Timeout bounds every wait within one attempt: for the response
	// headers, then for each further event of a stream (or for the whole
	// of a JSON body), so a stalled server fails the call with ErrTimeout
	// (not retried) while a long but steady stream does not. Time spent in
	// the caller's emit does not count. Default 60s (Ollama 120s, as
	// loading a model delays the first byte); negative: no limit.
	Timeout time.Duration
	// MaxRetries bounds the retries of one call after a 429, a 5xx, a
	// connection error or an overload reported in the stream, all only
	// while nothing has been streamed to the caller. Default 3; negative:
	// none.
	MaxRetries int
	// Backoff is the wait before retry number attempt (1-based) when the
	// server gave no Retry-After. Default: 500ms·2^(attempt-1), at most
	// 20s, the upper half of it jittered.
	Backoff func(attempt int) time.Duration
	// Sleep waits d or until ctx is done, returning ctx.Err() then
	// (default: a timer). Tests replace it to observe the waits.
	Sleep func(ctx context.Context, d time.Duration) error
	// Logger receives a debug line per attempt and a warning per retry
	// (default: discarded). Keys never reach it.
	Logger *slog.Logger
}

// remoteRedacted stands in for a secret in logs and errors.
const remoteRedacted = "[REDACTED]"

// LogValue implements slog.LogValuer: the key is redacted, and so is any
// password in BaseURL.
func (o RemoteOptions) LogValue() slog.Value { return slog.GroupValue(o.logAttrs()...) }

func (o RemoteOptions) logAttrs() []slog.Attr {
	base := "[invalid]"
	if u, err := url.Parse(o.BaseURL); err == nil {
		base = u.Redacted()
	}
	key := ""
	if o.APIKey != "" {
		key = remoteRedacted
	}
	return []slog.Attr{
		slog.String("base_url", base),
		slog.String("model", o.Model),
		slog.String("api_key", key),
		slog.String("api_key_env", o.APIKeyEnv),
		slog.Int("max_context_tokens", o.MaxContextTokens),
		slog.Duration("timeout", o.Timeout),
		slog.Int("max_retries", o.MaxRetries),
	}
}

// remoteDefaults are what a backend kind fills in or requires.
type remoteDefaults struct {
	kind       string        // "openai", "ollama", "anthropic"
	maxCtx     int           // 0: MaxContextTokens is required
	timeout    time.Duration // default Timeout
	keyEnv     string        // default APIKeyEnv
	keyNeeded  bool          // a key is required
	ttft       time.Duration // latency estimate before any observation
	tokensPerS float64
}

const (
	remoteDefaultTimeout = 60 * time.Second
	remoteDefaultRetries = 3
)

// newRemoteCore validates o and builds the shared part of a backend.
func newRemoteCore(o RemoteOptions, d remoteDefaults) (*remoteCore, error) {
	fail := func(format string, args ...any) error {
		return fmt.Errorf("inference: %s backend: "+format, append([]any{d.kind}, args...)...)
	}
	if o.BaseURL == "" {
		return nil, fail("BaseURL is required")
	}
	base, err := url.Parse(o.BaseURL)
	if err != nil || (base.Scheme != "http" && base.Scheme != "https") || base.Host == "" {
		return nil, fail("BaseURL %q is not an http(s) URL", remoteRedactURL(o.BaseURL))
	}
	base.Path = strings.TrimSuffix(strings.TrimSuffix(base.Path, "/"), "/v1")
	base.RawPath, base.RawQuery, base.Fragment = "", "", ""
	if o.Model == "" {
		return nil, fail("Model is required")
	}
	if o.MaxContextTokens < 0 || (o.MaxContextTokens == 0 && d.maxCtx == 0) {
		return nil, fail("MaxContextTokens must be set to the model's context window (got %d)", o.MaxContextTokens)
	}
	key, err := remoteKey(o, d)
	if err != nil {
		return nil, fail("%v", err)
	}
	c := &remoteCore{
		kind:    d.kind,
		id:      d.kind + ":" + o.Model,
		model:   o.Model,
		base:    base,
		client:  o.HTTPClient,
		key:     key,
		headers: http.Header{},
		maxCtx:  cmp.Or(o.MaxContextTokens, d.maxCtx),
		timeout: cmp.Or(o.Timeout, d.timeout, remoteDefaultTimeout),
		retries: cmp.Or(o.MaxRetries, remoteDefaultRetries),
		backoff: o.Backoff,
		sleep:   o.Sleep,
		log:     o.Logger,
		lat:     remoteLatency{ttft: d.ttft, tps: d.tokensPerS},
	}
	c.loopback = remoteIsLoopback(base.Hostname())
	if c.client == nil {
		c.client = &http.Client{}
	}
	if c.timeout < 0 {
		c.timeout = 0
	}
	if c.retries < 0 {
		c.retries = 0
	}
	if c.backoff == nil {
		c.backoff = remoteBackoff
	}
	if c.sleep == nil {
		c.sleep = remoteSleep
	}
	if c.log == nil {
		c.log = slog.New(slog.DiscardHandler)
	}
	return c, nil
}

// remoteKey resolves the API key: APIKey, else the variable APIKeyEnv (or
// the backend's default variable) names.
func remoteKey(o RemoteOptions, d remoteDefaults) (string, error) {
	if o.APIKey != "" {
		return o.APIKey, nil
	}
	env := cmp.Or(o.APIKeyEnv, d.keyEnv)
	if env == "" {
		return "", nil // keyless server, e.g. a local llama.cpp
	}
	getenv := o.Getenv
	if getenv == nil {
		getenv = os.Getenv
	}
	key := strings.TrimSpace(getenv(env))
	if key == "" && (o.APIKeyEnv != "" || d.keyNeeded) {
		return "", fmt.Errorf("the API key variable %s is unset or empty", env)
	}
	return key, nil
}

func remoteRedactURL(s string) string {
	if u, err := url.Parse(s); err == nil {
		return u.Redacted()
	}
	return "[invalid URL]"
}

func remoteIsLoopback(h string) bool {
	if h == "localhost" || strings.HasSuffix(h, ".localhost") {
		return true
	}
	ip := net.ParseIP(h)
	return ip != nil && ip.IsLoopback()
}

// remoteBackoff is the default Backoff.
func remoteBackoff(attempt int) time.Duration {
	d := 500 * time.Millisecond << min(max(attempt-1, 0), 6)
	d = min(d, 20*time.Second)
	return d/2 + rand.N(d/2+1)
}

// remoteSleep is the default Sleep.
func remoteSleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

// errRemoteStalled is the cause with which an attempt is cancelled when the
// server keeps it waiting longer than Timeout.
var errRemoteStalled = errors.New("server stalled")
