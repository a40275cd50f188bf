package lsp

import (
	"context"
	"encoding/json"
	"fmt"
	"path/filepath"
	"time"

	"go.lsp.dev/protocol"

	"github.com/aios-dev/aios/orchestrator"
)

// The workspace index: opened and brought up to date in the background
// after initialized (progress "aios: indexing"), then kept current from
// the editor's buffers (didOpen, didChange), saves and closes, and watched
// files. Updates of one file are coalesced: while one runs, later changes
// of the same file wait and are applied once.

// bufferSync is the pending index update of one file.
type bufferSync struct {
	dirty bool // changed again while the update ran
	saved bool // the file on disk changed (re-read it, not the buffer)
}

// startIndexing opens the kernel's knowledge and refreshes it, unless the
// client turned the index off.
func (s *Server) startIndexing(ctx context.Context) {
	s.mu.Lock()
	k, init := s.kernel, s.init
	if k == nil || !k.HasWorkspace() || (init.Index != nil && !*init.Index) {
		s.mu.Unlock()
		return
	}
	ictx, icancel := context.WithCancel(context.WithoutCancel(ctx))
	s.indexCancel = icancel
	s.passes.Add(1)
	s.mu.Unlock()
	go func() {
		defer s.passes.Done()
		defer icancel()
		p, pctx, cancel := s.startProgress(ictx, "aios: indexing", nil)
		defer cancel()
		rep, err := s.refreshKnowledge(pctx, k, p)
		switch {
		case err != nil && pctx.Err() != nil:
			p.end(pctx, "cancelled")
		case err != nil:
			p.end(pctx, "failed: "+err.Error())
			s.warnUser(pctx, "aios: the workspace index could not be built; retrieval is off: "+err.Error())
		default:
			msg := fmt.Sprintf("%d files indexed, %d unchanged, %d removed in %v", rep.Indexed, rep.Unchanged, rep.Removed,
				(rep.IndexTime + rep.HistoryTime + rep.MemoryTime).Round(time.Millisecond))
			p.end(pctx, msg)
			s.logToClient(pctx, protocol.MessageTypeInfo, "aios: "+msg)
		}
	}()
}

// refreshKnowledge opens the knowledge when needed and refreshes it.
func (s *Server) refreshKnowledge(ctx context.Context, k *orchestrator.Kernel, p *progress) (*orchestrator.RefreshReport, error) {
	if !k.KnowledgeOpen() {
		p.report(ctx, "opening the workspace store", 0)
		if err := k.OpenKnowledge(""); err != nil {
			return nil, err
		}
	}
	p.report(ctx, "reading the workspace", 10)
	return k.RefreshKnowledge(ctx)
}

// syncBuffer schedules an index update of path (absolute); saved means the
// file on disk changed.
func (s *Server) syncBuffer(path string, saved bool) {
	if path == "" {
		return
	}
	s.mu.Lock()
	k := s.kernel
	if k == nil || !k.HasWorkspace() {
		s.mu.Unlock()
		return
	}
	if b := s.syncs[path]; b != nil {
		b.dirty = true
		b.saved = b.saved || saved
		s.mu.Unlock()
		return
	}
	b := &bufferSync{}
	s.syncs[path] = b
	s.passes.Add(1)
	s.mu.Unlock()
	go func() {
		defer s.passes.Done()
		for {
			if err := k.BufferChanged(context.Background(), path, saved); err != nil {
				s.log.Warn("updating the workspace index", "path", path, "err", err)
			}
			s.mu.Lock()
			if !b.dirty || s.kernel != k {
				delete(s.syncs, path)
				s.mu.Unlock()
				return
			}
			saved, b.dirty, b.saved = b.saved, false, false
			s.mu.Unlock()
		}
	}()
}

// DidChangeWatchedFiles re-reads the files the client saw change on disk.
func (s *Server) DidChangeWatchedFiles(ctx context.Context, params *protocol.DidChangeWatchedFilesParams) error {
	k, err := s.currentKernel()
	if err != nil {
		return err
	}
	var paths []string
	for _, c := range params.Changes {
		if p := filePath(string(c.URI)); p != "" {
			paths = append(paths, p)
		}
	}
	if len(paths) == 0 {
		return nil
	}
	s.mu.Lock()
	s.passes.Add(1)
	s.mu.Unlock()
	go func() {
		defer s.passes.Done()
		if err := k.FilesChanged(context.WithoutCancel(ctx), paths); err != nil {
			s.log.Warn("updating the workspace index", "files", len(paths), "err", err)
		}
	}()
	return nil
}

// watchFiles asks the client to report file changes in the workspace, when
// it can register the watcher dynamically.
func (s *Server) watchFiles(ctx context.Context) {
	s.mu.Lock()
	on := s.caps.watchFiles && s.kernel != nil && s.kernel.HasWorkspace()
	s.mu.Unlock()
	if !on {
		return
	}
	opts, err := json.Marshal(protocol.DidChangeWatchedFilesRegistrationOptions{
		Watchers: []protocol.FileSystemWatcher{{GlobPattern: protocol.Pattern("**/*")}},
	})
	if err != nil {
		return
	}
	go func() {
		err := s.client.RegisterCapability(context.WithoutCancel(ctx), &protocol.RegistrationParams{Registrations: []protocol.Registration{{
			ID: "aios-watch", Method: protocol.MethodWorkspaceDidChangeWatchedFiles, RegisterOptions: opts,
		}}})
		if err != nil {
			s.log.Info("the client did not register the file watcher", "err", err)
		}
	}()
}

// SearchArgs are the argument of the aios.search command.
type SearchArgs struct {
	Query string `json:"query"`
	// K is the number of chunks (default 5).
	K int `json:"k,omitempty"`
	// File is the open document (URI) the query is about: it seeds the
	// graph retriever and brings its buffer up to date first.
	File string `json:"file,omitempty"`
	// Identifiers are names the query is about (the symbol under the
	// cursor).
	Identifiers []string `json:"identifiers,omitempty"`
	// Budget is the token budget of the packed context.
	Budget int `json:"budget,omitempty"`
}

// search runs the aios.search command.
func (s *Server) search(ctx context.Context, k *orchestrator.Kernel, raw []protocol.LSPAny) (*orchestrator.SearchResult, error) {
	var a SearchArgs
	if len(raw) == 0 {
		return nil, invalidParams("%s takes one argument {\"query\": TEXT, \"k\": N, \"file\": URI}", CommandSearch)
	}
	if err := json.Unmarshal(raw[0], &a); err != nil {
		// A bare string is the query.
		if err2 := json.Unmarshal(raw[0], &a.Query); err2 != nil {
			return nil, invalidParams("%s: %v", CommandSearch, err)
		}
	}
	if a.K < 0 || a.Budget < 0 {
		return nil, invalidParams("%s: k and budget must not be negative", CommandSearch)
	}
	q := orchestrator.Query{Text: a.Query, K: a.K, TokenBudget: a.Budget, Identifiers: a.Identifiers}
	var doc *orchestrator.DocumentRef
	if a.File != "" {
		path := filePath(a.File)
		if path == "" {
			return nil, invalidParams("%s: file %q is not a file URI", CommandSearch, a.File)
		}
		s.mu.Lock()
		root := s.root
		if d := s.docs[a.File]; d != nil {
			doc = &orchestrator.DocumentRef{Path: d.path, Version: d.version}
		}
		s.mu.Unlock()
		if rel, err := filepath.Rel(root, path); err == nil {
			q.OpenFile = filepath.ToSlash(rel)
		}
	}
	res, _, err := k.Search(ctx, q, doc)
	return res, err
}

// IndexResult is the result of the aios.index command.
type IndexResult struct {
	Report *orchestrator.RefreshReport `json:"report"`
	Stats  orchestrator.KnowledgeStat  `json:"stats"`
}

// reindex runs the aios.index command: a refresh with progress.
func (s *Server) reindex(ctx context.Context, k *orchestrator.Kernel, token protocol.ProgressToken) (*IndexResult, error) {
	if !k.HasWorkspace() {
		return nil, fmt.Errorf("aios has no workspace index for this session")
	}
	p, ctx, cancel := s.startProgress(ctx, "aios: indexing", token)
	defer cancel()
	rep, err := s.refreshKnowledge(ctx, k, p)
	if err != nil {
		if ctx.Err() != nil {
			p.end(ctx, "cancelled")
			return nil, protocol.ErrRequestCancelled
		}
		p.end(ctx, "failed: "+err.Error())
		return nil, err
	}
	st, err := k.KnowledgeStats()
	if err != nil {
		p.end(ctx, "failed: "+err.Error())
		return nil, err
	}
	p.end(ctx, fmt.Sprintf("%d files indexed, %d unchanged, %d removed", rep.Indexed, rep.Unchanged, rep.Removed))
	return &IndexResult{Report: rep, Stats: st}, nil
}
