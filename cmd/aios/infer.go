package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"strings"
	"time"

	"github.com/aios-dev/aios/inference"
)

type stopFlags []string

func (s *stopFlags) String() string     { return strings.Join(*s, ",") }
func (s *stopFlags) Set(v string) error { *s = append(*s, v); return nil }

// runInfer implements `aios infer --model FILE.gguf | --backend NAME --prompt TEXT`.
func runInfer(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("aios infer", flag.ContinueOnError)
	fs.SetOutput(stderr)
	model := fs.String("model", "", "GGUF `file` to run in-process (ignores the configuration)")
	backend := fs.String("backend", "", "configured backend `name` to use (default: the router over all)")
	prompt := fs.String("prompt", "", "prompt `text` (- reads standard input)")
	chat := fs.Bool("chat", false, "send the prompt as a chat message (the model's chat template)")
	n := fs.Int("n", 128, "maximum tokens to generate")
	threads := fs.Int("threads", 0, "CPU threads for the in-process core (0: one per physical core)")
	ctxSize := fs.Int("ctx", 0, "context window for the in-process core (0: the model's, at most 4096)")
	temp := fs.Float64("temperature", 0, "sampling temperature (0: greedy)")
	seed := fs.Int64("seed", -1, "sampling seed (-1: random)")
	asJSON := fs.Bool("json", false, "print one JSON object with the text and the figures")
	var stops stopFlags
	fs.Var(&stops, "stop", "stop `sequence` (repeatable)")
	if err := fs.Parse(args); err != nil {
		return usagef("%v", err)
	}
	if fs.NArg() > 0 {
		return usagef("aios infer takes flags only, got %q", fs.Args())
	}
	if *model != "" && *backend != "" {
		return usagef("--model and --backend exclude each other")
	}
	text := *prompt
	if text == "-" {
		data, err := io.ReadAll(os.Stdin)
		if err != nil {
			return err
		}
		text = string(data)
	}
	if text == "" {
		return usagef("aios infer needs --prompt")
	}
	log := newLogger(stderr, slog.LevelError)
	wd, _ := os.Getwd()
	var cfg inference.Config
	if *model != "" {
		cfg = inference.Config{LlamaLib: os.Getenv(inference.EnvLlamaLib), Backends: []inference.BackendConfig{
			{Name: "cli", Type: inference.TypeLocal, Model: *model, Threads: *threads, ContextTokens: *ctxSize},
		}}
	} else {
		var err error
		if cfg, _, err = inferenceConfig(wd, nil); err != nil {
			return err
		}
		if *backend != "" {
			var keep []inference.BackendConfig
			for _, b := range cfg.Backends {
				if b.Name == *backend {
					if b.Type == inference.TypeLocal && *threads > 0 {
						b.Threads = *threads
					}
					keep = append(keep, b)
				}
			}
			if len(keep) == 0 {
				return usagef("no backend named %q is configured", *backend)
			}
			cfg.Backends = keep
		}
	}
	loadStart := time.Now()
	engine, err := inference.Build(cfg, inference.BuildOptions{Workspace: wd, Logger: log})
	if err != nil {
		return err
	}
	defer engine.Close()
	for name, p := range engine.Problems {
		fmt.Fprintf(stderr, "aios: backend %s not started: %v\n", name, p)
	}
	load := time.Since(loadStart)
	req := &inference.Request{MaxTokens: *n, Stop: stops, Sampling: inference.Sampling{Temperature: float32(*temp)}}
	if *seed >= 0 {
		s := uint32(*seed)
		req.Sampling.Seed = &s
	}
	if *chat {
		req.Messages = []inference.Message{{Role: inference.RoleUser, Content: text}}
	} else {
		req.Prompt = text
	}
	res, err := engine.Router.Generate(ctx, req, func(c inference.Chunk) error {
		if !*asJSON {
			_, err := io.WriteString(stdout, c.Text)
			return err
		}
		return nil
	})
	if err != nil {
		return err
	}
	if *asJSON {
		return json.NewEncoder(stdout).Encode(struct {
			*inference.Result
			LoadMs             float64 `json:"loadMs"`
			PromptTokensPerSec float64 `json:"promptTokensPerSec"`
			GenTokensPerSec    float64 `json:"genTokensPerSec"`
		}{res, float64(load.Microseconds()) / 1000, res.PromptTokensPerSecond(), res.OutputTokensPerSecond()})
	}
	fmt.Fprintln(stdout)
	fmt.Fprintf(stderr, "%s · load %v · prompt %d tokens (%d cached) %.0f tok/s · output %d tokens %.1f tok/s · %s\n",
		res.Backend, load.Round(time.Millisecond), res.PromptTokens, res.CachedTokens, res.PromptTokensPerSecond(),
		res.OutputTokens, res.OutputTokensPerSecond(), res.FinishReason)
	return nil
}
