package inference

import (
	"cmp"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"
)

// remoteStream decodes the body of one streaming response.
type remoteStream interface {
	// next returns the next event; an error wrapping ErrMalformed when the
	// stream is not what the protocol says, including when it ends
	// before its terminator.
	next() (remoteEvent, error)
}

// remoteEvent is what one stream event tells. Zero fields tell nothing.
type remoteEvent struct {
	text   string
	done   bool   // the stream's terminator
	finish string // FinishStop or FinishLength
	// Usage as the server reports it.
	promptTokens, outputTokens int
	cachedTokens               int // prompt tokens read from the server's cache
	// Generation timing as the server measured it (Ollama).
	evalTokens int
	evalTime   time.Duration
}

// remoteCall is one streaming generation request.
type remoteCall struct {
	path   string
	body   any
	accept string // the stream's media type
	open   func(io.Reader) remoteStream
}

// generate runs call for req, streaming its text to emit.
func (c *remoteCore) generate(ctx context.Context, req *Request, call remoteCall, emit func(Chunk) error) (*Result, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	body, err := json.Marshal(call.body)
	if err != nil {
		return nil, fmt.Errorf("%s: %w: %v", c.id, ErrBadRequest, err)
	}
	var (
		res     *Result
		emitErr error
	)
	err = c.retry(ctx, "generate", func(int) (bool, error) {
		r, started, err := c.streamOnce(ctx, req, call, body, emit)
		if ee, ok := err.(remoteEmitErr); ok {
			emitErr = ee.err
		}
		res = r
		return started, err
	})
	if emitErr != nil {
		return nil, emitErr // the caller's own error, as it gave it
	}
	if err != nil {
		return nil, c.fail(err)
	}
	c.down.Store(false)
	return res, nil
}

// remoteEmitErr carries the error emit returned out of streamOnce.
type remoteEmitErr struct{ err error }

func (e remoteEmitErr) Error() string { return e.err.Error() }

// streamOnce is one attempt of generate. started reports whether emit was
// called.
func (c *remoteCore) streamOnce(ctx context.Context, req *Request, call remoteCall, body []byte, emit func(Chunk) error) (res *Result, started bool, err error) {
	a := c.begin(ctx)
	defer a.end() // also abandons the rest of a stream cut short
	t0 := time.Now()
	resp, err := c.send(a, http.MethodPost, call.path, body, call.accept)
	if err != nil {
		return nil, false, c.attemptErr(ctx, a, err)
	}
	defer resp.Body.Close()
	if resp.StatusCode/100 != 2 {
		data, rerr := io.ReadAll(io.LimitReader(resp.Body, 64<<10))
		if rerr != nil && len(data) == 0 {
			return nil, false, c.attemptErr(ctx, a, rerr)
		}
		return nil, false, c.httpErr(resp, data)
	}
	var (
		dec    = call.open(resp.Body)
		stop   = newRemoteStopFilter(req.Stop)
		text   strings.Builder
		finish string
		usage  remoteEvent
		first  time.Time
		last   time.Time
	)
	send := func(s string) error {
		if s == "" {
			return nil
		}
		started = true
		text.WriteString(s)
		if err := emit(Chunk{Text: s}); err != nil {
			return remoteEmitErr{err}
		}
		if ctx.Err() != nil {
			return remoteCtxErr(ctx)
		}
		return nil
	}
	for {
		a.arm()
		ev, err := dec.next()
		a.disarm()
		if err != nil {
			return nil, started, c.attemptErr(ctx, a, err)
		}
		last = time.Now()
		usage.merge(ev)
		finish = cmp.Or(ev.finish, finish)
		if ev.text != "" {
			if first.IsZero() {
				first = last
			}
			out, stopped := stop.push(ev.text)
			if err := send(out); err != nil {
				return nil, started, err
			}
			if stopped {
				finish = FinishStop
				break
			}
		}
		if ev.done {
			if err := send(stop.flush()); err != nil {
				return nil, started, err
			}
			break
		}
	}
	if first.IsZero() {
		first = last
	}
	res = c.result(req, text.String(), cmp.Or(finish, FinishStop), usage, first.Sub(t0), last.Sub(first))
	return res, started, nil
}

// merge keeps the latest usage and timing the server reported.
func (u *remoteEvent) merge(ev remoteEvent) {
	if ev.promptTokens > 0 {
		u.promptTokens = ev.promptTokens
	}
	if ev.outputTokens > 0 {
		u.outputTokens = ev.outputTokens
	}
	if ev.cachedTokens > 0 {
		u.cachedTokens = ev.cachedTokens
	}
	if ev.evalTokens > 0 {
		u.evalTokens, u.evalTime = ev.evalTokens, ev.evalTime
	}
}

// result assembles the Result and feeds the latency estimate. Token counts
// the server did not report (or could not, as the stream was cut at a stop
// sequence) are estimated at four bytes a token (EstimateTokens).
func (c *remoteCore) result(req *Request, text, finish string, u remoteEvent, promptTime, genTime time.Duration) *Result {
	res := &Result{
		Text:         text,
		FinishReason: finish,
		PromptTokens: u.promptTokens,
		OutputTokens: u.outputTokens,
		CachedTokens: min(u.cachedTokens, u.promptTokens),
		PromptTime:   promptTime,
		GenTime:      genTime,
		Backend:      c.id,
	}
	if res.PromptTokens <= 0 {
		res.PromptTokens = max(1, EstimateTokens(req.Prompt))
		for _, m := range req.Messages {
			res.PromptTokens += EstimateTokens(m.Content)
		}
	}
	if res.OutputTokens <= 0 && text != "" {
		res.OutputTokens = max(1, EstimateTokens(text))
		if req.MaxTokens > 0 {
			res.OutputTokens = min(res.OutputTokens, req.MaxTokens)
		}
	}
	tokens, gen := res.OutputTokens, genTime
	if u.evalTokens > 1 && u.evalTime > 0 {
		tokens, gen = u.evalTokens, u.evalTime
	}
	c.lat.observe(promptTime, tokens, gen)
	return res
}

// remoteStopFilter enforces stop sequences on the client side, since
// servers may overshoot them: it holds back text that may be the start of
// a stop sequence until the next piece settles it.
type remoteStopFilter struct {
	stops []string
	held  string
}

func newRemoteStopFilter(stops []string) *remoteStopFilter {
	f := &remoteStopFilter{}
	for _, s := range stops {
		if s != "" {
			f.stops = append(f.stops, s)
		}
	}
	return f
}

// push adds s and returns the text that may be emitted. stopped reports
// that a stop sequence was found: out is then everything before it and
// nothing may follow.
func (f *remoteStopFilter) push(s string) (out string, stopped bool) {
	buf := f.held + s
	cut := -1
	for _, st := range f.stops {
		if i := strings.Index(buf, st); i >= 0 && (cut < 0 || i < cut) {
			cut = i
		}
	}
	if cut >= 0 {
		f.held = ""
		return buf[:cut], true
	}
	keep := 0 // longest suffix of buf that begins a stop sequence
	for _, st := range f.stops {
		for k := min(len(st)-1, len(buf)); k > keep; k-- {
			if strings.HasSuffix(buf, st[:k]) {
				keep = k
				break
			}
		}
	}
	f.held = buf[len(buf)-keep:]
	return buf[:len(buf)-keep], false
}

// flush returns the text held back at the end of the stream.
func (f *remoteStopFilter) flush() string {
	s := f.held
	f.held = ""
	return s
}
