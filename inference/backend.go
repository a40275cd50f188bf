package inference

import (
	"context"
	"errors"
	"time"
)

// Backend is a source of completions and embeddings.
type Backend interface {
	// Generate streams the completion of req: emit receives each piece of
	// text as it is produced (returning an error from emit stops the
	// generation and Generate returns that error). Generate honours ctx
	// cancellation, req.Stop, req.MaxTokens and req.Sampling.
	Generate(ctx context.Context, req *Request, emit func(Chunk) error) (*Result, error)
	// Embed returns one vector per text.
	Embed(ctx context.Context, texts []string) ([][]float32, error)
	// MaxContextTokens is the context window of the backend's model.
	MaxContextTokens() int
	// EstimatedLatency estimates how long req would take.
	EstimatedLatency(req *Request) time.Duration
	// IsAvailable reports, without blocking, whether the backend can take
	// requests now (configured, not known to be down).
	IsAvailable() bool
	// BackendID names the backend instance, e.g. "local:stories260k" or
	// "openai:gpt-4o-mini".
	BackendID() string
	// HealthCheck probes the backend.
	HealthCheck(ctx context.Context) error
}

// Role of a chat message.
type Role string

// Chat roles.
const (
	RoleSystem    Role = "system"
	RoleUser      Role = "user"
	RoleAssistant Role = "assistant"
)

// Message is one chat message.
type Message struct {
	Role    Role   `json:"role"`
	Content string `json:"content"`
}

// Sampling selects how the next token is chosen. The zero value is greedy
// decoding.
type Sampling struct {
	Temperature float32 `json:"temperature,omitempty"` // 0: greedy
	TopK        int     `json:"topK,omitempty"`
	TopP        float32 `json:"topP,omitempty"`
	MinP        float32 `json:"minP,omitempty"`
	Seed        *uint32 `json:"seed,omitempty"` // nil: random
}

// Greedy reports whether s picks the most likely token every time.
func (s Sampling) Greedy() bool { return s.Temperature <= 0 }

// Request is one generation request. Exactly one of Messages (chat, formatted
// with the model's own template) and Prompt (raw completion) is set.
type Request struct {
	Messages  []Message `json:"messages,omitempty"`
	Prompt    string    `json:"prompt,omitempty"`
	MaxTokens int       `json:"maxTokens,omitempty"` // 0: the backend's default
	Stop      []string  `json:"stop,omitempty"`
	Sampling  Sampling  `json:"sampling"`
	// Session groups requests that share a prompt prefix, so that a
	// backend may reuse its cached state for the prefix.
	Session string `json:"session,omitempty"`
	// Private requests never leave the machine (local backends only).
	Private bool `json:"private,omitempty"`
	// TokenBudget bounds prompt plus completion tokens for the cost policy
	// (0: no budget).
	TokenBudget int `json:"tokenBudget,omitempty"`
	// Grammar is a GBNF grammar (llama.cpp's format, start rule "root")
	// for the answer. The local backend samples only what it allows; the
	// remote APIs have no such parameter and answer unconstrained.
	// Result.Constrained says which happened.
	Grammar string `json:"grammar,omitempty"`
}

// Chunk is a piece of a streamed completion.
type Chunk struct {
	Text string
}

// Finish reasons.
const (
	FinishStop   = "stop"   // end of sequence or a stop sequence
	FinishLength = "length" // MaxTokens reached
)

// Result describes a finished generation.
type Result struct {
	Text         string        `json:"text"`
	FinishReason string        `json:"finishReason"`
	PromptTokens int           `json:"promptTokens"`
	OutputTokens int           `json:"outputTokens"`
	CachedTokens int           `json:"cachedTokens,omitempty"` // prompt tokens served from a reused prefix
	PromptTime   time.Duration `json:"promptTimeNs"`           // time to first token
	GenTime      time.Duration `json:"genTimeNs"`              // time from first to last token
	Backend      string        `json:"backend"`
	// Constrained reports that the answer was sampled under the request's
	// Grammar.
	Constrained bool `json:"constrained,omitempty"`
}

// PromptTokensPerSecond returns the prompt processing speed.
func (r *Result) PromptTokensPerSecond() float64 {
	if r.PromptTime <= 0 {
		return 0
	}
	return float64(r.PromptTokens-r.CachedTokens) / r.PromptTime.Seconds()
}

// OutputTokensPerSecond returns the generation speed.
func (r *Result) OutputTokensPerSecond() float64 {
	if r.GenTime <= 0 || r.OutputTokens <= 1 {
		return 0
	}
	return float64(r.OutputTokens-1) / r.GenTime.Seconds()
}

// Errors every backend reports (wrapped, so that errors.Is works). The
// router falls back on ErrTransport, ErrTimeout, ErrContextOverflow and
// ErrModelUnavailable.
var (
	ErrTransport        = errors.New("backend unreachable")
	ErrTimeout          = errors.New("backend timed out")
	ErrContextOverflow  = errors.New("prompt does not fit the context window")
	ErrModelUnavailable = errors.New("model unavailable")
	ErrBusy             = errors.New("backend busy")
	ErrBadRequest       = errors.New("bad request")
	ErrMalformed        = errors.New("malformed response from backend")
	ErrUnauthorized     = errors.New("backend refused the credentials")
	ErrNotSupported     = errors.New("not supported by this backend")
)
