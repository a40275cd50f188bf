package inference

import (
	"cmp"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"strings"
	"time"
)

// OpenAIOptions configure a backend for a server that speaks OpenAI's chat
// completions API: OpenAI itself, llama.cpp's server, vLLM, LM Studio.
type OpenAIOptions struct {
	RemoteOptions
	// ExtraSampling sends top_k and min_p, which llama.cpp's server and
	// vLLM accept and OpenAI's API rejects.
	ExtraSampling bool
	// MaxCompletionTokens sends the token limit as max_completion_tokens,
	// OpenAI's current name that its reasoning models require, instead of
	// max_tokens, which every compatible server accepts (the default).
	MaxCompletionTokens bool
	// EmbeddingModel is the model Embed asks for (default: Model).
	EmbeddingModel string
}

// LogValue implements slog.LogValuer; the key is redacted.
func (o OpenAIOptions) LogValue() slog.Value {
	return slog.GroupValue(append(o.logAttrs(),
		slog.Bool("extra_sampling", o.ExtraSampling),
		slog.Bool("max_completion_tokens", o.MaxCompletionTokens),
		slog.String("embedding_model", o.EmbeddingModel))...)
}

// OpenAI is a Backend on an OpenAI-compatible server. It streams
// POST /v1/chat/completions (server-sent events ending in "data: [DONE]",
// usage in the last event through stream_options.include_usage), embeds
// with POST /v1/embeddings and checks health with GET /v1/models. The key,
// when there is one, goes in "Authorization: Bearer". A raw Prompt is sent
// as one user message. At most four stop sequences go to the server (the
// API's limit); all of them are enforced on the client.
//
// Errors: context_length_exceeded (OpenAI), exceed_context_size_error
// (llama.cpp) and "maximum context length" (vLLM) are ErrContextOverflow;
// 404 and model_not_found ErrModelUnavailable; 401 and 403 ErrUnauthorized;
// 429 and 503 ErrBusy; other 5xx and connection failures ErrTransport.
//
// Latency estimates start at 600ms to the first token and 40 tokens/s.
type OpenAI struct {
	*remoteCore
	extra      bool
	mct        bool
	embedModel string
}

var _ Backend = (*OpenAI)(nil)

// NewOpenAI validates o and returns the backend. MaxContextTokens is
// required; a key is optional (local servers need none), but when
// APIKeyEnv names a variable it must be set.
func NewOpenAI(o OpenAIOptions) (*OpenAI, error) {
	c, err := newRemoteCore(o.RemoteOptions, remoteDefaults{
		kind: "openai", ttft: 600 * time.Millisecond, tokensPerS: 40,
	})
	if err != nil {
		return nil, err
	}
	if c.key != "" {
		c.headers.Set("Authorization", "Bearer "+c.key)
	}
	return &OpenAI{remoteCore: c, extra: o.ExtraSampling, mct: o.MaxCompletionTokens,
		embedModel: cmp.Or(o.EmbeddingModel, o.Model)}, nil
}

// openaiMaxStop is the number of stop sequences OpenAI's API takes.
const openaiMaxStop = 4

type openaiChatRequest struct {
	Model               string              `json:"model"`
	Messages            []Message           `json:"messages"`
	Stream              bool                `json:"stream"`
	StreamOptions       openaiStreamOptions `json:"stream_options"`
	Temperature         float32             `json:"temperature"`
	TopP                float32             `json:"top_p,omitempty"`
	TopK                int                 `json:"top_k,omitempty"`
	MinP                float32             `json:"min_p,omitempty"`
	Seed                *uint32             `json:"seed,omitempty"`
	MaxTokens           int                 `json:"max_tokens,omitempty"`
	MaxCompletionTokens int                 `json:"max_completion_tokens,omitempty"`
	Stop                []string            `json:"stop,omitempty"`
}

type openaiStreamOptions struct {
	IncludeUsage bool `json:"include_usage"`
}

// Generate implements Backend.
func (b *OpenAI) Generate(ctx context.Context, req *Request, emit func(Chunk) error) (*Result, error) {
	msgs, err := b.messages(req)
	if err != nil {
		return nil, err
	}
	s := req.Sampling
	body := openaiChatRequest{
		Model:         b.model,
		Messages:      msgs,
		Stream:        true,
		StreamOptions: openaiStreamOptions{IncludeUsage: true},
		Temperature:   max(s.Temperature, 0),
		TopP:          s.TopP,
		Seed:          s.Seed,
	}
	if b.extra {
		body.TopK, body.MinP = s.TopK, s.MinP
	}
	if b.mct {
		body.MaxCompletionTokens = req.MaxTokens
	} else {
		body.MaxTokens = req.MaxTokens
	}
	for _, st := range req.Stop {
		if st != "" && len(body.Stop) < openaiMaxStop {
			body.Stop = append(body.Stop, st)
		}
	}
	return b.generate(ctx, req, remoteCall{
		path:   "v1/chat/completions",
		body:   body,
		accept: "text/event-stream",
		open:   func(r io.Reader) remoteStream { return &openaiStream{r: newSSEReader(r)} },
	}, emit)
}

// openaiStream decodes chat.completion.chunk events.
type openaiStream struct {
	r *sseReader
}

type openaiChunk struct {
	Choices []struct {
		Delta struct {
			Content string `json:"content"`
		} `json:"delta"`
		FinishReason string `json:"finish_reason"`
	} `json:"choices"`
	Usage *struct {
		PromptTokens     int `json:"prompt_tokens"`
		CompletionTokens int `json:"completion_tokens"`
		Details          struct {
			CachedTokens int `json:"cached_tokens"`
		} `json:"prompt_tokens_details"`
	} `json:"usage"`
	Error json.RawMessage `json:"error"`
}

func (s *openaiStream) next() (remoteEvent, error) {
	ev, err := s.r.next()
	switch {
	case err == io.EOF:
		return remoteEvent{}, remoteMalformed("stream ended before data: [DONE]", "")
	case err != nil:
		return remoteEvent{}, err
	case ev.name == "error":
		return remoteEvent{}, remoteStreamError(ev.data)
	case strings.TrimSpace(ev.data) == "[DONE]":
		return remoteEvent{done: true}, nil
	}
	var ch openaiChunk
	if err := json.Unmarshal([]byte(ev.data), &ch); err != nil {
		return remoteEvent{}, remoteMalformed("undecodable stream event", ev.data)
	}
	if len(ch.Error) > 0 && string(ch.Error) != "null" {
		return remoteEvent{}, remoteStreamError(ev.data)
	}
	var out remoteEvent
	if len(ch.Choices) > 0 {
		out.text = ch.Choices[0].Delta.Content
		switch ch.Choices[0].FinishReason {
		case "":
		case "length":
			out.finish = FinishLength
		default: // stop, content_filter, tool_calls
			out.finish = FinishStop
		}
	}
	if ch.Usage != nil {
		out.promptTokens, out.outputTokens = ch.Usage.PromptTokens, ch.Usage.CompletionTokens
		out.cachedTokens = ch.Usage.Details.CachedTokens
	}
	return out, nil
}

// Embed implements Backend with POST /v1/embeddings.
func (b *OpenAI) Embed(ctx context.Context, texts []string) ([][]float32, error) {
	if len(texts) == 0 {
		return [][]float32{}, nil
	}
	in := struct {
		Model          string   `json:"model"`
		Input          []string `json:"input"`
		EncodingFormat string   `json:"encoding_format"`
	}{b.embedModel, texts, "float"}
	var out struct {
		Data []struct {
			Index     int       `json:"index"`
			Embedding []float32 `json:"embedding"`
		} `json:"data"`
	}
	if err := b.callJSON(ctx, http.MethodPost, "v1/embeddings", in, &out, true); err != nil {
		return nil, err
	}
	vecs := make([][]float32, len(texts))
	for _, d := range out.Data {
		if d.Index < 0 || d.Index >= len(vecs) || vecs[d.Index] != nil || len(d.Embedding) == 0 {
			return nil, b.fail(remoteMalformed(fmt.Sprintf("embedding index %d of %d texts repeated, out of range or empty", d.Index, len(texts)), ""))
		}
		vecs[d.Index] = d.Embedding
	}
	if len(out.Data) != len(texts) {
		return nil, b.fail(remoteMalformed(fmt.Sprintf("%d embeddings for %d texts", len(out.Data), len(texts)), ""))
	}
	return vecs, nil
}

// HealthCheck implements Backend with GET /v1/models. It does not look
// for Model in the list: llama.cpp's server lists its file name, whatever
// the request names.
func (b *OpenAI) HealthCheck(ctx context.Context) error {
	return b.callJSON(ctx, http.MethodGet, "v1/models", nil, nil, false)
}
