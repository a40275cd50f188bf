package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/exec"
	"sort"
	"strings"
	"time"

	"github.com/aios-dev/aios/critic"
	"github.com/aios-dev/aios/inference"
	"github.com/aios-dev/aios/memory/store"
)

// runDoctor implements `aios doctor`: what aios found, what works, and
// what is missing. It exits 1 when something configured does not work.
func runDoctor(ctx context.Context, args []string, stdout, stderr io.Writer) (int, error) {
	if len(args) > 0 {
		return exitUsage, usagef("aios doctor takes no arguments")
	}
	wd, _ := os.Getwd()
	bad := false
	say := func(format string, a ...any) { fmt.Fprintf(stdout, format+"\n", a...) }
	say("aios %s", version)

	if out, err := exec.CommandContext(ctx, "go", "version").Output(); err != nil {
		say("go:          NOT FOUND: the analysis agents need the go command on PATH (%v)", err)
		bad = true
	} else {
		say("go:          %s", strings.TrimSpace(string(out)))
	}

	lib, libErr := inference.LoadLlamaLibrary(os.Getenv(inference.EnvLlamaLib))
	if libErr != nil {
		say("llama.cpp:   not loaded: %v", libErr)
	} else {
		say("llama.cpp:   %s (release %s)", lib.Dir, orNone(lib.Release))
		say("             %s", lib.SystemInfo)
	}

	cfg, sources, err := inferenceConfig(wd, nil)
	if err != nil {
		say("config:      INVALID: %v", err)
		return exitFindings, nil
	}
	say("config:      %s", orNone(strings.Join(sources, ", ")))
	if dir, err := store.DefaultDir(); err != nil {
		say("index:       no store location: %v", err)
	} else if p, err := store.PathFor(dir, wd); err != nil {
		say("index:       no store location: %v", err)
	} else if st, err := os.Stat(p); err != nil {
		say("index:       not built yet for %s (aios index builds it; the LSP server builds it after initialize)", wd)
	} else {
		say("index:       %s (%.1f MiB)", p, float64(st.Size())/(1<<20))
	}
	if ai, err := aiOptions(cfg, nil); err != nil {
		say("ai:          INVALID: %v", err)
		bad = true
	} else {
		o := ai.Critic
		o.Workspace = wd
		if c, err := critic.New(o); err != nil {
			say("critic:      NOT AVAILABLE: %v", err)
			bad = true
		} else {
			say("critic:      threshold %.2f; sandbox %s", threshold(o.Threshold), c.SandboxInfo())
			say("build cache: %s", c.BuildCacheInfo())
		}
		say("escalation:  auto-apply %v, auto-commit %v", ai.Policy.AutoApply, ai.Policy.AutoCommit)
	}
	policy, _ := inference.ParsePolicy(cfg.Policy)
	say("policy:      %s", policy)
	if len(cfg.Backends) == 0 {
		say("models:      none. %s", inference.NotConfiguredHelp)
		say("embeddings:  none: retrieval will use sparse and graph search only")
		if libErr != nil {
			return exitOK, nil
		}
		return exitOK, nil
	}
	for _, b := range cfg.Backends {
		if b.Type == inference.TypeLocal {
			p := cfg.ResolveModel(wd, b.Model)
			if mf, err := inference.InspectModel(p); err != nil {
				say("model %-6s %v", b.Name+":", err)
			} else {
				say("model %-6s %s: %s %s, %d layers, trained context %d, %.1f MiB", b.Name+":", p, mf.Architecture, mf.Name,
					mf.Layers, mf.ContextLength, float64(mf.Size)/(1<<20))
			}
		}
	}
	engine, err := inference.Build(cfg, inference.BuildOptions{Workspace: wd, Logger: newLogger(stderr, slog.LevelError)})
	if err != nil {
		say("backends:    none started: %v", err)
		return exitFindings, nil
	}
	defer engine.Close()
	names := make([]string, 0, len(engine.Problems))
	for n := range engine.Problems {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		say("backend %s: NOT STARTED: %v", n, engine.Problems[n])
		bad = true
	}
	hctx, cancel := context.WithTimeout(ctx, 15*time.Second)
	defer cancel()
	health := engine.Health(hctx)
	for _, rt := range engine.Router.Routes() {
		id := rt.Backend.BackendID()
		state := "healthy"
		if err := health[id]; err != nil {
			state, bad = "UNHEALTHY: "+err.Error(), true
		}
		where := "remote"
		if rt.Local {
			where = "local"
		}
		say("backend %s: %s (%s, context %d tokens, quality %d)", id, state, where, rt.Backend.MaxContextTokens(), rt.Quality)
	}
	if engine.Embedder != nil {
		say("embeddings:  %s", engine.Embedder.BackendID())
	} else {
		say("embeddings:  none configured: retrieval will use sparse and graph search only")
	}
	if bad {
		return exitFindings, nil
	}
	return exitOK, nil
}

func orNone(s string) string {
	if s == "" {
		return "none"
	}
	return s
}

func threshold(t float64) float64 {
	if t == 0 {
		return 0.85
	}
	return t
}
