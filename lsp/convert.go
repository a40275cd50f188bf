package lsp

import (
	"encoding/json"
	"fmt"
	"math"

	"go.lsp.dev/protocol"
	"go.lsp.dev/uri"

	"github.com/aios-dev/aios/lsp/textdoc"
	"github.com/aios-dev/aios/orchestrator"
)

// diagSource is the source of every diagnostic aios publishes.
const diagSource = "aios"

// toDiagnostics converts the findings of doc, whose offsets refer to doc's
// content, into LSP diagnostics.
func (s *Server) toDiagnostics(k *orchestrator.Kernel, doc *document, findings []orchestrator.Finding) []protocol.Diagnostic {
	out := make([]protocol.Diagnostic, 0, len(findings))
	s.mu.Lock()
	caps := s.caps
	s.mu.Unlock()
	for _, f := range findings {
		if f.File != doc.path {
			continue
		}
		r, err := doc.mapper.Range(f.Start.Offset, f.End.Offset)
		if err != nil {
			// Fall back to the line and column the analyzer printed.
			p, perr := doc.mapper.LineColPosition(f.Start.Line, f.Start.Column)
			if perr != nil {
				s.log.Warn("finding outside its document", "finding", f.String(), "err", err)
				continue
			}
			r = textdoc.Range{Start: p, End: p}
		}
		if r.Start == r.End {
			r.End = lineEnd(doc.mapper, r.Start)
		}
		d := protocol.Diagnostic{
			Range:    toProtocolRange(r),
			Severity: severity(f.Severity),
			Code:     protocol.String(f.Analyzer),
			Source:   protocol.NewOptional(diagSource),
			Message:  protocol.String(f.Message),
		}
		if f.URL != "" {
			d.CodeDescription = protocol.CodeDescription{Href: uri.URI(f.URL)}
		}
		if caps.relatedInfo {
			for _, rel := range f.Related {
				if loc, ok := s.location(k, doc, rel.File, rel.Start.Offset, rel.End.Offset); ok {
					d.RelatedInformation = append(d.RelatedInformation, protocol.DiagnosticRelatedInformation{Location: loc, Message: rel.Message})
				}
			}
		}
		if len(f.Fixes) > 0 {
			d.Data, _ = json.Marshal(map[string]int{"fixes": len(f.Fixes)})
		}
		out = append(out, d)
	}
	return out
}

func severity(s string) protocol.DiagnosticSeverity {
	switch s {
	case "error":
		return protocol.DiagnosticSeverityError
	case "info":
		return protocol.DiagnosticSeverityInformation
	}
	return protocol.DiagnosticSeverityWarning
}

// location maps a byte range of path (doc's content when path is doc's).
func (s *Server) location(k *orchestrator.Kernel, doc *document, path string, start, end int) (protocol.Location, bool) {
	m := doc.mapper
	if path != doc.path {
		var err error
		if m, _, err = s.mapperFor(k, path); err != nil {
			return protocol.Location{}, false
		}
	}
	r, err := m.Range(start, end)
	if err != nil {
		return protocol.Location{}, false
	}
	return protocol.Location{URI: uri.File(path), Range: toProtocolRange(r)}, true
}

// textEdits converts byte-offset edits of one file into LSP text edits over
// the content m maps.
func textEdits(m *textdoc.Mapper, edits []orchestrator.Edit) ([]protocol.TextEdit, error) {
	out := make([]protocol.TextEdit, 0, len(edits))
	for _, e := range edits {
		r, err := m.Range(e.Start, e.End)
		if err != nil {
			return nil, fmt.Errorf("edit [%d,%d) of %s: %w", e.Start, e.End, e.File, err)
		}
		out = append(out, protocol.TextEdit{Range: toProtocolRange(r), NewText: e.NewText})
	}
	return out, nil
}

// lineEnd returns the end of p's line: a zero-width finding (an analyzer
// that reports only a position) is shown up to the end of its line.
func lineEnd(m *textdoc.Mapper, p textdoc.Position) textdoc.Position {
	off, err := m.Offset(textdoc.Position{Line: p.Line, Character: math.MaxUint32})
	if err != nil {
		return p
	}
	end, err := m.Position(off)
	if err != nil {
		return p
	}
	return end
}
