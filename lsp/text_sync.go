package lsp

import (
	"context"
	"fmt"

	"go.lsp.dev/protocol"

	"github.com/aios-dev/aios/lsp/textdoc"
)

// DidOpen makes the buffer the truth for its file.
func (s *Server) DidOpen(ctx context.Context, params *protocol.DidOpenTextDocumentParams) error {
	td := params.TextDocument
	doc := &document{
		uri: string(td.URI), path: filePath(string(td.URI)), lang: string(td.LanguageID),
		version: td.Version, mapper: textdoc.NewMapper([]byte(td.Text)),
	}
	if err := s.store(doc); err != nil {
		return err
	}
	s.scheduleDiagnostics(doc)
	s.syncBuffer(doc.path, false)
	return nil
}

// DidChange applies incremental (or full) changes to the buffer. A change
// that cannot be applied leaves the buffer as it was and tells the user.
func (s *Server) DidChange(ctx context.Context, params *protocol.DidChangeTextDocumentParams) error {
	u := string(params.TextDocument.URI)
	s.mu.Lock()
	old := s.docs[u]
	s.mu.Unlock()
	if old == nil {
		s.warnUser(ctx, fmt.Sprintf("aios: received changes for %s, which is not open; ignoring them", u))
		return nil
	}
	changes := make([]textdoc.Change, 0, len(params.ContentChanges))
	for _, c := range params.ContentChanges {
		switch c := c.(type) {
		case *protocol.TextDocumentContentChangePartial:
			r := fromProtocolRange(c.Range)
			changes = append(changes, textdoc.Change{Range: &r, Text: c.Text})
		case *protocol.TextDocumentContentChangeWholeDocument:
			changes = append(changes, textdoc.Change{Text: c.Text})
		default:
			s.warnUser(ctx, fmt.Sprintf("aios: unknown content change in %s; buffer kept at version %d", u, old.version))
			return nil
		}
	}
	content, err := textdoc.Apply(old.mapper.Content(), changes)
	if err != nil {
		s.warnUser(ctx, fmt.Sprintf("aios: could not apply version %d of %s: %v. aios keeps version %d; close and reopen the file to resync.",
			params.TextDocument.Version, u, err, old.version))
		return nil
	}
	if params.TextDocument.Version <= old.version {
		s.log.Warn("document version did not increase", "uri", u, "old", old.version, "new", params.TextDocument.Version)
	}
	doc := &document{uri: u, path: old.path, lang: old.lang, version: params.TextDocument.Version, mapper: textdoc.NewMapper(content)}
	if err := s.store(doc); err != nil {
		return err
	}
	s.scheduleDiagnostics(doc)
	s.syncBuffer(doc.path, false)
	return nil
}

// DidSave re-diagnoses the open documents (saving can change what other
// packages see on disk) and re-reads the file into the index.
func (s *Server) DidSave(ctx context.Context, params *protocol.DidSaveTextDocumentParams) error {
	s.scheduleDiagnostics(s.openDocuments()...)
	s.syncBuffer(filePath(string(params.TextDocument.URI)), true)
	return nil
}

// DidClose drops the buffer: the file on disk is the truth again.
func (s *Server) DidClose(ctx context.Context, params *protocol.DidCloseTextDocumentParams) error {
	u := string(params.TextDocument.URI)
	s.mu.Lock()
	doc := s.docs[u]
	delete(s.docs, u)
	if p := s.diag[u]; p != nil {
		p.cancel()
		delete(s.diag, u)
	}
	k := s.kernel
	s.mu.Unlock()
	if doc == nil {
		s.log.Warn("didClose for a document that is not open", "uri", u)
		return nil
	}
	if doc.path != "" && k != nil {
		k.Overlay().Delete(doc.path)
		s.syncBuffer(doc.path, true) // the file on disk is the truth again
	}
	s.clearDiagnostics(ctx, u)
	return nil
}

// store records doc as the current version of its URI and updates the
// kernel's overlay.
func (s *Server) store(doc *document) error {
	s.mu.Lock()
	s.docs[doc.uri] = doc
	k := s.kernel
	s.mu.Unlock()
	if doc.path != "" && k != nil {
		if err := k.Overlay().Set(doc.path, doc.version, doc.mapper.Content()); err != nil {
			s.log.Warn("cannot overlay document", "uri", doc.uri, "err", err)
		}
	}
	return nil
}

func (s *Server) openDocuments() []*document {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]*document, 0, len(s.docs))
	for _, d := range s.docs {
		out = append(out, d)
	}
	return out
}
