package lsp

import (
	"context"
	"encoding/json"
	"math"
	"slices"
	"strings"

	"go.lsp.dev/jsonrpc2"
	"go.lsp.dev/protocol"

	"github.com/aios-dev/aios/lsp/textdoc"
	"github.com/aios-dev/aios/orchestrator"
)

// actionData travels in a code action between textDocument/codeAction and
// codeAction/resolve: enough to recompute the same fix for the same
// version of the document.
type actionData struct {
	URI      string `json:"uri"`
	Version  int32  `json:"version"`
	Start    int    `json:"start"`
	End      int    `json:"end"`
	Analyzer string `json:"analyzer"`
	Message  string `json:"message"`
	At       int    `json:"at"` // the finding's start offset
	Title    string `json:"title"`
}

func (a *actionData) matches(fc *orchestrator.FixCandidate) bool {
	return fc.Title == a.Title && fc.Finding.Analyzer == a.Analyzer && fc.Finding.Message == a.Message && fc.Finding.Start.Offset == a.At
}

// CodeAction lists the quick fixes for the requested range. Their edits are
// computed, and checked by the Critic, in codeAction/resolve; a client that
// cannot resolve edits gets them computed here.
func (s *Server) CodeAction(ctx context.Context, params *protocol.CodeActionParams) ([]protocol.CommandOrCodeAction, error) {
	if only := params.Context.Only; len(only) > 0 && !slices.ContainsFunc(only, func(k protocol.CodeActionKind) bool {
		return k == protocol.CodeActionKindQuickFix || k == protocol.CodeActionKindRefactor || k == protocol.CodeActionKindRefactorRewrite
	}) {
		return []protocol.CommandOrCodeAction{}, nil
	}
	k, err := s.currentKernel()
	if err != nil {
		return nil, err
	}
	doc, err := s.lookup(string(params.TextDocument.URI))
	if err != nil {
		return nil, err
	}
	if doc.path == "" {
		return []protocol.CommandOrCodeAction{}, nil
	}
	// Offer the fixes of every finding on the lines of the range: editors
	// ask for the cursor's position, and findings may be zero-width.
	r := fromProtocolRange(params.Range)
	if _, _, err := doc.mapper.OffsetRange(r); err != nil {
		return nil, invalidParams("range %v of %s: %v", params.Range, doc.uri, err)
	}
	start, end, err := doc.mapper.OffsetRange(textdoc.Range{
		Start: textdoc.Position{Line: r.Start.Line},
		End:   textdoc.Position{Line: r.End.Line, Character: math.MaxUint32},
	})
	if err != nil {
		return nil, invalidParams("range %v of %s: %v", params.Range, doc.uri, err)
	}
	rng := orchestrator.ByteRange{Start: start, End: end}
	fixes, err := k.CodeActions(ctx, doc.ref(), rng, nil)
	if err != nil {
		return nil, err
	}
	s.mu.Lock()
	eager := !s.caps.resolveEdit
	s.mu.Unlock()
	out := make([]protocol.CommandOrCodeAction, 0, len(fixes.Fixes))
	for i := range fixes.Fixes {
		fc := &fixes.Fixes[i]
		if fc.Version != doc.version {
			return nil, protocol.ErrContentModified
		}
		data := actionData{URI: doc.uri, Version: doc.version, Start: start, End: end,
			Analyzer: fc.Finding.Analyzer, Message: fc.Finding.Message, At: fc.Finding.Start.Offset, Title: fc.Title}
		action := &protocol.CodeAction{
			Title:       fc.Title,
			Kind:        ptr(protocol.CodeActionKindQuickFix),
			Diagnostics: s.toDiagnostics(k, doc, []orchestrator.Finding{fc.Finding}),
			IsPreferred: ptr(len(fixes.Fixes) == 1),
		}
		action.Data, _ = json.Marshal(data)
		if eager {
			if err := s.resolveAction(ctx, k, action, &data); err != nil {
				s.log.Info("quick fix not offered", "title", fc.Title, "err", err)
				continue
			}
		}
		out = append(out, action)
	}
	return append(out, s.aiActions(ctx, k, doc, params, start, end)...), nil
}

// CodeActionResolve computes the edit of a quick fix and has the Critic
// check it.
func (s *Server) CodeActionResolve(ctx context.Context, action *protocol.CodeAction) (*protocol.CodeAction, error) {
	k, err := s.currentKernel()
	if err != nil {
		return nil, err
	}
	var ai aiActionData
	if len(action.Data) > 0 && json.Unmarshal(action.Data, &ai) == nil && ai.AI != "" {
		if err := s.resolveAIAction(k, action, &ai); err != nil {
			return nil, err
		}
		return action, nil
	}
	var data actionData
	if len(action.Data) == 0 || json.Unmarshal(action.Data, &data) != nil || data.URI == "" {
		return nil, invalidParams("code action %q carries no aios data to resolve", action.Title)
	}
	if err := s.resolveAction(ctx, k, action, &data); err != nil {
		return nil, err
	}
	return action, nil
}

func (s *Server) resolveAction(ctx context.Context, k *orchestrator.Kernel, action *protocol.CodeAction, data *actionData) error {
	doc, err := s.lookup(data.URI)
	if err != nil {
		return err
	}
	if doc.version != data.Version {
		return protocol.ErrContentModified
	}
	fixes, err := k.ResolveFix(ctx, doc.ref(), orchestrator.ByteRange{Start: data.Start, End: data.End}, nil)
	if err != nil {
		return err
	}
	for i := range fixes.Fixes {
		fc := &fixes.Fixes[i]
		if !data.matches(fc) {
			continue
		}
		if !fc.Verified {
			return jsonrpc2.NewError(jsonrpc2.InternalError, "aios critic vetoed the fix: "+strings.Join(fc.Vetoes, "; "))
		}
		edit, err := s.workspaceEdit(k, doc, fc.Edits)
		if err != nil {
			return err
		}
		action.Edit = edit
		return nil
	}
	return protocol.ErrContentModified // the finding is gone
}

// workspaceEdit converts the byte edits of a fix, which may span files,
// into a WorkspaceEdit.
func (s *Server) workspaceEdit(k *orchestrator.Kernel, doc *document, edits []orchestrator.Edit) (*protocol.WorkspaceEdit, error) {
	byFile := make(map[string][]orchestrator.Edit)
	for _, e := range edits {
		byFile[e.File] = append(byFile[e.File], e)
	}
	we := &protocol.WorkspaceEdit{Changes: make(map[uriKey][]protocol.TextEdit, len(byFile))}
	for path, es := range byFile {
		m, u := doc.mapper, doc.uri
		if path != doc.path {
			var err error
			if m, _, err = s.mapperFor(k, path); err != nil {
				return nil, err
			}
			u = string(fileURI(path))
		}
		te, err := textEdits(m, es)
		if err != nil {
			return nil, err
		}
		we.Changes[uriKey(u)] = te
	}
	return we, nil
}

func ptr[T any](v T) *T { return &v }
