package lsp

import (
	"context"
	"encoding/json"
	"fmt"
	"path/filepath"

	"go.lsp.dev/protocol"
	"go.lsp.dev/uri"

	"github.com/aios-dev/aios/orchestrator"
)

// Commands the server executes.
const (
	CommandTasks     = "aios.tasks"     // list recent tasks with their steps and timings
	CommandLint      = "aios.lint"      // lint packages (default ./...) and publish the findings
	CommandInference = "aios.inference" // the inference layer's metering and state
	CommandSearch    = "aios.search"    // retrieve the chunks most relevant to a query (SearchArgs)
	CommandIndex     = "aios.index"     // bring the workspace index up to date; report what it holds
)

var commands = []string{CommandTasks, CommandLint, CommandInference, CommandSearch, CommandIndex,
	CommandTask, CommandAccept, CommandApply, CommandReject, CommandUndo}

// LintSummary is the result of the aios.lint command.
type LintSummary struct {
	Task     string   `json:"task"`
	Findings int      `json:"findings"`
	Files    int      `json:"files"`
	Packages []string `json:"packages"`
}

// ExecuteCommand runs an aios command.
func (s *Server) ExecuteCommand(ctx context.Context, params *protocol.ExecuteCommandParams) (protocol.LSPAny, error) {
	k, err := s.currentKernel()
	if err != nil {
		return nil, err
	}
	var result any
	switch params.Command {
	case CommandTasks:
		limit := 20
		if len(params.Arguments) > 0 {
			if err := json.Unmarshal(params.Arguments[0], &limit); err != nil {
				return nil, invalidParams("%s takes an optional number of tasks: %v", CommandTasks, err)
			}
		}
		result, err = k.Tasks(ctx, limit)
	case CommandLint:
		patterns := []string{"./..."}
		if len(params.Arguments) > 0 {
			if err := json.Unmarshal(params.Arguments[0], &patterns); err != nil || len(patterns) == 0 {
				return nil, invalidParams("%s takes an optional list of package patterns", CommandLint)
			}
		}
		result, err = s.lint(ctx, k, patterns, params.WorkDoneToken)
	case CommandInference:
		result = k.InferenceStatus()
	case CommandSearch:
		result, err = s.search(ctx, k, params.Arguments)
	case CommandIndex:
		result, err = s.reindex(ctx, k, params.WorkDoneToken)
	case CommandTask:
		result, err = s.runAITask(ctx, k, params.Arguments, params.WorkDoneToken)
	case CommandAccept, CommandApply, CommandReject, CommandUndo:
		result, err = s.aiCommand(ctx, k, params.Command, params.Arguments)
	default:
		return nil, invalidParams("unknown command %q (aios knows %v)", params.Command, commands)
	}
	if err != nil {
		return nil, err
	}
	data, err := json.Marshal(result)
	if err != nil {
		return nil, err
	}
	return data, nil
}

// lint runs the lint task with progress and publishes the findings of every
// file that has some.
func (s *Server) lint(ctx context.Context, k *orchestrator.Kernel, patterns []string, token protocol.ProgressToken) (*LintSummary, error) {
	p, ctx, cancel := s.startProgress(ctx, "aios lint", token)
	defer cancel()
	fs, out, err := k.Lint(ctx, patterns, func(e orchestrator.Event) {
		if e.Kind == orchestrator.StepStarted {
			p.report(ctx, fmt.Sprintf("%s: %s", e.Step.ID, e.Step.Agent), uint32(100*e.Done/max(e.Total, 1)))
		}
	})
	if err != nil {
		if ctx.Err() != nil {
			p.end(ctx, "cancelled")
			return nil, protocol.ErrRequestCancelled
		}
		p.end(ctx, "failed: "+err.Error())
		return nil, err
	}
	byFile := make(map[string][]orchestrator.Finding)
	for _, f := range fs.Findings {
		byFile[f.File] = append(byFile[f.File], f)
	}
	s.mu.Lock()
	pull := s.caps.pullDiagnostics
	s.mu.Unlock()
	if !pull {
		for path, findings := range byFile {
			s.publishFileFindings(ctx, k, path, findings)
		}
	}
	p.end(ctx, fmt.Sprintf("%d findings in %d files", len(fs.Findings), len(byFile)))
	return &LintSummary{Task: out.Task.ID, Findings: len(fs.Findings), Files: len(byFile), Packages: fs.Packages}, nil
}

// publishFileFindings publishes findings for a file that may not be open.
func (s *Server) publishFileFindings(ctx context.Context, k *orchestrator.Kernel, path string, findings []orchestrator.Finding) {
	u := string(uri.File(path))
	s.mu.Lock()
	doc := s.docs[u]
	s.mu.Unlock()
	if doc == nil {
		m, version, err := s.mapperFor(k, path)
		if err != nil {
			s.log.Warn("cannot read file with findings", "path", path, "err", err)
			return
		}
		doc = &document{uri: u, path: filepath.Clean(path), version: version, mapper: m}
	}
	diags := s.toDiagnostics(k, doc, findings)
	params := &protocol.PublishDiagnosticsParams{URI: uri.URI(u), Diagnostics: diags}
	if doc.version >= 0 {
		params.Version = protocol.NewOptional(doc.version)
	}
	s.mu.Lock()
	s.published[u] = true
	s.mu.Unlock()
	if err := s.client.PublishDiagnostics(ctx, params); err != nil {
		s.log.Warn("publishDiagnostics failed", "uri", u, "err", err)
	}
}
