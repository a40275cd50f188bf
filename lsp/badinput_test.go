package lsp_test

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"go.lsp.dev/protocol"

	"github.com/aios-dev/aios/lsp"
	"github.com/aios-dev/aios/lsp/lsptest"
)

func TestHugeAndBinaryBuffers(t *testing.T) {
	dir := writeModule(t, map[string]string{"a.go": "package m\n", "b.go": "package m\n"})
	e := start(t, dir, lsptest.PushCaps())
	// A 20 MB buffer is kept but not analysed; the user is told why.
	huge := "package m\n\n" + strings.Repeat("// filler line of a very large generated file\n", 20<<20/47)
	e.open("a.go", huge)
	if err := e.ed.Await(wait, "a log about the huge buffer", func(s *lsptest.State) bool {
		for _, l := range s.Logs {
			if strings.Contains(l.Message, "bytes, more than") {
				return true
			}
		}
		return false
	}); err != nil {
		t.Fatal(err)
	}
	// A buffer with NUL bytes does not stop the analysis of the others.
	e.open("bin.go", "package m\x00\x01\x02")
	e.open("b.go", selfAssign[:len("package m\n")]+"\nfunc g() { y := 1; y = y; _ = y }\n")
	e.awaitDiagnostics("b.go", 1, 1)
	// The huge buffer still takes edits.
	e.change("a.go", 2, &protocol.TextDocumentContentChangePartial{Range: protocol.Range{Start: pos(1, 0), End: pos(1, 0)}, Text: "// edited\n"})
	if err := e.ed.Await(wait, "a second log about the huge buffer", func(s *lsptest.State) bool {
		n := 0
		for _, l := range s.Logs {
			if strings.Contains(l.Message, "bytes, more than") {
				n++
			}
		}
		return n >= 2
	}); err != nil {
		t.Fatal(err)
	}
}

func TestNonUTF8FileOnDisk(t *testing.T) {
	// Latin-1 bytes in a comment: two invalid bytes, one UTF-16 unit each.
	src := "package m\n\nfunc f() {\n\tx := 1 /* caf\xe9 \xe8 */; x = x\n\t_ = x\n}\n"
	dir := writeModule(t, map[string]string{"a.go": src})
	e := start(t, dir, lsptest.PushCaps())
	raw, err := e.ed.Server.ExecuteCommand(e.ctx, &protocol.ExecuteCommandParams{Command: lsp.CommandLint})
	if err != nil {
		t.Fatal(err)
	}
	var sum lsp.LintSummary
	if err := json.Unmarshal(raw, &sum); err != nil || sum.Findings == 0 {
		t.Fatalf("lint summary %s %v", raw, err)
	}
	u := string(e.uri("a.go"))
	var diags []protocol.Diagnostic
	if err := e.ed.Await(wait, "diagnostics of the Latin-1 file", func(s *lsptest.State) bool {
		diags = s.Diagnostics[u].Diagnostics
		return len(diags) > 0
	}); err != nil {
		t.Fatal(err)
	}
	// Invalid UTF-8 is a compile error at each bad byte; each counts as
	// one UTF-16 unit: "\tx := 1 /* caf" is 14 units.
	var starts []protocol.Position
	for _, d := range diags {
		if d.Code == protocol.String("compiler") && strings.Contains(string(d.Message.(protocol.String)), "UTF-8") {
			starts = append(starts, d.Range.Start)
		}
	}
	if len(starts) != 2 || starts[0] != pos(3, 14) || starts[1] != pos(3, 16) {
		t.Fatalf("UTF-8 errors at %v, want 3:14 and 3:16 (diagnostics %+v)", starts, diags)
	}
}

func TestUnknownCommandAndDocument(t *testing.T) {
	dir := writeModule(t, map[string]string{"a.go": "package m\n"})
	e := start(t, dir, lsptest.PushCaps())
	if _, err := e.ed.Server.ExecuteCommand(e.ctx, &protocol.ExecuteCommandParams{Command: "aios.teleport"}); errCode(err) != -32602 {
		t.Fatalf("unknown command: %v", err)
	}
	if _, err := e.ed.Server.ExecuteCommand(e.ctx, &protocol.ExecuteCommandParams{Command: lsp.CommandTasks, Arguments: []protocol.LSPAny{[]byte(`"x"`)}}); errCode(err) != -32602 {
		t.Fatalf("bad argument: %v", err)
	}
	missing := filepath.Join(dir, "missing.go")
	_, err := e.ed.Server.CodeAction(e.ctx, &protocol.CodeActionParams{TextDocument: protocol.TextDocumentIdentifier{URI: protocolURI(missing)}})
	if errCode(err) != -32602 {
		t.Fatalf("code action on a missing file: %v", err)
	}
	if _, err := os.Stat(missing); err == nil {
		t.Fatal("missing file created")
	}
}

func TestInferenceCommandWithoutModel(t *testing.T) {
	dir := writeModule(t, map[string]string{"a.go": "package m\n"})
	e := start(t, dir, lsptest.PushCaps())
	raw, err := e.ed.Server.ExecuteCommand(e.ctx, &protocol.ExecuteCommandParams{Command: lsp.CommandInference})
	if err != nil {
		t.Fatal(err)
	}
	var st struct {
		Configured bool
		Backends   []any
	}
	if err := json.Unmarshal(raw, &st); err != nil || st.Configured || st.Backends == nil {
		t.Fatalf("status %s %v", raw, err)
	}
}
