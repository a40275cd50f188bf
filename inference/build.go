package inference

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"os"

	"github.com/aios-dev/aios/metal"
)

// BuildOptions are what Build needs besides the configuration.
type BuildOptions struct {
	// Workspace is the directory relative local model paths start from.
	Workspace string
	// Getenv reads the API keys named by apiKeyEnv (default os.Getenv).
	Getenv     func(string) string
	Logger     *slog.Logger
	Meter      *Meter
	HTTPClient *http.Client
}

// Engine is the configured inference layer: the router over the backends
// that could be started, and why the others could not.
type Engine struct {
	Router *Router
	Meter  *Meter
	// Embedder is the backend used for embeddings, nil when none is
	// configured.
	Embedder Backend
	// Problems holds, per backend name, why it could not be started.
	Problems map[string]error
	closers  []func() error
}

// Default context windows of remote backends whose configuration gives
// none.
const defaultRemoteContext = 8192

// Build starts the backends cfg names and the router over them. A backend
// that cannot start (a missing model file, a missing key) is left out and
// reported in Problems; Build fails only when none starts. With no backend
// configured it returns ErrNotConfigured.
func Build(cfg Config, opts BuildOptions) (*Engine, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	if len(cfg.Backends) == 0 {
		return nil, fmt.Errorf("%w: %s", ErrNotConfigured, NotConfiguredHelp)
	}
	if opts.Getenv == nil {
		opts.Getenv = os.Getenv
	}
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.DiscardHandler)
	}
	if opts.Meter == nil {
		opts.Meter = NewMeter()
	}
	e := &Engine{Meter: opts.Meter, Problems: make(map[string]error)}
	var routes []Route
	for _, bc := range cfg.Backends {
		b, closer, err := startBackend(cfg, bc, opts)
		if err != nil {
			opts.Logger.Warn("inference backend not started", "backend", bc.Name, "err", err)
			e.Problems[bc.Name] = err
			continue
		}
		if closer != nil {
			e.closers = append(e.closers, closer)
		}
		routes = append(routes, Route{Backend: b, Local: bc.Type == TypeLocal, Quality: bc.Quality,
			CostPer1KInput: bc.CostPer1KInput, CostPer1KOutput: bc.CostPer1KOutput})
		if e.Embedder == nil && bc.Embeddings && (cfg.Embedding == "" || cfg.Embedding == bc.Name) {
			e.Embedder = b
		}
	}
	if len(routes) == 0 {
		errs := make([]error, 0, len(e.Problems))
		for name, err := range e.Problems {
			errs = append(errs, fmt.Errorf("%s: %w", name, err))
		}
		return nil, fmt.Errorf("%w: no configured backend could start: %w", ErrNoBackend, errors.Join(errs...))
	}
	policy, _ := ParsePolicy(cfg.Policy)
	r, err := NewRouter(RouterOptions{Routes: routes, Policy: policy, Meter: opts.Meter, Logger: opts.Logger})
	if err != nil {
		e.Close()
		return nil, err
	}
	e.Router = r
	return e, nil
}

func startBackend(cfg Config, bc BackendConfig, opts BuildOptions) (Backend, func() error, error) {
	remote := RemoteOptions{
		BaseURL: bc.BaseURL, Model: bc.Model, APIKeyEnv: bc.APIKeyEnv, Getenv: opts.Getenv,
		HTTPClient: opts.HTTPClient, MaxContextTokens: bc.ContextTokens, Logger: opts.Logger,
	}
	switch bc.Type {
	case TypeLocal:
		l, err := OpenLocal(LocalOptions{Name: bc.Name, Model: metal.ModelOptions{
			Path:        cfg.ResolveModel(opts.Workspace, bc.Model),
			Library:     metal.LibraryOptions{Dir: cfg.LlamaLib, Logger: opts.Logger},
			ContextSize: bc.ContextTokens, Threads: bc.Threads, Embeddings: bc.Embeddings, Logger: opts.Logger,
			// Retrieval embeds whole chunks: a long one is represented by
			// its beginning rather than not at all.
			TruncateEmbeddings: true,
		}})
		if err != nil {
			return nil, nil, err
		}
		return l, l.Close, nil
	case TypeOpenAI:
		if remote.MaxContextTokens == 0 {
			remote.MaxContextTokens = defaultRemoteContext
		}
		b, err := NewOpenAI(OpenAIOptions{RemoteOptions: remote, ExtraSampling: bc.ExtraSampling, EmbeddingModel: bc.EmbeddingModel})
		return b, nil, err
	case TypeOllama:
		b, err := NewOllama(OllamaOptions{RemoteOptions: remote, EmbeddingModel: bc.EmbeddingModel})
		return b, nil, err
	case TypeAnthropic:
		if remote.BaseURL == "" {
			remote.BaseURL = "https://api.anthropic.com"
		}
		b, err := NewAnthropic(AnthropicOptions{RemoteOptions: remote})
		return b, nil, err
	}
	return nil, nil, fmt.Errorf("unknown backend type %q", bc.Type)
}

// Close releases the backends (unloads local models).
func (e *Engine) Close() error {
	var errs []error
	for _, c := range e.closers {
		errs = append(errs, c())
	}
	e.closers = nil
	return errors.Join(errs...)
}

// Health reports each started backend's health check, by backend ID.
func (e *Engine) Health(ctx context.Context) map[string]error {
	out := make(map[string]error)
	for _, rt := range e.Router.Routes() {
		out[rt.Backend.BackendID()] = rt.Backend.HealthCheck(ctx)
	}
	return out
}
