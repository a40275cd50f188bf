package inference

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"sync/atomic"
	"time"
)

// remoteCore is what the remote backends share: the HTTP client, retries,
// timeouts, error classification, stop sequences, availability and the
// latency estimate. Its fields are set by newRemoteCore and the backend's
// constructor, then only read, except down and lat, which guard themselves.
type remoteCore struct {
	kind     string
	id       string
	model    string
	base     *url.URL
	client   *http.Client
	key      string
	headers  http.Header // sent with every request: auth, API version
	maxCtx   int
	timeout  time.Duration // 0: none
	retries  int
	backoff  func(int) time.Duration
	sleep    func(context.Context, time.Duration) error
	log      *slog.Logger
	loopback bool // the server is on this machine

	down atomic.Bool // the last call failed with a transport error
	lat  remoteLatency
}

// BackendID implements Backend: "<kind>:<model>".
func (c *remoteCore) BackendID() string { return c.id }

// MaxContextTokens implements Backend: the configured context window.
func (c *remoteCore) MaxContextTokens() int { return c.maxCtx }

// IsAvailable implements Backend: false after a call or health check failed
// with ErrTransport, until one succeeds.
func (c *remoteCore) IsAvailable() bool { return !c.down.Load() }

// EstimatedLatency implements Backend from the moving averages of the time
// to first token and the output tokens per second this backend showed
// (seeded with the backend's documented defaults), for req.MaxTokens
// tokens or 256 when unset.
func (c *remoteCore) EstimatedLatency(req *Request) time.Duration {
	n := 256
	if req != nil && req.MaxTokens > 0 {
		n = req.MaxTokens
	}
	return c.lat.estimate(n)
}

// LogValue implements slog.LogValuer; the key is redacted.
func (c *remoteCore) LogValue() slog.Value {
	key := ""
	if c.key != "" {
		key = remoteRedacted
	}
	return slog.GroupValue(
		slog.String("backend", c.id),
		slog.String("base_url", c.base.Redacted()),
		slog.String("api_key", key),
	)
}

// redact replaces every occurrence of the key in s.
func (c *remoteCore) redact(s string) string {
	if c.key == "" {
		return s
	}
	return strings.ReplaceAll(s, c.key, remoteRedacted)
}

// remoteFailure is what the backends return: the backend's ID and the
// redacted message, wrapping the classified error.
type remoteFailure struct {
	msg string
	err error
}

func (e *remoteFailure) Error() string { return e.msg }
func (e *remoteFailure) Unwrap() error { return e.err }

// fail records err against availability and wraps it for the caller.
func (c *remoteCore) fail(err error) error {
	if errors.Is(err, ErrTransport) {
		c.down.Store(true)
	}
	return &remoteFailure{msg: c.id + ": " + c.redact(err.Error()), err: err}
}

// messages turns req into chat messages, a raw Prompt becoming one user
// message, and refuses what a remote backend must not take.
func (c *remoteCore) messages(req *Request) ([]Message, error) {
	bad := func(why string) error { return fmt.Errorf("%s: %w: %s", c.id, ErrBadRequest, why) }
	switch {
	case req == nil:
		return nil, bad("nil request")
	case req.Private && !c.loopback:
		return nil, fmt.Errorf("%s: %w: a private request may not leave the machine", c.id, ErrNotSupported)
	case req.MaxTokens < 0:
		return nil, bad("negative MaxTokens")
	case req.Prompt != "" && len(req.Messages) > 0:
		return nil, bad("both Prompt and Messages are set")
	case req.Prompt != "":
		return []Message{{Role: RoleUser, Content: req.Prompt}}, nil
	case len(req.Messages) == 0:
		return nil, bad("neither Prompt nor Messages is set")
	}
	return req.Messages, nil
}

// remoteAttempt is one HTTP exchange: its context is cancelled with
// errRemoteStalled when a wait exceeds the timeout.
type remoteAttempt struct {
	ctx    context.Context
	cancel context.CancelCauseFunc
	timer  *time.Timer
	d      time.Duration
}

func (c *remoteCore) begin(ctx context.Context) *remoteAttempt {
	a := &remoteAttempt{d: c.timeout}
	a.ctx, a.cancel = context.WithCancelCause(ctx)
	if a.d > 0 {
		a.timer = time.AfterFunc(a.d, func() { a.cancel(errRemoteStalled) })
	}
	return a
}

// arm starts a wait; disarm ends it (time the caller spends in emit is not
// the server's).
func (a *remoteAttempt) arm() {
	if a.timer != nil {
		a.timer.Reset(a.d)
	}
}

func (a *remoteAttempt) disarm() {
	if a.timer != nil {
		a.timer.Stop()
	}
}

func (a *remoteAttempt) end() {
	a.disarm()
	a.cancel(nil)
}

// send makes the request of one attempt. The timer is running.
func (c *remoteCore) send(a *remoteAttempt, method, path string, body []byte, accept string) (*http.Response, error) {
	var rd io.Reader
	if body != nil {
		rd = bytes.NewReader(body)
	}
	req, err := http.NewRequestWithContext(a.ctx, method, c.base.JoinPath(path).String(), rd)
	if err != nil {
		return nil, err
	}
	req.Header = c.headers.Clone()
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	req.Header.Set("Accept", accept)
	return c.client.Do(req)
}

// attemptErr classifies the failure of a send or a read within attempt a
// of a call under ctx.
func (c *remoteCore) attemptErr(ctx context.Context, a *remoteAttempt, err error) error {
	if ctx.Err() != nil {
		return remoteCtxErr(ctx)
	}
	if context.Cause(a.ctx) == errRemoteStalled {
		return &remoteErr{kinds: []error{ErrTimeout}, detail: fmt.Sprintf("no response for %v", c.timeout), retryAfter: -1}
	}
	var re *remoteErr
	if errors.As(err, &re) {
		re.detail = c.redact(re.detail)
		return re
	}
	var te interface{ Timeout() bool }
	if errors.As(err, &te) && te.Timeout() {
		return &remoteErr{kinds: []error{ErrTimeout}, detail: err.Error(), retryAfter: -1}
	}
	return &remoteErr{kinds: []error{ErrTransport}, detail: err.Error(), retryable: true, retryAfter: -1}
}

// remoteCtxErr is the error of a call whose context is done.
func remoteCtxErr(ctx context.Context) error {
	if errors.Is(ctx.Err(), context.DeadlineExceeded) {
		return fmt.Errorf("%w: %w", ErrTimeout, ctx.Err())
	}
	return ctx.Err()
}

// httpErr classifies a non-2xx response.
func (c *remoteCore) httpErr(resp *http.Response, body []byte) error {
	info := parseRemoteAPIError(body)
	kinds, retryable := classifyRemote(resp.StatusCode, info)
	if len(kinds) == 0 { // a status no API documents, such as a redirect not followed
		kinds = []error{ErrMalformed}
	}
	return &remoteErr{
		kinds:      kinds,
		status:     resp.StatusCode,
		detail:     c.redact(info.String()),
		retryable:  retryable,
		retryAfter: remoteRetryAfter(resp.Header.Get("Retry-After"), time.Now()),
	}
}

// remoteMaxRetryAfter is the longest Retry-After honoured; a server asking
// for more fails the call at once (ErrBusy), for the router to fall back.
const remoteMaxRetryAfter = time.Minute

// retry runs try until it succeeds, fails for good, or has been retried
// c.retries times. try reports whether the caller has already been sent
// text, which rules out a retry.
func (c *remoteCore) retry(ctx context.Context, op string, try func(attempt int) (started bool, err error)) error {
	for attempt := 1; ; attempt++ {
		c.log.Debug("remote request", "backend", c.id, "op", op, "attempt", attempt)
		started, err := try(attempt)
		if err == nil {
			return nil
		}
		var re *remoteErr
		if started || !errors.As(err, &re) || !re.retryable {
			return err
		}
		if attempt > c.retries {
			if attempt > 1 {
				return fmt.Errorf("gave up after %d attempts: %w", attempt, err)
			}
			return err
		}
		wait := re.retryAfter
		if wait < 0 {
			wait = c.backoff(attempt)
		}
		if wait > remoteMaxRetryAfter {
			return fmt.Errorf("server asked to retry after %v: %w", wait, err)
		}
		c.log.Warn("remote request failed; retrying", "backend", c.id, "op", op,
			"attempt", attempt, "wait", wait, "err", c.redact(err.Error()))
		if err := c.sleep(ctx, wait); err != nil {
			return remoteCtxErr(ctx)
		}
	}
}

// callJSON sends in (nil: no body) and decodes the 2xx response into out
// (nil: ignore it), retrying when retries is set.
func (c *remoteCore) callJSON(ctx context.Context, method, path string, in, out any, retries bool) error {
	var body []byte
	if in != nil {
		var err error
		if body, err = json.Marshal(in); err != nil {
			return fmt.Errorf("%s: %w: %v", c.id, ErrBadRequest, err)
		}
	}
	try := func(int) (bool, error) { return false, c.jsonOnce(ctx, method, path, body, out) }
	var err error
	if retries {
		err = c.retry(ctx, method+" "+path, try)
	} else {
		_, err = try(1)
	}
	if err != nil {
		return c.fail(err)
	}
	c.down.Store(false)
	return nil
}

// remoteMaxBody bounds a JSON response (a large batch of embeddings).
const remoteMaxBody = 256 << 20

func (c *remoteCore) jsonOnce(ctx context.Context, method, path string, body []byte, out any) error {
	a := c.begin(ctx)
	defer a.end()
	resp, err := c.send(a, method, path, body, "application/json")
	if err != nil {
		return c.attemptErr(ctx, a, err)
	}
	defer resp.Body.Close()
	a.arm() // the body gets a Timeout of its own
	data, err := io.ReadAll(io.LimitReader(resp.Body, remoteMaxBody))
	if err != nil {
		return c.attemptErr(ctx, a, err)
	}
	if resp.StatusCode/100 != 2 {
		return c.httpErr(resp, data)
	}
	if out != nil {
		if err := json.Unmarshal(data, out); err != nil {
			return remoteMalformed("undecodable response ("+err.Error()+")", string(data))
		}
	}
	return nil
}
