package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/aios-dev/aios/orchestrator"
)

func runLint(ctx context.Context, args []string, stdout, stderr io.Writer) (int, error) {
	fs := flag.NewFlagSet("aios lint", flag.ContinueOnError)
	fs.SetOutput(stderr)
	dir := fs.String("C", ".", "run in `DIR` (the workspace root)")
	tests := fs.Bool("tests", true, "analyse _test.go files too")
	tags := fs.String("tags", "", "comma-separated build tags")
	if err := fs.Parse(args); err != nil {
		return exitUsage, usagef("%v", err)
	}
	patterns := fs.Args()
	if len(patterns) == 0 {
		patterns = []string{"./..."}
	}
	root, err := filepath.Abs(*dir)
	if err != nil {
		return exitUsage, usagef("-C %s: %v", *dir, err)
	}
	if st, err := os.Stat(root); err != nil || !st.IsDir() {
		return exitUsage, usagef("-C %s: not a directory", *dir)
	}
	var flags []string
	if *tags != "" {
		flags = append(flags, "-tags="+*tags)
	}
	log := newLogger(stderr, slog.LevelWarn)
	k, err := orchestrator.New(orchestrator.Options{
		Logger: log,
		Agents: orchestrator.GoAgents(orchestrator.GoOptions{Dir: root, Tests: *tests, BuildFlags: flags}),
	})
	if err != nil {
		return exitUsage, err
	}
	defer k.Close()
	start := time.Now()
	set, out, err := k.Lint(ctx, patterns, nil)
	if err != nil {
		return exitUsage, err
	}
	cwd, _ := os.Getwd()
	var patternErrs []string
	findings := 0
	for _, f := range set.Findings {
		if f.File == "" {
			// An error about the patterns themselves (no such directory,
			// no matching package): the command line is wrong.
			patternErrs = append(patternErrs, f.Message)
			continue
		}
		findings++
		f.File = relative(cwd, f.File)
		fmt.Fprintln(stdout, f.String())
	}
	if len(patternErrs) > 0 {
		return exitUsage, errors.New(strings.Join(patternErrs, "\n"))
	}
	fmt.Fprintf(stderr, "aios lint: %d findings in %d packages (task %s, %v)\n",
		findings, len(set.Packages), out.Task.ID, time.Since(start).Round(time.Millisecond))
	if findings > 0 {
		return exitFindings, nil
	}
	return exitOK, nil
}

// relative returns path relative to dir when it lies below it.
func relative(dir, path string) string {
	if rel, err := filepath.Rel(dir, path); err == nil && !strings.HasPrefix(rel, "..") {
		return rel
	}
	return path
}
