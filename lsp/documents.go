package lsp

import (
	"path/filepath"

	"go.lsp.dev/protocol"
	"go.lsp.dev/uri"

	"github.com/aios-dev/aios/lsp/textdoc"
	"github.com/aios-dev/aios/orchestrator"
)

// document is one immutable version of an open buffer. An edit replaces
// the document in Server.docs with a new one, so a pass that captured a
// document keeps a consistent view of its content.
type document struct {
	uri     string
	path    string // "" when the URI is not a file
	lang    string
	version int32
	mapper  *textdoc.Mapper
}

// filePath returns the clean absolute path of a file URI, or "".
func filePath(u string) string {
	parsed, err := uri.Parse(u)
	if err != nil || !parsed.IsFile() {
		return ""
	}
	p := parsed.FsPath()
	if !filepath.IsAbs(p) {
		return ""
	}
	return filepath.Clean(p)
}

func (d *document) ref() orchestrator.DocumentRef {
	return orchestrator.DocumentRef{Path: d.path, Version: d.version}
}

// lookup returns the open document for u, or, for a file that is not open,
// its content on disk (version repoindex.DiskVersion).
func (s *Server) lookup(u string) (*document, error) {
	s.mu.Lock()
	doc := s.docs[u]
	k := s.kernel
	s.mu.Unlock()
	if doc != nil {
		return doc, nil
	}
	path := filePath(u)
	if path == "" || k == nil {
		return nil, invalidParams("%s is not open and not a file", u)
	}
	data, version, err := k.Overlay().ReadFile(path)
	if err != nil {
		return nil, invalidParams("%s: %v", u, err)
	}
	return &document{uri: u, path: path, version: version, mapper: textdoc.NewMapper(data)}, nil
}

// mapperFor returns a mapper over the current content of path: the open
// buffer, or the file on disk.
func (s *Server) mapperFor(k *orchestrator.Kernel, path string) (*textdoc.Mapper, int32, error) {
	data, version, err := k.Overlay().ReadFile(path)
	if err != nil {
		return nil, 0, err
	}
	return textdoc.NewMapper(data), version, nil
}

func toProtocolRange(r textdoc.Range) protocol.Range {
	return protocol.Range{
		Start: protocol.Position{Line: r.Start.Line, Character: r.Start.Character},
		End:   protocol.Position{Line: r.End.Line, Character: r.End.Character},
	}
}

func fromProtocolRange(r protocol.Range) textdoc.Range {
	return textdoc.Range{
		Start: textdoc.Position{Line: r.Start.Line, Character: r.Start.Character},
		End:   textdoc.Position{Line: r.End.Line, Character: r.End.Character},
	}
}

// uriKey is the key type of WorkspaceEdit.Changes.
type uriKey = uri.URI

func fileURI(path string) uri.URI { return uri.File(path) }
