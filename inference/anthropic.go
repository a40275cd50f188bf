package inference

import (
	"cmp"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"time"
)

// AnthropicOptions configure a backend on Anthropic's Messages API.
type AnthropicOptions struct {
	RemoteOptions
	// DefaultMaxTokens is max_tokens for requests that set no MaxTokens,
	// since the API requires one (default 4096).
	DefaultMaxTokens int
	// APIVersion is the anthropic-version header (default "2023-06-01").
	APIVersion string
}

// LogValue implements slog.LogValuer; the key is redacted.
func (o AnthropicOptions) LogValue() slog.Value {
	return slog.GroupValue(append(o.logAttrs(),
		slog.Int("default_max_tokens", o.DefaultMaxTokens),
		slog.String("api_version", o.APIVersion))...)
}

// Anthropic is a Backend on Anthropic's Messages API. It streams
// POST /v1/messages (server-sent events message_start, content_block_*,
// message_delta, message_stop, ping, error) with the key in x-api-key,
// and checks health with GET /v1/models/{model}. System messages go to the
// top-level system field, joined by blank lines. Sampling sends top_k, and
// temperature (clamped to the API's [0, 1]; 0 for greedy requests) or,
// for a sampling request that sets TopP, top_p instead: recent models
// refuse both. Seed and min_p have no equivalent. Stop sequences that are only white space,
// which the API refuses, are enforced on the client only. Embed fails
// with ErrNotSupported: Anthropic has no embeddings API.
//
// Errors: 400 "prompt is too long" and 413 are ErrContextOverflow; 401 and
// 403 ErrUnauthorized; 404 ErrModelUnavailable; 429, 503, 529 and an
// overloaded_error event before any text ErrBusy (retried).
//
// Latency estimates start at 1s to the first token and 50 tokens/s.
type Anthropic struct {
	*remoteCore
	defaultMax int
}

var _ Backend = (*Anthropic)(nil)

// NewAnthropic validates o and returns the backend. A key is required:
// APIKey, or the variable APIKeyEnv names (default ANTHROPIC_API_KEY).
// MaxContextTokens defaults to 200000.
func NewAnthropic(o AnthropicOptions) (*Anthropic, error) {
	if o.DefaultMaxTokens < 0 {
		return nil, fmt.Errorf("inference: anthropic backend: negative DefaultMaxTokens %d", o.DefaultMaxTokens)
	}
	c, err := newRemoteCore(o.RemoteOptions, remoteDefaults{
		kind: "anthropic", maxCtx: 200000, keyEnv: "ANTHROPIC_API_KEY", keyNeeded: true,
		ttft: time.Second, tokensPerS: 50,
	})
	if err != nil {
		return nil, err
	}
	c.headers.Set("X-Api-Key", c.key)
	c.headers.Set("Anthropic-Version", cmp.Or(o.APIVersion, "2023-06-01"))
	return &Anthropic{remoteCore: c, defaultMax: cmp.Or(o.DefaultMaxTokens, 4096)}, nil
}

type anthropicRequest struct {
	Model         string    `json:"model"`
	System        string    `json:"system,omitempty"`
	Messages      []Message `json:"messages"`
	MaxTokens     int       `json:"max_tokens"`
	Stream        bool      `json:"stream"`
	Temperature   *float32  `json:"temperature,omitempty"`
	TopK          int       `json:"top_k,omitempty"`
	TopP          float32   `json:"top_p,omitempty"`
	StopSequences []string  `json:"stop_sequences,omitempty"`
}

// Generate implements Backend.
func (b *Anthropic) Generate(ctx context.Context, req *Request, emit func(Chunk) error) (*Result, error) {
	msgs, err := b.messages(req)
	if err != nil {
		return nil, err
	}
	s := req.Sampling
	body := anthropicRequest{
		Model:     b.model,
		MaxTokens: cmp.Or(req.MaxTokens, b.defaultMax),
		Stream:    true,
		TopK:      s.TopK,
	}
	// Recent models take temperature or top_p, not both.
	if t := min(max(s.Temperature, 0), 1); s.Greedy() || s.TopP <= 0 || s.TopP >= 1 {
		body.Temperature = &t
	} else {
		body.TopP = s.TopP
	}
	var system []string
	for _, m := range msgs {
		if m.Role == RoleSystem {
			system = append(system, m.Content)
		} else {
			body.Messages = append(body.Messages, m)
		}
	}
	body.System = strings.Join(system, "\n\n")
	if len(body.Messages) == 0 {
		return nil, fmt.Errorf("%s: %w: no user or assistant message", b.id, ErrBadRequest)
	}
	for _, st := range req.Stop {
		if strings.TrimSpace(st) != "" {
			body.StopSequences = append(body.StopSequences, st)
		}
	}
	return b.generate(ctx, req, remoteCall{
		path:   "v1/messages",
		body:   body,
		accept: "text/event-stream",
		open:   func(r io.Reader) remoteStream { return &anthropicStream{r: newSSEReader(r)} },
	}, emit)
}

// anthropicStream decodes the Messages API's events.
type anthropicStream struct {
	r *sseReader
}

type anthropicUsage struct {
	InputTokens              int `json:"input_tokens"`
	OutputTokens             int `json:"output_tokens"`
	CacheReadInputTokens     int `json:"cache_read_input_tokens"`
	CacheCreationInputTokens int `json:"cache_creation_input_tokens"`
}

type anthropicEvent struct {
	Type    string `json:"type"`
	Message struct {
		Usage anthropicUsage `json:"usage"`
	} `json:"message"`
	ContentBlock struct {
		Type string `json:"type"`
		Text string `json:"text"`
	} `json:"content_block"`
	Delta struct {
		Type       string `json:"type"`
		Text       string `json:"text"`
		StopReason string `json:"stop_reason"`
	} `json:"delta"`
	Usage *anthropicUsage `json:"usage"`
}

func (u anthropicUsage) event() remoteEvent {
	prompt := u.InputTokens + u.CacheReadInputTokens + u.CacheCreationInputTokens
	return remoteEvent{promptTokens: prompt, outputTokens: u.OutputTokens, cachedTokens: u.CacheReadInputTokens}
}

func (s *anthropicStream) next() (remoteEvent, error) {
	ev, err := s.r.next()
	switch {
	case err == io.EOF:
		return remoteEvent{}, remoteMalformed("stream ended before message_stop", "")
	case err != nil:
		return remoteEvent{}, err
	}
	var e anthropicEvent
	if err := json.Unmarshal([]byte(ev.data), &e); err != nil {
		return remoteEvent{}, remoteMalformed("undecodable stream event", ev.data)
	}
	switch cmp.Or(e.Type, ev.name) {
	case "error":
		return remoteEvent{}, remoteStreamError(ev.data)
	case "message_start":
		out := e.Message.Usage.event()
		out.outputTokens = 0 // a placeholder until message_delta
		return out, nil
	case "content_block_start":
		if e.ContentBlock.Type == "text" {
			return remoteEvent{text: e.ContentBlock.Text}, nil
		}
	case "content_block_delta":
		if e.Delta.Type == "text_delta" {
			return remoteEvent{text: e.Delta.Text}, nil
		}
	case "message_delta":
		var out remoteEvent
		if e.Usage != nil {
			out = e.Usage.event()
		}
		switch e.Delta.StopReason {
		case "":
		case "max_tokens", "model_context_window_exceeded":
			out.finish = FinishLength
		default: // end_turn, stop_sequence, tool_use, refusal, pause_turn
			out.finish = FinishStop
		}
		return out, nil
	case "message_stop":
		return remoteEvent{done: true}, nil
	}
	// ping, content_block_stop, thinking and tool deltas, and event types
	// added later (the API documents that new ones may appear).
	return remoteEvent{}, nil
}

// Embed implements Backend: Anthropic has no embeddings API.
func (b *Anthropic) Embed(ctx context.Context, texts []string) ([][]float32, error) {
	return nil, fmt.Errorf("%s: embeddings: %w", b.id, ErrNotSupported)
}

// HealthCheck implements Backend with GET /v1/models/{model}, which costs
// no tokens and proves the key and the model.
func (b *Anthropic) HealthCheck(ctx context.Context) error {
	return b.callJSON(ctx, http.MethodGet, "v1/models/"+url.PathEscape(b.model), nil, nil, false)
}
