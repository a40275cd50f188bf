package lsp

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"

	"go.lsp.dev/protocol"
)

// Diagnostic answers textDocument/diagnostic (pull diagnostics, LSP 3.17).
func (s *Server) Diagnostic(ctx context.Context, params *protocol.DocumentDiagnosticParams) (protocol.DocumentDiagnosticReport, error) {
	k, err := s.currentKernel()
	if err != nil {
		return nil, err
	}
	u := string(params.TextDocument.URI)
	doc, err := s.lookup(u)
	if err != nil {
		return nil, err
	}
	var diags []protocol.Diagnostic
	if doc.path != "" {
		fs, _, err := k.Diagnose(ctx, doc.ref(), nil)
		if err != nil {
			return nil, err
		}
		if v, ok := fs.Versions[doc.path]; ok && v != doc.version {
			return nil, protocol.ErrContentModified
		}
		diags = s.toDiagnostics(k, doc, fs.Findings)
	}
	id := resultID(doc.version, diags)
	if prev := params.PreviousResultID; prev != nil && *prev == id {
		return &protocol.RelatedUnchangedDocumentDiagnosticReport{
			UnchangedDocumentDiagnosticReport: protocol.UnchangedDocumentDiagnosticReport{Kind: "unchanged", ResultID: id},
		}, nil
	}
	if diags == nil {
		diags = []protocol.Diagnostic{}
	}
	return &protocol.RelatedFullDocumentDiagnosticReport{
		FullDocumentDiagnosticReport: protocol.FullDocumentDiagnosticReport{Kind: "full", ResultID: &id, Items: diags},
	}, nil
}

// resultID identifies a diagnostics report by its content.
func resultID(version int32, diags []protocol.Diagnostic) string {
	h := sha256.New()
	for _, d := range diags {
		data, _ := protocol.Marshal(d)
		h.Write(data)
	}
	sum := h.Sum(nil)
	return fmt.Sprintf("v%d-%s", version, hex.EncodeToString(sum[:8]))
}
