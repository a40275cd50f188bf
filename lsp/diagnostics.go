package lsp

import (
	"context"
	"path/filepath"
	"strings"
	"time"

	"go.lsp.dev/protocol"
	"go.lsp.dev/uri"
)

// diagPass is a pending or running push-diagnostics pass for one document.
type diagPass struct {
	cancel context.CancelFunc
}

// scheduleDiagnostics starts a debounced diagnostics pass for each doc and
// for the other open documents of the same directories (their package may
// have changed too). A new pass for a document cancels its previous one.
// Clients that pull diagnostics get none pushed.
func (s *Server) scheduleDiagnostics(docs ...*document) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.caps.pullDiagnostics || s.kernel == nil || s.state != stateInitialized {
		return
	}
	dirs := make(map[string]bool)
	todo := make(map[string]*document)
	for _, d := range docs {
		if d.path != "" && strings.HasSuffix(d.path, ".go") {
			todo[d.uri] = d
			dirs[filepath.Dir(d.path)] = true
		}
	}
	for u, d := range s.docs {
		if todo[u] == nil && d.path != "" && dirs[filepath.Dir(d.path)] && strings.HasSuffix(d.path, ".go") {
			todo[u] = d
		}
	}
	for u, d := range todo {
		if old := s.diag[u]; old != nil {
			old.cancel()
		}
		ctx, cancel := context.WithCancel(context.Background())
		s.diag[u] = &diagPass{cancel: cancel}
		s.passes.Add(1)
		go func() {
			defer s.passes.Done()
			s.runDiagnostics(ctx, d, s.debounce)
		}()
	}
}

// runDiagnostics waits out the debounce, diagnoses doc and publishes the
// result, unless doc has been superseded in the meantime.
func (s *Server) runDiagnostics(ctx context.Context, doc *document, debounce time.Duration) {
	t := time.NewTimer(debounce)
	select {
	case <-ctx.Done():
		t.Stop()
		return
	case <-t.C:
	}
	k, err := s.currentKernel()
	if err != nil {
		return
	}
	fs, out, err := k.Diagnose(ctx, doc.ref(), nil)
	if ctx.Err() != nil {
		return // superseded by a newer edit
	}
	if err != nil {
		s.log.Warn("diagnostics failed", "uri", doc.uri, "version", doc.version, "err", err)
		s.logToClient(ctx, protocol.MessageTypeError, "aios: diagnostics of "+doc.uri+" failed: "+err.Error())
		return
	}
	if v, ok := fs.Versions[doc.path]; ok && v != doc.version {
		return // the overlay moved on; the pass for the newer version publishes
	}
	diags := s.toDiagnostics(k, doc, fs.Findings)
	s.mu.Lock()
	current := s.docs[doc.uri] == doc
	if current {
		s.published[doc.uri] = len(diags) > 0
	}
	s.mu.Unlock()
	if !current {
		return
	}
	s.log.Debug("publishing diagnostics", "uri", doc.uri, "version", doc.version, "n", len(diags), "task", out.Task.ID)
	if err := s.client.PublishDiagnostics(ctx, &protocol.PublishDiagnosticsParams{
		URI: uri.URI(doc.uri), Version: protocol.NewOptional(doc.version), Diagnostics: diags,
	}); err != nil {
		s.log.Warn("publishDiagnostics failed", "uri", doc.uri, "err", err)
	}
}

// clearDiagnostics publishes an empty set for u if anything was published.
func (s *Server) clearDiagnostics(ctx context.Context, u string) {
	s.mu.Lock()
	had := s.published[u]
	delete(s.published, u)
	pull := s.caps.pullDiagnostics
	s.mu.Unlock()
	if !had || pull {
		return
	}
	if err := s.client.PublishDiagnostics(context.WithoutCancel(ctx), &protocol.PublishDiagnosticsParams{
		URI: uri.URI(u), Diagnostics: []protocol.Diagnostic{},
	}); err != nil {
		s.log.Warn("clearing diagnostics failed", "uri", u, "err", err)
	}
}
