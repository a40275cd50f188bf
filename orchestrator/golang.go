package orchestrator

import (
	"context"
	"encoding/json"
	"fmt"
	"path/filepath"

	"github.com/aios-dev/aios/agents"
	"github.com/aios-dev/aios/agents/golang"
	"github.com/aios-dev/aios/agents/govet"
	"github.com/aios-dev/aios/critic"
)

// GoOptions configure the Go analysis agents of a node.
type GoOptions struct {
	Dir        string   // workspace directory the go command runs in
	Tests      bool     // analyse _test.go files too
	Env        []string // extra environment for the go command
	BuildFlags []string
}

// GoAgents returns an Options.Agents function that registers the Go
// analysis agents (Diagnose, QuickFix and the per-file micro agents).
func GoAgents(opts GoOptions) func(*Kernel) error {
	return func(k *Kernel) error {
		engine, err := govet.New(govet.Options{
			Dir: opts.Dir, Tests: opts.Tests, Env: opts.Env, BuildFlags: opts.BuildFlags, Logger: k.log,
		})
		if err != nil {
			return err
		}
		k.SetDiagnoser(func(ctx context.Context, view critic.View, file string) ([]critic.Target, error) {
			abs := filepath.Join(view.Root, filepath.FromSlash(file))
			res, err := engine.AnalyzeFiles(ctx, []string{abs}, govet.Overlay(view.Files))
			if err != nil {
				return nil, err
			}
			var out []critic.Target
			for _, f := range res.Findings {
				if filepath.Clean(f.File) == abs {
					out = append(out, critic.Target{File: file, Line: f.Start.Line, Message: f.Message, Source: f.Analyzer})
				}
			}
			return out, nil
		})
		return golang.Register(k.reg, k.bus, k.overlay, engine, k.log)
	}
}

// Aliases of the content types the kernel hands to its callers.
type (
	Finding      = agents.Finding
	FindingSet   = agents.FindingSet
	Fix          = agents.Fix
	FixCandidate = agents.FixCandidate
	FixSet       = agents.FixSet
	Edit         = agents.Edit
	TaskRecord   = agents.TaskRecord
	DocumentRef  = agents.DocumentRef
	ByteRange    = agents.ByteRange
)

func mustJSON(v any) json.RawMessage {
	data, err := json.Marshal(v)
	if err != nil {
		panic(fmt.Sprintf("orchestrator: encoding %T: %v", v, err)) // only plain structs are encoded
	}
	return data
}

// Diagnose runs a diagnose task on the document at path.
func (k *Kernel) Diagnose(ctx context.Context, doc DocumentRef, onEvent func(Event)) (*FindingSet, *Outcome, error) {
	out, err := k.Submit(ctx, Request{Kind: KindDiagnose, Inputs: Inputs{"document": mustJSON(doc)}, OnEvent: onEvent})
	if err != nil {
		return nil, nil, err
	}
	var fs FindingSet
	if err := out.Output("diagnose", &fs); err != nil {
		return nil, out, err
	}
	return &fs, out, nil
}

// CodeActions runs a task that lists the fixes available for rng of doc.
func (k *Kernel) CodeActions(ctx context.Context, doc DocumentRef, rng ByteRange, onEvent func(Event)) (*FixSet, error) {
	out, err := k.Submit(ctx, Request{Kind: KindCodeActions, OnEvent: onEvent,
		Inputs: Inputs{"document": mustJSON(doc), "range": mustJSON(rng)}})
	if err != nil {
		return nil, err
	}
	var fixes FixSet
	return &fixes, out.Output("quickfix", &fixes)
}

// ResolveFix runs a task that computes the fixes for rng of doc and has the
// Critic verify them.
func (k *Kernel) ResolveFix(ctx context.Context, doc DocumentRef, rng ByteRange, onEvent func(Event)) (*FixSet, error) {
	out, err := k.Submit(ctx, Request{Kind: KindResolveFix, OnEvent: onEvent,
		Inputs: Inputs{"document": mustJSON(doc), "range": mustJSON(rng)}})
	if err != nil {
		return nil, err
	}
	var fixes FixSet
	return &fixes, out.Output("critic", &fixes)
}

// Lint runs a lint task over go package patterns.
func (k *Kernel) Lint(ctx context.Context, patterns []string, onEvent func(Event)) (*FindingSet, *Outcome, error) {
	out, err := k.Submit(ctx, Request{Kind: KindLint, Inputs: Inputs{"patterns": mustJSON(patterns)}, OnEvent: onEvent})
	if err != nil {
		return nil, nil, err
	}
	var fs FindingSet
	if err := out.Output("lint", &fs); err != nil {
		return nil, out, err
	}
	return &fs, out, nil
}
