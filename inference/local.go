package inference

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/aios-dev/aios/metal"
)

// LocalOptions configure the in-process llama.cpp backend.
type LocalOptions struct {
	// Name distinguishes this backend in its ID ("local:<name>"); default:
	// the model file's base name without extension.
	Name  string
	Model metal.ModelOptions
}

// Local is the in-process llama.cpp core as a Backend.
type Local struct {
	model  *metal.Model
	id     string
	est    rateEstimate
	closed atomic.Bool
}

// OpenLocal validates and loads the model. The model's GGUF header is
// checked in Go before llama.cpp sees the file.
func OpenLocal(opts LocalOptions) (*Local, error) {
	m, err := metal.Open(opts.Model)
	if err != nil {
		return nil, localErr(err)
	}
	name := opts.Name
	if name == "" {
		name = strings.TrimSuffix(filepath.Base(opts.Model.Path), filepath.Ext(opts.Model.Path))
	}
	return &Local{model: m, id: "local:" + name, est: rateEstimate{ttft: 50 * time.Millisecond, perToken: 20 * time.Millisecond}}, nil
}

// Model returns the underlying model.
func (l *Local) Model() *metal.Model { return l.model }

// Close unloads the model.
func (l *Local) Close() error {
	l.closed.Store(true)
	return l.model.Close()
}

// localErr maps metal's errors onto the backend sentinels, keeping both.
func localErr(err error) error {
	for _, m := range []struct{ from, to error }{
		{metal.ErrContextOverflow, ErrContextOverflow},
		{metal.ErrBusy, ErrBusy},
		{metal.ErrClosed, ErrModelUnavailable},
		{metal.ErrNoLibrary, ErrModelUnavailable},
		{metal.ErrInvalidModel, ErrModelUnavailable},
		{metal.ErrNotSupported, ErrNotSupported},
		{metal.ErrBadRequest, ErrBadRequest},
	} {
		if errors.Is(err, m.from) {
			return fmt.Errorf("%w: %w", m.to, err)
		}
	}
	return err
}

// Generate implements Backend.
func (l *Local) Generate(ctx context.Context, req *Request, emit func(Chunk) error) (*Result, error) {
	mreq := metal.GenerateRequest{
		Prompt: req.Prompt, MaxTokens: req.MaxTokens, Stop: req.Stop, Session: req.Session,
		Sampling: metal.Sampling{Temperature: req.Sampling.Temperature, TopK: req.Sampling.TopK,
			TopP: req.Sampling.TopP, MinP: req.Sampling.MinP, Seed: req.Sampling.Seed, Grammar: req.Grammar},
	}
	for _, m := range req.Messages {
		mreq.Messages = append(mreq.Messages, metal.ChatMessage{Role: string(m.Role), Content: m.Content})
	}
	var emitErr error
	res, err := l.model.Generate(ctx, mreq, func(text string) error {
		emitErr = emit(Chunk{Text: text})
		return emitErr
	})
	if err != nil {
		if emitErr != nil && errors.Is(err, emitErr) {
			return nil, err
		}
		return nil, localErr(err)
	}
	out := &Result{
		Text: res.Text, FinishReason: res.FinishReason, PromptTokens: res.PromptTokens, OutputTokens: res.OutputTokens,
		CachedTokens: res.CachedTokens, PromptTime: res.PromptTime, GenTime: res.GenTime, Backend: l.id,
		Constrained: req.Grammar != "",
	}
	l.est.observe(out)
	return out, nil
}

// Embed implements Backend.
func (l *Local) Embed(ctx context.Context, texts []string) ([][]float32, error) {
	if len(texts) == 0 {
		return [][]float32{}, nil
	}
	v, err := l.model.Embed(ctx, texts)
	if err != nil {
		return nil, localErr(err)
	}
	return v, nil
}

// MaxContextTokens implements Backend.
func (l *Local) MaxContextTokens() int { return l.model.ContextSize() }

// EstimatedLatency implements Backend, from the speeds observed so far.
func (l *Local) EstimatedLatency(req *Request) time.Duration {
	return l.est.estimate(promptTokens(req), wantTokens(req))
}

// IsAvailable implements Backend.
func (l *Local) IsAvailable() bool { return !l.closed.Load() }

// BackendID implements Backend.
func (l *Local) BackendID() string { return l.id }

// HealthCheck implements Backend: the model is open and tokenizes.
func (l *Local) HealthCheck(ctx context.Context) error {
	if _, err := l.model.Tokenize("ok", false, false); err != nil {
		return localErr(err)
	}
	return nil
}

// rateEstimate tracks time to first token and time per output token as
// moving averages.
type rateEstimate struct {
	mu       sync.Mutex // guards the fields below
	ttft     time.Duration
	perToken time.Duration
	perInTok time.Duration
}

func (r *rateEstimate) observe(res *Result) {
	r.mu.Lock()
	defer r.mu.Unlock()
	const w = 0.3
	if res.PromptTime > 0 {
		r.ttft = time.Duration((1-w)*float64(r.ttft) + w*float64(res.PromptTime))
		if n := res.PromptTokens - res.CachedTokens; n > 0 {
			r.perInTok = time.Duration((1-w)*float64(r.perInTok) + w*float64(res.PromptTime)/float64(n))
		}
	}
	if res.OutputTokens > 1 && res.GenTime > 0 {
		r.perToken = time.Duration((1-w)*float64(r.perToken) + w*float64(res.GenTime)/float64(res.OutputTokens-1))
	}
}

func (r *rateEstimate) estimate(in, out int) time.Duration {
	r.mu.Lock()
	defer r.mu.Unlock()
	d := r.ttft + time.Duration(out)*r.perToken
	if r.perInTok > 0 {
		d = time.Duration(in)*r.perInTok + time.Duration(out)*r.perToken
	}
	return max(d, time.Millisecond)
}
