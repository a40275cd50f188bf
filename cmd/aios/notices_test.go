package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/aios-dev/aios/inference"
	"github.com/aios-dev/aios/lsp"
)

func TestInferenceNotices(t *testing.T) {
	for _, k := range []string{inference.EnvModel, inference.EnvOpenAIBaseURL, inference.EnvOpenAIModel, inference.EnvPolicy} {
		t.Setenv(k, "")
	}
	dir := t.TempDir()
	n := inferenceNotices(dir, lsp.InitOptions{})
	if len(n) != 1 || n[0].Warning || !strings.Contains(n[0].Text, "AIOS_MODEL=") {
		t.Fatalf("nothing configured: %+v", n)
	}
	t.Setenv(inference.EnvModel, "/models/x.gguf")
	n = inferenceNotices(dir, lsp.InitOptions{Inference: json.RawMessage(`{"policy":"latency"}`)})
	if len(n) != 1 || !strings.Contains(n[0].Text, "local (local), policy latency") || !strings.Contains(n[0].Text, "$AIOS_MODEL, initializationOptions") {
		t.Fatalf("configured: %+v", n)
	}
	os.WriteFile(filepath.Join(dir, inference.ConfigFile), []byte(`{"backends":[{"name":"x","type":"warp","model":"m"}]}`), 0o644)
	n = inferenceNotices(dir, lsp.InitOptions{})
	if len(n) != 1 || !n[0].Warning || !strings.Contains(n[0].Text, "unknown type") {
		t.Fatalf("invalid file: %+v", n)
	}
}
