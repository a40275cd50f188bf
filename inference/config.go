package inference

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
)

// ConfigFile is the name of the workspace configuration file.
const ConfigFile = ".aios.json"

// Config names the backends, models, routing policy and fallback chain.
// It comes from the workspace's .aios.json, overridden by the environment
// (see EnvConfig), overridden in turn by the editor's initializationOptions.
type Config struct {
	// Policy is the routing policy: local-first (default), latency,
	// quality or cost.
	Policy string `json:"policy,omitempty"`
	// Backends is the fallback chain, in order.
	Backends []BackendConfig `json:"backends,omitempty"`
	// AI holds the settings of AI edits (auto-apply, auto-commit, the
	// critic's threshold and weights). The inference layer keeps them
	// undecoded for the layers that use them; see the README.
	AI json.RawMessage `json:"ai,omitempty"`
	// Embedding names the backend used for embeddings (default: the first
	// that has embeddings enabled).
	Embedding string `json:"embedding,omitempty"`
	// ModelDir is where `aios model pull` puts models and where relative
	// local model paths are looked up (default: the user cache directory).
	ModelDir string `json:"modelDir,omitempty"`
	// LlamaLib is the directory of the llama.cpp shared libraries.
	LlamaLib string `json:"llamaLib,omitempty"`
}

// Backend types.
const (
	TypeLocal     = "local"
	TypeOpenAI    = "openai"
	TypeOllama    = "ollama"
	TypeAnthropic = "anthropic"
)

// BackendConfig configures one backend.
type BackendConfig struct {
	Name string `json:"name"`
	Type string `json:"type"` // local, openai, ollama or anthropic
	// Model is a GGUF file for local backends (absolute, or relative to
	// the workspace or ModelDir) and a model name for remote ones.
	Model   string `json:"model"`
	BaseURL string `json:"baseUrl,omitempty"`
	// APIKeyEnv names the environment variable holding the API key; the
	// key itself never goes in the file.
	APIKeyEnv       string  `json:"apiKeyEnv,omitempty"`
	ContextTokens   int     `json:"contextTokens,omitempty"`
	Quality         int     `json:"quality,omitempty"`
	CostPer1KInput  float64 `json:"costPer1kInput,omitempty"`
	CostPer1KOutput float64 `json:"costPer1kOutput,omitempty"`
	Threads         int     `json:"threads,omitempty"` // local: CPU threads
	// Embeddings enables embeddings (local: opens the model with
	// embeddings; remote: EmbeddingModel, default Model, embeds).
	Embeddings     bool   `json:"embeddings,omitempty"`
	EmbeddingModel string `json:"embeddingModel,omitempty"`
	// ExtraSampling: the OpenAI-compatible server accepts top_k and min_p
	// (llama.cpp's server and vLLM do).
	ExtraSampling bool `json:"extraSampling,omitempty"`
}

// ErrNotConfigured is returned when no backend is configured.
var ErrNotConfigured = errors.New("no model configured")

// NotConfiguredHelp says how to configure a model.
const NotConfiguredHelp = "aios runs only what needs no model (diagnostics, quick fixes, lint). " +
	"To enable AI features set AIOS_MODEL=/path/to/model.gguf (in-process llama.cpp), or " +
	"AIOS_OPENAI_BASE_URL, AIOS_OPENAI_MODEL and AIOS_OPENAI_API_KEY (an OpenAI-compatible server), " +
	"or list backends in " + ConfigFile + " in the workspace (see the README)."

// LoadConfigFile reads the configuration file at path. A missing file is
// an empty configuration, not an error.
func LoadConfigFile(path string) (Config, error) {
	data, err := os.ReadFile(path)
	if errors.Is(err, os.ErrNotExist) {
		return Config{}, nil
	}
	if err != nil {
		return Config{}, fmt.Errorf("reading %s: %w", path, err)
	}
	return ParseConfig(path, data)
}

// ParseConfig decodes a configuration strictly: unknown keys are errors.
func ParseConfig(name string, data []byte) (Config, error) {
	var c Config
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&c); err != nil {
		var se *json.SyntaxError
		if errors.As(err, &se) {
			line, col := lineCol(data, se.Offset)
			return Config{}, fmt.Errorf("%s:%d:%d: %v", name, line, col, err)
		}
		return Config{}, fmt.Errorf("%s: %v", name, err)
	}
	if dec.More() {
		return Config{}, fmt.Errorf("%s: trailing data after the configuration object", name)
	}
	if _, err := dec.Token(); err != io.EOF {
		return Config{}, fmt.Errorf("%s: trailing data after the configuration object", name)
	}
	if err := c.Validate(); err != nil {
		return Config{}, fmt.Errorf("%s: %w", name, err)
	}
	return c, nil
}

func lineCol(data []byte, off int64) (int, int) {
	line, col := 1, 1
	for _, b := range data[:min(int(off), len(data))] {
		if b == '\n' {
			line, col = line+1, 1
		} else {
			col++
		}
	}
	return line, col
}

// Environment variables EnvConfig reads (through the getenv it is given).
const (
	EnvModel         = "AIOS_MODEL"
	EnvOpenAIBaseURL = "AIOS_OPENAI_BASE_URL"
	EnvOpenAIAPIKey  = "AIOS_OPENAI_API_KEY"
	EnvOpenAIModel   = "AIOS_OPENAI_MODEL"
	EnvPolicy        = "AIOS_POLICY"
	EnvLlamaLib      = "AIOS_LLAMA_LIB"
	EnvModelDir      = "AIOS_MODEL_DIR"
)

// EnvConfig builds the configuration the environment specifies:
// AIOS_MODEL selects the in-process core with that model;
// AIOS_OPENAI_BASE_URL, AIOS_OPENAI_MODEL (and AIOS_OPENAI_API_KEY, read by
// the backend) an OpenAI-compatible server; AIOS_POLICY the policy;
// AIOS_LLAMA_LIB the llama.cpp libraries; AIOS_MODEL_DIR the model directory.
func EnvConfig(getenv func(string) string) (Config, error) {
	c := Config{
		Policy:   getenv(EnvPolicy),
		LlamaLib: getenv(EnvLlamaLib),
		ModelDir: getenv(EnvModelDir),
	}
	if m := getenv(EnvModel); m != "" {
		c.Backends = append(c.Backends, BackendConfig{Name: "local", Type: TypeLocal, Model: m})
	}
	base, model := getenv(EnvOpenAIBaseURL), getenv(EnvOpenAIModel)
	switch {
	case base != "" && model != "":
		b := BackendConfig{Name: "openai", Type: TypeOpenAI, BaseURL: base, Model: model}
		if getenv(EnvOpenAIAPIKey) != "" {
			b.APIKeyEnv = EnvOpenAIAPIKey
		}
		c.Backends = append(c.Backends, b)
	case base != "" || model != "":
		return Config{}, fmt.Errorf("set both %s and %s to use an OpenAI-compatible server", EnvOpenAIBaseURL, EnvOpenAIModel)
	}
	return c, c.Validate()
}

// Merge returns c overridden by over: a set field wins; over's backends
// come first in the chain and replace c's backends of the same name.
func (c Config) Merge(over Config) Config {
	out := c
	if over.Policy != "" {
		out.Policy = over.Policy
	}
	if over.Embedding != "" {
		out.Embedding = over.Embedding
	}
	if over.ModelDir != "" {
		out.ModelDir = over.ModelDir
	}
	if over.LlamaLib != "" {
		out.LlamaLib = over.LlamaLib
	}
	if len(over.AI) > 0 {
		out.AI = over.AI
	}
	if len(over.Backends) > 0 {
		names := make(map[string]bool)
		out.Backends = append([]BackendConfig(nil), over.Backends...)
		for _, b := range over.Backends {
			names[b.Name] = true
		}
		for _, b := range c.Backends {
			if !names[b.Name] {
				out.Backends = append(out.Backends, b)
			}
		}
	}
	return out
}

// Validate checks the configuration.
func (c Config) Validate() error {
	if _, err := ParsePolicy(c.Policy); err != nil {
		return err
	}
	names := make(map[string]bool)
	for i, b := range c.Backends {
		where := fmt.Sprintf("backend %d (%q)", i, b.Name)
		if b.Name == "" {
			return fmt.Errorf("backend %d: a name is required", i)
		}
		if names[b.Name] {
			return fmt.Errorf("%s: the name is used twice", where)
		}
		names[b.Name] = true
		if b.Model == "" {
			return fmt.Errorf("%s: a model is required", where)
		}
		switch b.Type {
		case TypeLocal:
			if b.BaseURL != "" || b.APIKeyEnv != "" {
				return fmt.Errorf("%s: a local backend takes no baseUrl or apiKeyEnv", where)
			}
		case TypeOpenAI, TypeOllama, TypeAnthropic:
			if b.BaseURL == "" && b.Type != TypeAnthropic {
				return fmt.Errorf("%s: a %s backend needs a baseUrl", where, b.Type)
			}
			if b.APIKeyEnv != "" && strings.ContainsAny(b.APIKeyEnv, " =") {
				return fmt.Errorf("%s: apiKeyEnv names an environment variable; never put the key itself here", where)
			}
		default:
			return fmt.Errorf("%s: unknown type %q (want local, openai, ollama or anthropic)", where, b.Type)
		}
		if b.ContextTokens < 0 || b.Threads < 0 || b.CostPer1KInput < 0 || b.CostPer1KOutput < 0 {
			return fmt.Errorf("%s: negative numbers are not allowed", where)
		}
	}
	if c.Embedding != "" && !names[c.Embedding] {
		return fmt.Errorf("embedding names %q, which is not a configured backend", c.Embedding)
	}
	return nil
}

// ResolveModel returns the path of a local model: absolute as given, else
// relative to the workspace, else to the model directory.
func (c Config) ResolveModel(workspace, model string) string {
	if filepath.IsAbs(model) {
		return model
	}
	for _, dir := range []string{workspace, c.ModelDir} {
		if dir == "" {
			continue
		}
		p := filepath.Join(dir, model)
		if _, err := os.Stat(p); err == nil {
			return p
		}
	}
	if workspace != "" {
		return filepath.Join(workspace, model)
	}
	return model
}

// DefaultModelDir is the model directory when none is configured.
func DefaultModelDir() string {
	if d, err := os.UserCacheDir(); err == nil {
		return filepath.Join(d, "aios", "models")
	}
	return filepath.Join(os.TempDir(), "aios-models")
}
