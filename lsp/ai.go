package lsp

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"strings"

	"go.lsp.dev/protocol"

	"github.com/aios-dev/aios/agents/escalate"
	"github.com/aios-dev/aios/critic"
	"github.com/aios-dev/aios/orchestrator"
)

// AI code actions. On an explicit request (triggerKind Invoked, or a
// client that does not say), aios plans an AI task for each of its
// diagnostics under the cursor, a TODO on the lines, and the function
// there (a doc comment when it has none, tests), runs them with progress,
// and offers those the Critic accepted, titled with their score. An
// automatic request gets the candidates already computed for the same
// version of the document (an explicit request for the same version and
// lines reuses them too). codeAction/resolve renders the edit; its
// command (aios.accept) records the acceptance and commits when the
// escalation policy says so. An edit that needs a human decision (Tier
// 1) is offered as a command (aios.apply) that asks first.

// Commands of AI actions.
const (
	CommandTask   = "aios.task"   // {"instruction": TEXT, "file": URI}: run an AI task and apply its result
	CommandAccept = "aios.accept" // [taskId]: the user applied an AI action
	CommandApply  = "aios.apply"  // [taskId]: ask, then apply an AI edit that needs a human decision
	CommandReject = "aios.reject" // [taskId]: the user turned an AI action down
	CommandUndo   = "aios.undo"   // revert the last AI commit
)

// maxAITasks bounds the AI tasks one code action request runs.
const maxAITasks = 3

// aiActionData is the Data of an AI code action.
type aiActionData struct {
	AI      string `json:"ai"`
	URI     string `json:"uri"`
	Version int32  `json:"version"`
}

// aiActions returns the AI code actions for the lines start..end of doc.
func (s *Server) aiActions(ctx context.Context, k *orchestrator.Kernel, doc *document, params *protocol.CodeActionParams, start, end int) []protocol.CommandOrCodeAction {
	if !k.AIEnabled() || doc.path == "" {
		return nil
	}
	invoked := params.Context.TriggerKind != protocol.CodeActionTriggerKindAutomatic
	key := fmt.Sprintf("%s@%d:%d-%d", doc.uri, doc.version, start, end)
	var results []*orchestrator.AIResult
	s.mu.Lock()
	ids, cached := s.aiCache[key]
	s.mu.Unlock()
	for _, id := range ids {
		if r, ok := k.Candidate(id); ok {
			results = append(results, r)
		}
	}
	if cached && len(results) == len(ids) {
		// Computed already for this version of the document and these
		// lines: asking again costs nothing.
	} else if invoked {
		results = nil
		tasks := s.aiTasks(doc, params, start, end)
		if len(tasks) == 0 {
			return nil
		}
		p, pctx, cancel := s.startProgress(ctx, "aios: AI actions", params.WorkDoneToken)
		defer cancel()
		var ids []string
		for i, t := range tasks {
			p.report(pctx, describeTask(&t), uint32(100*i/len(tasks)))
			res, err := k.AIEdit(pctx, t, &orchestrator.DocumentRef{Path: doc.path, Version: doc.version}, nil)
			if err != nil {
				if pctx.Err() != nil {
					p.end(pctx, "cancelled")
					return nil
				}
				s.log.Warn("AI task failed", "task", describeTask(&t), "err", err)
				s.warnUser(pctx, "aios: "+describeTask(&t)+": "+err.Error())
				continue
			}
			ids = append(ids, res.Task.ID)
			results = append(results, res)
		}
		p.end(pctx, fmt.Sprintf("%d AI candidates, %d accepted", len(results), countAccepted(results)))
		s.mu.Lock()
		prefix := doc.uri + "@"
		for k := range s.aiCache { // the document's older versions are done with
			if strings.HasPrefix(k, prefix) && !strings.HasPrefix(k, fmt.Sprintf("%s%d:", prefix, doc.version)) {
				delete(s.aiCache, k)
			}
		}
		s.aiCache[key] = ids
		s.mu.Unlock()
	}
	var out []protocol.CommandOrCodeAction
	for _, res := range results {
		if invoked && res.Accepted() && res.Outcome.Decision.Apply {
			// Routine (tier 3) with auto-apply on: applied, and committed
			// when auto-commit is on too, without a further question.
			r, err := s.applyCandidate(ctx, k, res, false)
			if err != nil {
				s.warnUser(ctx, "aios: could not apply the routine AI edit: "+err.Error())
			} else {
				msg := fmt.Sprintf("aios applied “%s” (critic %.2f)", describeTask(&res.Task), res.Score())
				if r.Committed != "" {
					msg += " and committed it as " + r.Committed[:min(12, len(r.Committed))] + "; aios.undo reverts it"
				}
				s.logToClient(ctx, protocol.MessageTypeInfo, msg)
				s.mu.Lock()
				show := s.caps.showMessage
				s.mu.Unlock()
				if show {
					s.client.ShowMessage(context.WithoutCancel(ctx), &protocol.ShowMessageParams{Type: protocol.MessageTypeInfo, Message: msg})
				}
			}
			continue
		}
		if a := s.aiAction(doc, res); a != nil {
			out = append(out, a)
		}
	}
	return out
}

func countAccepted(rs []*orchestrator.AIResult) int {
	n := 0
	for _, r := range rs {
		if r.Accepted() {
			n++
		}
	}
	return n
}

// aiAction is the code action of an accepted candidate; nil when vetoed.
func (s *Server) aiAction(doc *document, res *orchestrator.AIResult) *protocol.CodeAction {
	if !res.Accepted() {
		s.log.Info("AI candidate vetoed", "task", res.Task.ID, "score", res.Score(), "attempts", len(res.Attempts))
		return nil
	}
	d := res.Outcome.Decision
	title := fmt.Sprintf("AI: %s (critic %.2f)", describeTask(&res.Task), res.Score())
	kind := protocol.CodeActionKindQuickFix
	if res.Task.Kind != orchestrator.KindAIFixTask {
		kind = protocol.CodeActionKindRefactorRewrite
	}
	id, _ := json.Marshal(res.Task.ID)
	a := &protocol.CodeAction{Title: title, Kind: &kind}
	if d.Tier == escalate.Tier1 || needsResourceOps(res) {
		if d.Tier == escalate.Tier1 {
			a.Title += " — needs your review"
		}
		a.Command = protocol.Command{Title: a.Title, Command: CommandApply, Arguments: []protocol.LSPAny{id}}
		return a
	}
	a.Data, _ = json.Marshal(aiActionData{AI: res.Task.ID, URI: doc.uri, Version: doc.version})
	a.Command = protocol.Command{Title: "accept", Command: CommandAccept, Arguments: []protocol.LSPAny{id}}
	return a
}

// needsResourceOps: the patch creates or deletes files, which plain text
// edits cannot express; the server applies it through aios.apply.
func needsResourceOps(res *orchestrator.AIResult) bool {
	for _, c := range res.Patch.Changes {
		if c.Created || c.Delete {
			return true
		}
	}
	return false
}

// describeTask names a task for titles and progress.
func describeTask(t *orchestrator.AITask) string {
	switch t.Kind {
	case orchestrator.KindAIFixTask:
		if t.Target != nil {
			return "fix “" + t.Target.Message + "”"
		}
		return "fix the problem"
	case "todo":
		return fmt.Sprintf("implement the TODO on line %d", t.Line)
	case "tests":
		return "write tests for " + t.Symbol
	case "doc":
		return "add a doc comment to " + t.Symbol
	}
	return t.Instruction
}

// aiTasks lists the AI tasks that make sense at the lines start..end.
func (s *Server) aiTasks(doc *document, params *protocol.CodeActionParams, start, end int) []orchestrator.AITask {
	s.mu.Lock()
	root := s.root
	s.mu.Unlock()
	rel, err := filepath.Rel(root, doc.path)
	if err != nil || strings.HasPrefix(rel, "..") {
		return nil
	}
	rel = filepath.ToSlash(rel)
	var tasks []orchestrator.AITask
	for _, d := range params.Context.Diagnostics {
		if src, _ := d.Source.Get(); src != "aios" && src != "" {
			continue
		}
		line := int(d.Range.Start.Line) + 1
		code := ""
		if c, ok := d.Code.(protocol.String); ok {
			code = string(c)
		}
		msg := ""
		switch m := d.Message.(type) {
		case protocol.String:
			msg = string(m)
		case *protocol.MarkupContent:
			msg = m.Value
		}
		tasks = append(tasks, orchestrator.AITask{Kind: orchestrator.KindAIFixTask, File: rel, Line: line, EndLine: int(d.Range.End.Line) + 1,
			Target: &critic.Target{File: rel, Line: line, Message: msg, Source: code}})
	}
	content := doc.mapper.Content()
	startLine := lineOf(content, start)
	for i, l := range strings.Split(string(content[start:min(end, len(content))]), "\n") {
		if strings.Contains(l, "TODO") {
			tasks = append(tasks, orchestrator.AITask{Kind: "todo", File: rel, Line: startLine + i, EndLine: startLine + i})
			break
		}
	}
	if strings.HasSuffix(rel, ".go") {
		if fn, hasDoc, from, to := funcAt(content, start); fn != "" {
			if !hasDoc {
				tasks = append(tasks, orchestrator.AITask{Kind: "doc", File: rel, Symbol: fn, Line: from, EndLine: to})
			}
			if !strings.HasSuffix(rel, "_test.go") {
				tasks = append(tasks, orchestrator.AITask{Kind: "tests", File: rel, Symbol: fn, Line: from, EndLine: to})
			}
		}
	}
	if len(tasks) > maxAITasks {
		tasks = tasks[:maxAITasks]
	}
	return tasks
}

// lineOf is the 1-based line of byte offset off.
func lineOf(content []byte, off int) int {
	return strings.Count(string(content[:min(off, len(content))]), "\n") + 1
}

// funcAt finds the function declaration holding byte offset off: its name
// (Recv.Name for methods), whether it has a doc comment, and its lines.
func funcAt(content []byte, off int) (name string, hasDoc bool, from, to int) {
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, "x.go", content, parser.ParseComments|parser.SkipObjectResolution)
	if err != nil && f == nil {
		return "", false, 0, 0
	}
	for _, d := range f.Decls {
		fn, ok := d.(*ast.FuncDecl)
		if !ok {
			continue
		}
		b, e := fset.Position(fn.Pos()).Offset, fset.Position(fn.End()).Offset
		if fn.Doc != nil {
			b = fset.Position(fn.Doc.Pos()).Offset
		}
		if off < b || off > e {
			continue
		}
		name = fn.Name.Name
		if fn.Recv != nil && len(fn.Recv.List) == 1 {
			t := fn.Recv.List[0].Type
			if st, ok := t.(*ast.StarExpr); ok {
				t = st.X
			}
			if id, ok := t.(*ast.Ident); ok {
				name = id.Name + "." + name
			}
		}
		return name, fn.Doc != nil, fset.Position(fn.Pos()).Line, fset.Position(fn.End()).Line
	}
	return "", false, 0, 0
}

// resolveAIAction renders the edit of an AI candidate.
func (s *Server) resolveAIAction(k *orchestrator.Kernel, action *protocol.CodeAction, data *aiActionData) error {
	res, ok := k.Candidate(data.AI)
	if !ok {
		return protocol.ErrContentModified
	}
	doc, err := s.lookup(data.URI)
	if err != nil {
		return err
	}
	if doc.version != data.Version {
		return protocol.ErrContentModified
	}
	we, err := s.aiWorkspaceEdit(k, res)
	if err != nil {
		return err
	}
	action.Edit = we
	return nil
}

// aiWorkspaceEdit turns a candidate's changes of existing files into text
// edits against their current content (the open buffer or the disk): one
// edit per file, spanning the lines that differ.
func (s *Server) aiWorkspaceEdit(k *orchestrator.Kernel, res *orchestrator.AIResult) (*protocol.WorkspaceEdit, error) {
	s.mu.Lock()
	root := s.root
	s.mu.Unlock()
	we := &protocol.WorkspaceEdit{Changes: make(map[uriKey][]protocol.TextEdit)}
	for _, c := range res.Patch.Changes {
		if c.Created || c.Delete {
			return nil, fmt.Errorf("the AI edit creates or deletes %s: apply it with %s", c.Path, CommandApply)
		}
		path := filepath.Join(root, filepath.FromSlash(c.Path))
		te, err := s.replaceEdits(k, path, c.Content)
		if err != nil {
			return nil, err
		}
		we.Changes[uriKey(fileURI(path))] = te
	}
	return we, nil
}

// replaceEdits is the text edit that turns the current content of path
// (the open buffer, or the disk) into content: one edit spanning the lines
// that differ.
func (s *Server) replaceEdits(k *orchestrator.Kernel, path string, content []byte) ([]protocol.TextEdit, error) {
	m, _, err := s.mapperFor(k, path)
	if err != nil {
		return nil, err
	}
	old := m.Content()
	p, q := commonAffixes(old, content)
	return textEdits(m, []orchestrator.Edit{{File: path, Start: p, End: len(old) - q, NewText: string(content[p : len(content)-q])}})
}

// commonAffixes returns the lengths of the common prefix and suffix of a
// and b that start at line boundaries of a and do not overlap.
func commonAffixes(a, b []byte) (prefix, suffix int) {
	n := min(len(a), len(b))
	for prefix < n && a[prefix] == b[prefix] {
		prefix++
	}
	for prefix > 0 && a[prefix-1] != '\n' {
		prefix--
	}
	for suffix < n-prefix && a[len(a)-1-suffix] == b[len(b)-1-suffix] {
		suffix++
	}
	for suffix > 0 && len(a)-suffix > 0 && a[len(a)-suffix-1] != '\n' {
		suffix--
	}
	return prefix, suffix
}

// AITaskArgs are the argument of the aios.task command.
type AITaskArgs struct {
	Instruction string `json:"instruction"`
	// File is the document (URI) the instruction is about, if any.
	File string `json:"file,omitempty"`
}

// AITaskResult is the result of aios.task, aios.apply and aios.accept.
type AITaskResult struct {
	Task      string   `json:"task"`
	Score     float64  `json:"score"`
	Accepted  bool     `json:"accepted"` // by the critic
	Tier      string   `json:"tier"`
	Applied   bool     `json:"applied"`
	Committed string   `json:"committed,omitempty"` // the commit
	Reasons   []string `json:"reasons,omitempty"`
	Diff      string   `json:"diff,omitempty"`
	Attempts  int      `json:"attempts"`
}

func taskResult(res *orchestrator.AIResult) *AITaskResult {
	r := &AITaskResult{Task: res.Task.ID, Score: res.Score(), Accepted: res.Accepted(), Attempts: len(res.Attempts)}
	if res.Outcome != nil {
		r.Tier = res.Outcome.Decision.Tier.String()
		r.Reasons = res.Outcome.Decision.Reasons
		if res.Outcome.Review != nil {
			r.Diff = res.Outcome.Review.Diff
			if !res.Accepted() {
				r.Reasons = append(r.Reasons, res.Outcome.Review.Vetoes...)
			}
		}
		if res.Outcome.Problem != "" {
			r.Reasons = append(r.Reasons, res.Outcome.Problem)
		}
	}
	return r
}

// runAITask runs aios.task: the instruction as an AI task, with progress;
// an accepted result is applied (after asking, for Tier 1) and committed
// when the policy says so.
func (s *Server) runAITask(ctx context.Context, k *orchestrator.Kernel, raw []protocol.LSPAny, token protocol.ProgressToken) (*AITaskResult, error) {
	if !k.AIEnabled() {
		return nil, errors.New("AI tasks need a model and a workspace: configure a model (see aios doctor)")
	}
	var a AITaskArgs
	if len(raw) == 0 || json.Unmarshal(raw[0], &a) != nil || strings.TrimSpace(a.Instruction) == "" {
		return nil, invalidParams("%s takes {\"instruction\": TEXT, \"file\": URI}", CommandTask)
	}
	t := orchestrator.AITask{Kind: "instruction", Instruction: a.Instruction}
	var ref *orchestrator.DocumentRef
	if a.File != "" {
		doc, err := s.lookup(a.File)
		if err != nil {
			return nil, err
		}
		s.mu.Lock()
		root := s.root
		s.mu.Unlock()
		if rel, err := filepath.Rel(root, doc.path); err == nil {
			t.File = filepath.ToSlash(rel)
		}
		ref = &orchestrator.DocumentRef{Path: doc.path, Version: doc.version}
	}
	p, pctx, cancel := s.startProgress(ctx, "aios: "+a.Instruction, token)
	defer cancel()
	res, err := k.AIEdit(pctx, t, ref, func(e orchestrator.Event) {
		if e.Kind == orchestrator.StepStarted {
			p.report(pctx, e.Step.ID, uint32(100*e.Done/max(e.Total, 1)))
		}
	})
	if err != nil {
		if pctx.Err() != nil {
			p.end(pctx, "cancelled")
			return nil, protocol.ErrRequestCancelled
		}
		p.end(pctx, "failed: "+err.Error())
		return nil, err
	}
	out := taskResult(res)
	if !res.Accepted() {
		p.end(pctx, fmt.Sprintf("vetoed by the critic (%.2f)", res.Score()))
		return out, nil
	}
	p.end(pctx, fmt.Sprintf("accepted by the critic (%.2f, %s)", res.Score(), res.Outcome.Decision.Tier))
	return s.applyCandidate(ctx, k, res, res.Outcome.Decision.Tier == escalate.Tier1)
}

// applyCandidate applies an accepted candidate: after a
// window/showMessageRequest when ask is set; open documents through
// workspace/applyEdit, other files on disk. It records the verdict and
// commits when the policy says so (never after asking: Tier 1).
func (s *Server) applyCandidate(ctx context.Context, k *orchestrator.Kernel, res *orchestrator.AIResult, ask bool) (*AITaskResult, error) {
	out := taskResult(res)
	if ask {
		msg := fmt.Sprintf("aios: apply the AI edit “%s” (critic %.2f)? It needs your decision: %s", describeTask(&res.Task), res.Score(),
			strings.Join(res.Outcome.Decision.Reasons, "; "))
		item, err := s.client.ShowMessageRequest(ctx, &protocol.ShowMessageRequestParams{Type: protocol.MessageTypeWarning, Message: msg,
			Actions: []protocol.MessageActionItem{{Title: "Apply"}, {Title: "Reject"}}})
		if err != nil {
			return nil, fmt.Errorf("asking before applying an AI edit: %w", err)
		}
		if item == nil || item.Title != "Apply" {
			if err := k.RecordAIFeedback(ctx, res.Task.ID, false); err != nil {
				s.log.Warn("recording AI feedback", "err", err)
			}
			out.Reasons = append(out.Reasons, "rejected by the user")
			return out, nil
		}
	}
	if err := s.applyChanges(ctx, k, res); err != nil {
		return nil, err
	}
	out.Applied = true
	if err := k.RecordAIFeedback(ctx, res.Task.ID, true); err != nil {
		s.log.Warn("recording AI feedback", "err", err)
	}
	if !ask {
		d := res.Outcome.Decision
		commit, reason := k.Policy().OnAccepted(d)
		if d.Commit { // applied automatically (tier 3): committed now
			commit = true
		}
		if commit {
			c, err := k.Commit(ctx, res.Task.ID)
			if err != nil {
				s.warnUser(ctx, "aios: the AI edit was applied but not committed: "+err.Error())
			} else {
				out.Committed = c.Commit
			}
		} else {
			out.Reasons = append(out.Reasons, reason)
		}
	}
	return out, nil
}

// applyChanges writes a candidate: open documents through
// workspace/applyEdit (the editor owns them), other files on disk.
func (s *Server) applyChanges(ctx context.Context, k *orchestrator.Kernel, res *orchestrator.AIResult) error {
	s.mu.Lock()
	root := s.root
	open := make(map[string]bool, len(s.docs))
	for _, d := range s.docs {
		open[d.path] = true
	}
	s.mu.Unlock()
	we := &protocol.WorkspaceEdit{Changes: make(map[uriKey][]protocol.TextEdit)}
	for _, c := range res.Patch.Changes {
		path := filepath.Join(root, filepath.FromSlash(c.Path))
		switch {
		case open[path] && !c.Delete:
			te, err := s.replaceEdits(k, path, c.Content)
			if err != nil {
				return err
			}
			we.Changes[uriKey(fileURI(path))] = te
		case c.Delete:
			if err := os.Remove(path); err != nil && !errors.Is(err, os.ErrNotExist) {
				return err
			}
		default:
			if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
				return err
			}
			if err := os.WriteFile(path, c.Content, 0o644); err != nil {
				return err
			}
		}
	}
	if len(we.Changes) == 0 {
		return nil
	}
	label := "aios: " + describeTask(&res.Task)
	r, err := s.client.ApplyEdit(ctx, &protocol.ApplyWorkspaceEditParams{Label: &label, Edit: *we})
	if err != nil {
		return fmt.Errorf("workspace/applyEdit: %w", err)
	}
	if !r.Applied {
		reason := "no reason given"
		if r.FailureReason != nil {
			reason = *r.FailureReason
		}
		return fmt.Errorf("the editor did not apply the AI edit: %s", reason)
	}
	return nil
}

// taskID decodes the one task ID argument of aios.accept, aios.apply and
// aios.reject.
func taskID(cmd string, raw []protocol.LSPAny) (string, error) {
	var id string
	if len(raw) != 1 || json.Unmarshal(raw[0], &id) != nil || id == "" {
		return "", invalidParams("%s takes one argument, the AI task ID", cmd)
	}
	return id, nil
}

// aiCommand runs aios.accept, aios.apply, aios.reject and aios.undo.
func (s *Server) aiCommand(ctx context.Context, k *orchestrator.Kernel, cmd string, raw []protocol.LSPAny) (any, error) {
	if cmd == CommandUndo {
		u, err := k.Undo(ctx)
		if err != nil {
			return nil, err
		}
		return u, nil
	}
	id, err := taskID(cmd, raw)
	if err != nil {
		return nil, err
	}
	res, ok := k.Candidate(id)
	if !ok {
		return nil, fmt.Errorf("no AI candidate %q (it may have expired; ask for the action again)", id)
	}
	switch cmd {
	case CommandReject:
		return taskResult(res), k.RecordAIFeedback(ctx, id, false)
	case CommandApply:
		if !res.Accepted() {
			return nil, fmt.Errorf("the critic vetoed AI candidate %s", id)
		}
		return s.applyCandidate(ctx, k, res, res.Outcome.Decision.Tier == escalate.Tier1)
	}
	// aios.accept: the editor has applied the action's edit.
	out := taskResult(res)
	out.Applied = true
	if err := k.RecordAIFeedback(ctx, id, true); err != nil {
		s.log.Warn("recording AI feedback", "err", err)
	}
	commit, reason := k.Policy().OnAccepted(res.Outcome.Decision)
	if !commit {
		out.Reasons = append(out.Reasons, reason)
		return out, nil
	}
	c, err := k.Commit(ctx, id)
	if err != nil {
		return nil, fmt.Errorf("the AI edit was applied but not committed: %w", err)
	}
	out.Committed = c.Commit
	return out, nil
}
