package main

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"

	"github.com/aios-dev/aios/inference"
)

// inferenceConfig assembles the inference configuration of a workspace:
// its .aios.json, overridden by the environment, overridden by the
// editor's initializationOptions (editor may be nil).
func inferenceConfig(workspace string, editor json.RawMessage) (inference.Config, []string, error) {
	var sources []string
	path := filepath.Join(workspace, inference.ConfigFile)
	file, err := inference.LoadConfigFile(path)
	if err != nil {
		return inference.Config{}, nil, err
	}
	if _, err := os.Stat(path); err == nil {
		sources = append(sources, path)
	}
	env, err := inference.EnvConfig(os.Getenv)
	if err != nil {
		return inference.Config{}, nil, fmt.Errorf("environment: %w", err)
	}
	for _, k := range []string{inference.EnvModel, inference.EnvOpenAIBaseURL, inference.EnvOpenAIModel, inference.EnvPolicy,
		inference.EnvLlamaLib, inference.EnvModelDir} {
		if os.Getenv(k) != "" {
			sources = append(sources, "$"+k)
		}
	}
	cfg := file.Merge(env)
	if len(editor) > 0 && string(editor) != "null" {
		ed, err := inference.ParseConfig("initializationOptions.inference", editor)
		if err != nil {
			return inference.Config{}, nil, err
		}
		cfg = cfg.Merge(ed)
		sources = append(sources, "initializationOptions")
	}
	if cfg.ModelDir == "" {
		cfg.ModelDir = inference.DefaultModelDir()
	}
	return cfg, sources, cfg.Validate()
}
