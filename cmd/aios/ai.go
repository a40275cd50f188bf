package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/aios-dev/aios/agents/escalate"
	"github.com/aios-dev/aios/critic"
	"github.com/aios-dev/aios/inference"
	"github.com/aios-dev/aios/orchestrator"
)

// aiSettings is the "ai" object of .aios.json (and of the editor's
// initializationOptions): what happens to AI edits.
type aiSettings struct {
	// AutoApply applies routine (Tier 3) edits without asking.
	AutoApply *bool `json:"autoApply,omitempty"`
	// AutoCommit commits accepted edits (default true).
	AutoCommit *bool `json:"autoCommit,omitempty"`
	// Threshold is the critic's acceptance threshold (default 0.85).
	Threshold float64 `json:"threshold,omitempty"`
	// Weights of the critic's five dimensions (default 0.30, 0.25, 0.10,
	// 0.15, 0.20).
	Weights *critic.Weights `json:"weights,omitempty"`
	// Sandbox is "auto" (default), "bwrap" or "fallback".
	Sandbox string `json:"sandbox,omitempty"`
	// Tests runs the affected packages' tests in the sandbox (default true).
	Tests *bool `json:"tests,omitempty"`
	// Judge lets the model judge intent for the critic (default false).
	Judge *bool `json:"judge,omitempty"`
}

// aiOptions assembles the AI options of a workspace: .aios.json's "ai",
// then AIOS_AUTO_APPLY and AIOS_AUTO_COMMIT, then the editor's (may be nil).
func aiOptions(cfg inference.Config, editor json.RawMessage) (*orchestrator.AIOptions, error) {
	var s aiSettings
	for _, src := range []struct {
		name string
		data json.RawMessage
	}{{inference.ConfigFile + ": ai", cfg.AI}, {"initializationOptions.ai", editor}} {
		if len(src.data) == 0 || string(src.data) == "null" {
			continue
		}
		dec := json.NewDecoder(bytes.NewReader(src.data))
		dec.DisallowUnknownFields()
		var over aiSettings
		if err := dec.Decode(&over); err != nil {
			return nil, fmt.Errorf("%s: %v", src.name, err)
		}
		s = mergeAI(s, over)
	}
	for name, dst := range map[string]**bool{"AIOS_AUTO_APPLY": &s.AutoApply, "AIOS_AUTO_COMMIT": &s.AutoCommit} {
		if v := os.Getenv(name); v != "" {
			b, err := strconv.ParseBool(v)
			if err != nil {
				return nil, fmt.Errorf("$%s: %q is not a boolean", name, v)
			}
			*dst = &b
		}
	}
	policy := escalate.DefaultPolicy()
	if s.AutoApply != nil {
		policy.AutoApply = *s.AutoApply
	}
	if s.AutoCommit != nil {
		policy.AutoCommit = *s.AutoCommit
	}
	opts := &orchestrator.AIOptions{Policy: &policy, Critic: critic.Options{Threshold: s.Threshold}}
	if s.Threshold < 0 || s.Threshold > 1 {
		return nil, fmt.Errorf("ai.threshold %v is outside [0, 1]", s.Threshold)
	}
	if s.Weights != nil {
		opts.Critic.Weights = *s.Weights
	}
	if s.Tests != nil && !*s.Tests {
		opts.Critic.DisableTests = true
	}
	opts.Judge = s.Judge != nil && *s.Judge
	switch s.Sandbox {
	case "", "auto":
		opts.Critic.Sandbox = critic.SandboxAuto
	case "bwrap":
		opts.Critic.Sandbox = critic.SandboxBwrap
	case "fallback":
		opts.Critic.Sandbox = critic.SandboxFallback
	default:
		return nil, fmt.Errorf("ai.sandbox %q: want auto, bwrap or fallback", s.Sandbox)
	}
	return opts, nil
}

func mergeAI(a, b aiSettings) aiSettings {
	if b.AutoApply != nil {
		a.AutoApply = b.AutoApply
	}
	if b.AutoCommit != nil {
		a.AutoCommit = b.AutoCommit
	}
	if b.Threshold != 0 {
		a.Threshold = b.Threshold
	}
	if b.Weights != nil {
		a.Weights = b.Weights
	}
	if b.Sandbox != "" {
		a.Sandbox = b.Sandbox
	}
	if b.Tests != nil {
		a.Tests = b.Tests
	}
	if b.Judge != nil {
		a.Judge = b.Judge
	}
	return a
}

// runAI implements `aios run "instruction" [--dry-run] [--apply] [--commit] [--file PATH]`.
func runAI(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) (int, error) {
	fs := flag.NewFlagSet("aios run", flag.ContinueOnError)
	fs.SetOutput(stderr)
	dir := workspaceFlag(fs)
	dry := fs.Bool("dry-run", false, "print the patch and the verdict; change nothing")
	apply := fs.Bool("apply", false, "apply the accepted patch to the working tree")
	commit := fs.Bool("commit", false, "commit the applied patch (only the files it touches)")
	file := fs.String("file", "", "scope the task to `PATH` (workspace-relative)")
	asJSON := fs.Bool("json", false, "print the result as JSON")
	words, err := parseInterspersed(fs, args)
	if err != nil {
		return exitUsage, err
	}
	instruction := strings.TrimSpace(strings.Join(words, " "))
	if instruction == "" {
		return exitUsage, usagef(`aios run needs an instruction: aios run "add a doc comment to Parse"`)
	}
	if *dry && (*apply || *commit) {
		return exitUsage, usagef("--dry-run excludes --apply and --commit")
	}
	root, err := absDir(*dir)
	if err != nil {
		return exitUsage, err
	}
	cfg, _, err := inferenceConfig(root, nil)
	if err != nil {
		return exitUsage, usagef("inference configuration: %v", err)
	}
	if len(cfg.Backends) == 0 {
		return exitUsage, usagef("no model configured. %s", inference.NotConfiguredHelp)
	}
	aiOpts, err := aiOptions(cfg, nil)
	if err != nil {
		return exitUsage, usagef("%v", err)
	}
	log := newLogger(stderr, slog.LevelWarn)
	meter := inference.NewMeter()
	lazy := inference.NewLazy(meter, func() (*inference.Engine, error) {
		return inference.Build(cfg, inference.BuildOptions{Workspace: root, Logger: log, Meter: meter})
	})
	k, err := orchestrator.New(orchestrator.Options{
		Logger: log, Workspace: root, Inference: lazy, InferenceMeter: meter, EmbedModel: embeddingModel(cfg), AI: aiOpts,
		Agents: orchestrator.GoAgents(orchestrator.GoOptions{Dir: root, Tests: true}),
	})
	if err != nil {
		return exitUsage, err
	}
	defer k.Close()
	t := orchestrator.AITask{Kind: "instruction", Instruction: instruction}
	if *file != "" {
		rel := filepath.ToSlash(filepath.Clean(*file))
		if filepath.IsAbs(*file) {
			r, err := filepath.Rel(root, *file)
			if err != nil || strings.HasPrefix(r, "..") {
				return exitUsage, usagef("--file %s is outside the workspace %s", *file, root)
			}
			rel = filepath.ToSlash(r)
		}
		if _, err := os.Stat(filepath.Join(root, filepath.FromSlash(rel))); err != nil {
			return exitUsage, usagef("--file %s: %v", *file, err)
		}
		t.File = rel
	}
	stop := progress(stderr, "indexing the workspace")
	if err := k.OpenKnowledge(""); err == nil {
		if _, err := k.RefreshKnowledge(ctx); err != nil {
			fmt.Fprintf(stderr, "aios: the workspace index could not be refreshed; running without retrieval: %v\n", err)
		}
	} else {
		fmt.Fprintf(stderr, "aios: the workspace index could not be opened; running without retrieval: %v\n", err)
	}
	stop()
	stop = progress(stderr, "running the task")
	res, err := k.AIEdit(ctx, t, nil, nil)
	stop()
	if err != nil {
		return exitUsage, err
	}
	report := runReport{Result: res}
	if !res.Accepted() {
		printRun(stdout, &report, *asJSON)
		return exitFindings, nil
	}
	d := res.Outcome.Decision
	wantApply := !*dry && (*apply || d.Apply)
	if wantApply && d.Tier == escalate.Tier1 {
		if !confirm(stdin, stderr, fmt.Sprintf("This edit needs your decision (%s). Apply it? [y/N] ", strings.Join(d.Reasons, "; "))) {
			report.Notes = append(report.Notes, "not applied: tier 1 edits need an explicit decision on a terminal")
			wantApply = false
		}
	}
	if wantApply {
		if err := writeChanges(root, res.Patch); err != nil {
			return exitUsage, err
		}
		report.Applied = true
		// --apply is the user accepting the edit: the policy's rule for an
		// accepted edit decides the commit (auto-commit on, tier allowing).
		accepted, _ := k.Policy().OnAccepted(d)
		if (*commit || d.Commit || (*apply && accepted)) && d.Tier != escalate.Tier1 {
			c, err := k.Commit(ctx, res.Task.ID)
			if err != nil {
				report.Notes = append(report.Notes, "applied but not committed: "+err.Error())
			} else {
				report.Commit = c.Commit
			}
		} else if *commit {
			report.Notes = append(report.Notes, "not committed: tier 1 edits are never committed automatically")
		}
	} else if !*dry && !*apply {
		report.Notes = append(report.Notes, "not applied: pass --apply (or enable ai.autoApply for routine edits)")
	}
	printRun(stdout, &report, *asJSON)
	return exitOK, nil
}

// runReport is what aios run prints.
type runReport struct {
	Result  *orchestrator.AIResult `json:"result"`
	Applied bool                   `json:"applied"`
	Commit  string                 `json:"commit,omitempty"`
	Notes   []string               `json:"notes,omitempty"`
}

func printRun(w io.Writer, r *runReport, asJSON bool) {
	if asJSON {
		json.NewEncoder(w).Encode(r)
		return
	}
	res := r.Result
	if res.Outcome != nil && res.Outcome.Review != nil {
		fmt.Fprint(w, res.Outcome.Review.Diff)
		rv := res.Outcome.Review
		fmt.Fprintf(w, "\ncritic: %.3f (threshold %.2f, sandbox %s)\n", rv.Total, rv.Threshold, rv.SandboxMode)
		for _, d := range rv.Dimensions {
			skipped := ""
			if d.Skipped {
				skipped = " (skipped)"
			}
			fmt.Fprintf(w, "  %-12s %.2f × %.2f%s  %s\n", d.Name, d.Score, d.Weight, skipped, strings.Join(d.Evidence, "; "))
		}
		for _, v := range rv.Vetoes {
			fmt.Fprintf(w, "  veto: %s\n", v)
		}
	} else if res.Outcome != nil && res.Outcome.Problem != "" {
		fmt.Fprintf(w, "no usable edit: %s\n", res.Outcome.Problem)
	}
	if res.Accepted() {
		d := res.Outcome.Decision
		fmt.Fprintf(w, "decision: %s (%s)\n", d.Tier, strings.Join(d.Reasons, "; "))
	} else {
		fmt.Fprintf(w, "decision: vetoed after %d attempts\n", len(res.Attempts))
	}
	if r.Applied {
		fmt.Fprintln(w, "applied to the working tree")
	}
	if r.Commit != "" {
		fmt.Fprintf(w, "committed %s\n", r.Commit)
	}
	for _, n := range r.Notes {
		fmt.Fprintln(w, n)
	}
}

// confirm asks a yes/no question on a terminal; false when stdin is not
// one.
func confirm(stdin io.Reader, stderr io.Writer, question string) bool {
	f, ok := stdin.(*os.File)
	if !ok {
		return false
	}
	if st, err := f.Stat(); err != nil || st.Mode()&os.ModeCharDevice == 0 {
		return false
	}
	fmt.Fprint(stderr, question)
	line, _ := bufio.NewReader(f).ReadString('\n')
	return strings.EqualFold(strings.TrimSpace(line), "y") || strings.EqualFold(strings.TrimSpace(line), "yes")
}

// writeChanges applies a patch to the working tree.
func writeChanges(root string, p *orchestrator.AIPatch) error {
	for _, c := range p.Changes {
		path := filepath.Join(root, filepath.FromSlash(c.Path))
		if c.Delete {
			if err := os.Remove(path); err != nil && !errors.Is(err, os.ErrNotExist) {
				return err
			}
			continue
		}
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			return err
		}
		mode := os.FileMode(0o644)
		if st, err := os.Stat(path); err == nil {
			mode = st.Mode().Perm()
		}
		if err := os.WriteFile(path, c.Content, mode); err != nil {
			return err
		}
	}
	return nil
}

// runUndo implements `aios undo`.
func runUndo(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("aios undo", flag.ContinueOnError)
	fs.SetOutput(stderr)
	dir := workspaceFlag(fs)
	if err := fs.Parse(args); err != nil {
		return usagef("%v", err)
	}
	if fs.NArg() > 0 {
		return usagef("aios undo takes no arguments")
	}
	root, err := absDir(*dir)
	if err != nil {
		return err
	}
	k, err := orchestrator.New(orchestrator.Options{Workspace: root, Logger: newLogger(stderr, slog.LevelWarn)})
	if err != nil {
		return err
	}
	defer k.Close()
	u, err := k.Undo(ctx)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "reverted %s (%s); HEAD is %s; restored %s\n", u.Reverted, firstLine(u.Message), u.Head, strings.Join(u.Files, ", "))
	return nil
}

func firstLine(s string) string {
	l, _, _ := strings.Cut(s, "\n")
	return l
}
