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

// OllamaOptions configure a backend on an Ollama server.
type OllamaOptions struct {
	RemoteOptions
	// EmbeddingModel is the model Embed asks for (default: Model).
	EmbeddingModel string
	// KeepAlive is how long Ollama keeps the model loaded after a request,
	// in its duration syntax ("5m", "-1"); empty: the server's default.
	KeepAlive string
}

// LogValue implements slog.LogValuer; the key is redacted.
func (o OllamaOptions) LogValue() slog.Value {
	return slog.GroupValue(append(o.logAttrs(),
		slog.String("embedding_model", o.EmbeddingModel),
		slog.String("keep_alive", o.KeepAlive))...)
}

// Ollama is a Backend on an Ollama server. It streams POST /api/chat
// (newline-delimited JSON ending in an object with "done": true), embeds
// with POST /api/embed and checks health with GET /api/tags, which must
// list the model. MaxContextTokens (default 8192) is sent as num_ctx, and
// truncate and shift are turned off, so that a prompt too long for the
// window fails with ErrContextOverflow (Ollama's 400 "the input length
// exceeds the context length") instead of being cut silently, and a
// generation that fills the window ends with FinishLength. Versions of
// Ollama before those options truncate silently. A raw Prompt is sent as
// one user message. A key, for an authenticating proxy, is optional and
// goes in "Authorization: Bearer".
//
// Latency estimates start at 400ms to the first token and 25 tokens/s,
// and then follow the eval counts and durations Ollama reports.
type Ollama struct {
	*remoteCore
	embedModel string
	keepAlive  string
}

var _ Backend = (*Ollama)(nil)

// NewOllama validates o and returns the backend. Timeout defaults to 120s,
// since Ollama loads the model before it sends anything.
func NewOllama(o OllamaOptions) (*Ollama, error) {
	c, err := newRemoteCore(o.RemoteOptions, remoteDefaults{
		kind: "ollama", maxCtx: 8192, timeout: 120 * time.Second,
		ttft: 400 * time.Millisecond, tokensPerS: 25,
	})
	if err != nil {
		return nil, err
	}
	if c.key != "" {
		c.headers.Set("Authorization", "Bearer "+c.key)
	}
	return &Ollama{remoteCore: c, embedModel: cmp.Or(o.EmbeddingModel, o.Model), keepAlive: o.KeepAlive}, nil
}

type ollamaChatRequest struct {
	Model     string            `json:"model"`
	Messages  []Message         `json:"messages"`
	Stream    bool              `json:"stream"`
	Truncate  bool              `json:"truncate"`
	Shift     bool              `json:"shift"`
	KeepAlive string            `json:"keep_alive,omitempty"`
	Options   ollamaChatOptions `json:"options"`
}

type ollamaChatOptions struct {
	Temperature float32  `json:"temperature"`
	TopK        int      `json:"top_k,omitempty"`
	TopP        float32  `json:"top_p,omitempty"`
	MinP        float32  `json:"min_p,omitempty"`
	Seed        *uint32  `json:"seed,omitempty"`
	NumPredict  int      `json:"num_predict,omitempty"`
	Stop        []string `json:"stop,omitempty"`
	NumCtx      int      `json:"num_ctx"`
}

// Generate implements Backend.
func (b *Ollama) Generate(ctx context.Context, req *Request, emit func(Chunk) error) (*Result, error) {
	msgs, err := b.messages(req)
	if err != nil {
		return nil, err
	}
	s := req.Sampling
	body := ollamaChatRequest{
		Model:     b.model,
		Messages:  msgs,
		Stream:    true,
		KeepAlive: b.keepAlive,
		Options: ollamaChatOptions{
			Temperature: max(s.Temperature, 0),
			TopK:        s.TopK,
			TopP:        s.TopP,
			MinP:        s.MinP,
			Seed:        s.Seed,
			NumPredict:  req.MaxTokens,
			NumCtx:      b.maxCtx,
		},
	}
	for _, st := range req.Stop {
		if st != "" {
			body.Options.Stop = append(body.Options.Stop, st)
		}
	}
	return b.generate(ctx, req, remoteCall{
		path:   "api/chat",
		body:   body,
		accept: "application/x-ndjson",
		open:   func(r io.Reader) remoteStream { return &ollamaStream{r: newNDJSONReader(r)} },
	}, emit)
}

// ollamaStream decodes /api/chat's lines.
type ollamaStream struct {
	r *ndjsonReader
}

type ollamaChunk struct {
	Message struct {
		Content string `json:"content"`
	} `json:"message"`
	Done            bool    `json:"done"`
	DoneReason      string  `json:"done_reason"`
	PromptEvalCount int     `json:"prompt_eval_count"`
	EvalCount       int     `json:"eval_count"`
	EvalDuration    int64   `json:"eval_duration"`
	Error           *string `json:"error"`
}

func (s *ollamaStream) next() (remoteEvent, error) {
	line, err := s.r.next()
	switch {
	case err == io.EOF:
		return remoteEvent{}, remoteMalformed(`stream ended before "done": true`, "")
	case err != nil:
		return remoteEvent{}, err
	}
	var ch ollamaChunk
	if err := json.Unmarshal(line, &ch); err != nil {
		return remoteEvent{}, remoteMalformed("undecodable stream line", string(line))
	}
	if ch.Error != nil {
		return remoteEvent{}, remoteStreamError(string(line))
	}
	ev := remoteEvent{
		text:         ch.Message.Content,
		done:         ch.Done,
		promptTokens: ch.PromptEvalCount,
		outputTokens: ch.EvalCount,
		evalTokens:   ch.EvalCount,
		evalTime:     time.Duration(ch.EvalDuration),
	}
	if ch.Done {
		ev.finish = FinishStop // stop, load, unload
		if ch.DoneReason == "length" {
			ev.finish = FinishLength
		}
	}
	return ev, nil
}

// Embed implements Backend with POST /api/embed.
func (b *Ollama) Embed(ctx context.Context, texts []string) ([][]float32, error) {
	if len(texts) == 0 {
		return [][]float32{}, nil
	}
	in := struct {
		Model     string   `json:"model"`
		Input     []string `json:"input"`
		KeepAlive string   `json:"keep_alive,omitempty"`
	}{b.embedModel, texts, b.keepAlive}
	var out struct {
		Embeddings [][]float32 `json:"embeddings"`
	}
	if err := b.callJSON(ctx, http.MethodPost, "api/embed", in, &out, true); err != nil {
		return nil, err
	}
	if len(out.Embeddings) != len(texts) {
		return nil, b.fail(remoteMalformed(fmt.Sprintf("%d embeddings for %d texts", len(out.Embeddings), len(texts)), ""))
	}
	for i, v := range out.Embeddings {
		if len(v) == 0 {
			return nil, b.fail(remoteMalformed(fmt.Sprintf("embedding %d is empty", i), ""))
		}
	}
	return out.Embeddings, nil
}

// HealthCheck implements Backend: GET /api/tags must answer and list the
// model (a name without a tag means ":latest"); a missing model is
// ErrModelUnavailable.
func (b *Ollama) HealthCheck(ctx context.Context) error {
	var out struct {
		Models []struct {
			Name  string `json:"name"`
			Model string `json:"model"`
		} `json:"models"`
	}
	if err := b.callJSON(ctx, http.MethodGet, "api/tags", nil, &out, false); err != nil {
		return err
	}
	for _, m := range out.Models {
		if ollamaSameModel(m.Name, b.model) || ollamaSameModel(m.Model, b.model) {
			return nil
		}
	}
	return fmt.Errorf("%s: %w: the server does not list %q (ollama pull %s)", b.id, ErrModelUnavailable, b.model, b.model)
}

// ollamaSameModel compares model names, a missing tag meaning "latest".
func ollamaSameModel(a, b string) bool {
	norm := func(s string) string {
		s = strings.ToLower(s)
		if i := strings.LastIndexByte(s, '/'); !strings.Contains(s[i+1:], ":") {
			s += ":latest"
		}
		return s
	}
	return a != "" && norm(a) == norm(b)
}
