package inference_test

import (
	"bytes"
	"context"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aios-dev/aios/inference"
	"github.com/aios-dev/aios/inference/inferencetest"
)

// remoteProvider is one remote backend under test, with its fake server.
type remoteProvider struct {
	name       string
	wire       fakeWire
	model      string
	key        string // the key the conformance run uses ("": keyless)
	embeddings bool
	prompt     inference.Request
	// streamErrRetried: an error object before any text is retried (the
	// provider's object says it is transient).
	streamErrRetried bool
	newBackend       func(inference.RemoteOptions) (inference.Backend, error)
}

func newOpenAIBackend(o inference.RemoteOptions) (inference.Backend, error) {
	return inference.NewOpenAI(inference.OpenAIOptions{RemoteOptions: o, ExtraSampling: true})
}

func newOllamaBackend(o inference.RemoteOptions) (inference.Backend, error) {
	return inference.NewOllama(inference.OllamaOptions{RemoteOptions: o})
}

func newAnthropicBackend(o inference.RemoteOptions) (inference.Backend, error) {
	return inference.NewAnthropic(inference.AnthropicOptions{RemoteOptions: o})
}

var (
	openaiProvider = remoteProvider{
		name: "openai", wire: fakeOpenAI{"openai"}, model: "gpt-4o-mini", key: "sk-proj-Zx81fakeKEYfor7tests",
		embeddings: true, prompt: inference.Request{Prompt: "Once upon a time"},
		streamErrRetried: true, newBackend: newOpenAIBackend,
	}
	llamacppProvider = remoteProvider{
		name: "llamacpp", wire: fakeOpenAI{"llamacpp"}, model: "qwen2.5-coder-1.5b",
		embeddings: true, prompt: inference.Request{Prompt: "func main() {"},
		streamErrRetried: true, newBackend: newOpenAIBackend,
	}
	vllmProvider = remoteProvider{
		name: "vllm", wire: fakeOpenAI{"vllm"}, model: "Qwen/Qwen2.5-7B-Instruct", key: "vllm-token-77",
		embeddings: true, prompt: inference.Request{Messages: []inference.Message{{Role: inference.RoleUser, Content: "Say something"}}},
		streamErrRetried: true, newBackend: newOpenAIBackend,
	}
	ollamaProvider = remoteProvider{
		name: "ollama", wire: fakeOllama{}, model: "llama3.2",
		embeddings: true, prompt: inference.Request{Prompt: "Why is the sky blue?"},
		newBackend: newOllamaBackend,
	}
	anthropicProvider = remoteProvider{
		name: "anthropic", wire: fakeAnthropic{}, model: "claude-sonnet-4-5", key: "sk-ant-api03-fakeKEY-0042",
		prompt: inference.Request{Messages: []inference.Message{
			{Role: inference.RoleSystem, Content: "You are terse."},
			{Role: inference.RoleUser, Content: "Tell a story."},
		}},
		streamErrRetried: true, newBackend: newAnthropicBackend,
	}
	remoteProviders = []remoteProvider{openaiProvider, llamacppProvider, vllmProvider, ollamaProvider, anthropicProvider}
)

// fakeClock records the waits of the backends' retries instead of waiting.
type fakeClock struct {
	mu    sync.Mutex
	waits []time.Duration
}

func (c *fakeClock) sleep(ctx context.Context, d time.Duration) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.waits = append(c.waits, d)
	return ctx.Err()
}

func (c *fakeClock) Waits() []time.Duration {
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([]time.Duration(nil), c.waits...)
}

// syncBuffer is a log destination safe for concurrent writes.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// remoteEnv is a backend wired to its fake server.
type remoteEnv struct {
	p     remoteProvider
	f     *fakeServer
	b     inference.Backend
	clock *fakeClock
	logs  *syncBuffer
	key   string
}

const testKeyEnv = "AIOS_TEST_API_KEY"

// newRemoteEnv starts p's fake, which accepts key, and a backend that
// sends key, read from the environment through Getenv. tweak adjusts the
// options.
func newRemoteEnv(t *testing.T, p remoteProvider, key string, tweak func(*inference.RemoteOptions)) *remoteEnv {
	t.Helper()
	e := &remoteEnv{p: p, f: newFakeServer(t, p.wire, p.model, key), clock: &fakeClock{}, logs: &syncBuffer{}, key: key}
	o := inference.RemoteOptions{
		BaseURL:          e.f.URL(),
		Model:            p.model,
		Getenv:           func(k string) string { return map[string]string{testKeyEnv: key}[k] },
		MaxContextTokens: 4096,
		Timeout:          5 * time.Second,
		Backoff:          func(attempt int) time.Duration { return time.Duration(attempt) * time.Second },
		Sleep:            e.clock.sleep,
		Logger:           slog.New(slog.NewJSONHandler(e.logs, &slog.HandlerOptions{Level: slog.LevelDebug})),
	}
	if key != "" {
		o.APIKeyEnv = testKeyEnv
	}
	if tweak != nil {
		tweak(&o)
	}
	b, err := p.newBackend(o)
	if err != nil {
		t.Fatal(err)
	}
	e.b = b
	return e
}

func TestRemoteConformance(t *testing.T) {
	for _, p := range remoteProviders {
		t.Run(p.name, func(t *testing.T) {
			e := newRemoteEnv(t, p, p.key, nil)
			inferencetest.Run(t, e.b, inferencetest.Caps{
				Embeddings:     p.embeddings,
				Deterministic:  true,
				Prompt:         p.prompt,
				OverflowPrompt: &inference.Request{Prompt: strings.Repeat("lorem ipsum ", 1000)},
			})
		})
	}
}

// collector gathers what emit receives.
type collector struct {
	chunks []string
	onText func(n int) error // called after each chunk, n counting from 1
}

func (c *collector) emit(ch inference.Chunk) error {
	c.chunks = append(c.chunks, ch.Text)
	if c.onText != nil {
		return c.onText(len(c.chunks))
	}
	return nil
}

func (c *collector) text() string { return strings.Join(c.chunks, "") }

func storyRequest() *inference.Request {
	return &inference.Request{Prompt: "Once upon a time", MaxTokens: 8}
}
