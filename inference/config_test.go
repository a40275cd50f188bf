package inference

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestParseConfig(t *testing.T) {
	good := `{
  "policy": "quality",
  "backends": [
    {"name": "llama", "type": "local", "model": "models/tiny.gguf", "threads": 2, "embeddings": true},
    {"name": "gpt", "type": "openai", "baseUrl": "https://api.openai.com", "model": "gpt-4o-mini", "apiKeyEnv": "OPENAI_API_KEY", "quality": 5}
  ],
  "embedding": "llama"
}`
	c, err := ParseConfig("x.json", []byte(good))
	if err != nil {
		t.Fatal(err)
	}
	if c.Policy != "quality" || len(c.Backends) != 2 || c.Backends[1].APIKeyEnv != "OPENAI_API_KEY" || !c.Backends[0].Embeddings {
		t.Fatalf("%+v", c)
	}
	for _, bad := range []struct{ json, want string }{
		{`{"policy": "fastest"}`, "unknown routing policy"},
		{`{"backends": [{"name": "a", "type": "gpu", "model": "m"}]}`, "unknown type"},
		{`{"backends": [{"name": "a", "type": "openai", "model": "m"}]}`, "needs a baseUrl"},
		{`{"backends": [{"name": "a", "type": "local"}]}`, "model is required"},
		{`{"backends": [{"name": "a", "type": "local", "model": "m"}, {"name": "a", "type": "local", "model": "n"}]}`, "used twice"},
		{`{"backends": [{"name": "a", "type": "openai", "model": "m", "baseUrl": "http://x", "apiKeyEnv": "sk-abc def"}]}`, "never put the key"},
		{`{"embedding": "nope"}`, "not a configured backend"},
		{`{"polcy": "latency"}`, "unknown field"},
		{"{\n  \"policy\": ,\n}", "x.json:2:"},
		{`{} {}`, "trailing data"},
	} {
		if _, err := ParseConfig("x.json", []byte(bad.json)); err == nil || !strings.Contains(err.Error(), bad.want) {
			t.Errorf("%s: %v, want %q", bad.json, err, bad.want)
		}
	}
}

func TestEnvAndMergePrecedence(t *testing.T) {
	env := map[string]string{
		EnvModel:         "/m/local.gguf",
		EnvOpenAIBaseURL: "http://localhost:8080",
		EnvOpenAIModel:   "qwen",
		EnvOpenAIAPIKey:  "sk-secret",
		EnvPolicy:        "latency",
	}
	ec, err := EnvConfig(func(k string) string { return env[k] })
	if err != nil {
		t.Fatal(err)
	}
	if len(ec.Backends) != 2 || ec.Backends[0].Type != TypeLocal || ec.Backends[1].APIKeyEnv != EnvOpenAIAPIKey {
		t.Fatalf("env config %+v", ec)
	}
	for _, b := range ec.Backends {
		if strings.Contains(b.APIKeyEnv+b.Model+b.BaseURL, "sk-secret") {
			t.Fatal("the key leaked into the configuration")
		}
	}
	file := Config{Policy: "cost", Backends: []BackendConfig{
		{Name: "local", Type: TypeLocal, Model: "other.gguf"},
		{Name: "claude", Type: TypeAnthropic, Model: "claude-x"},
	}}
	merged := file.Merge(ec)
	if merged.Policy != "latency" || len(merged.Backends) != 3 || merged.Backends[0].Model != "/m/local.gguf" || merged.Backends[2].Name != "claude" {
		t.Fatalf("merged %+v", merged)
	}
	lsp := Config{Policy: "quality"}
	if final := merged.Merge(lsp); final.Policy != "quality" || len(final.Backends) != 3 {
		t.Fatalf("lsp override %+v", final)
	}
	if _, err := EnvConfig(func(k string) string { return map[string]string{EnvOpenAIBaseURL: "http://x"}[k] }); err == nil {
		t.Fatal("half an OpenAI configuration accepted")
	}
	if c, err := EnvConfig(func(string) string { return "" }); err != nil || len(c.Backends) != 0 {
		t.Fatalf("empty environment: %+v %v", c, err)
	}
}

func TestLoadConfigFileAndResolveModel(t *testing.T) {
	dir := t.TempDir()
	if c, err := LoadConfigFile(filepath.Join(dir, ConfigFile)); err != nil || len(c.Backends) != 0 {
		t.Fatalf("missing file: %+v %v", c, err)
	}
	os.MkdirAll(filepath.Join(dir, "models"), 0o755)
	os.WriteFile(filepath.Join(dir, "models", "a.gguf"), []byte("x"), 0o644)
	os.WriteFile(filepath.Join(dir, ConfigFile), []byte(`{"backends":[{"name":"l","type":"local","model":"models/a.gguf"}]}`), 0o644)
	c, err := LoadConfigFile(filepath.Join(dir, ConfigFile))
	if err != nil {
		t.Fatal(err)
	}
	if p := c.ResolveModel(dir, c.Backends[0].Model); p != filepath.Join(dir, "models", "a.gguf") {
		t.Fatalf("resolved %s", p)
	}
	md := t.TempDir()
	os.WriteFile(filepath.Join(md, "b.gguf"), []byte("x"), 0o644)
	c.ModelDir = md
	if p := c.ResolveModel(dir, "b.gguf"); p != filepath.Join(md, "b.gguf") {
		t.Fatalf("model dir lookup: %s", p)
	}
	os.WriteFile(filepath.Join(dir, ConfigFile), []byte(`{"backends":`), 0o644)
	if _, err := LoadConfigFile(filepath.Join(dir, ConfigFile)); err == nil {
		t.Fatal("truncated file accepted")
	}
}
