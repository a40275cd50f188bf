package lsp_test

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"go.lsp.dev/protocol"

	"github.com/aios-dev/aios/lsp"
	"github.com/aios-dev/aios/lsp/lsptest"
	"github.com/aios-dev/aios/orchestrator"
)

// startIndexed is start with a kernel that indexes the workspace into a
// store in a temporary directory.
func startIndexed(t *testing.T, dir string, caps protocol.ClientCapabilities, initOpts any) *env {
	t.Helper()
	store := filepath.Join(t.TempDir(), "aios.db")
	return startWith(t, dir, caps, initOpts, func(root string) (*orchestrator.Kernel, error) {
		return orchestrator.New(orchestrator.Options{Workspace: root, KnowledgeStore: store,
			Agents: orchestrator.GoAgents(orchestrator.GoOptions{Dir: root, Tests: true})})
	})
}

func (e *env) search(args lsp.SearchArgs) *orchestrator.SearchResult {
	e.t.Helper()
	raw, _ := json.Marshal(args)
	res, err := e.ed.Server.ExecuteCommand(e.ctx, &protocol.ExecuteCommandParams{Command: lsp.CommandSearch, Arguments: []protocol.LSPAny{raw}})
	if err != nil {
		e.t.Fatalf("aios.search %+v: %v", args, err)
	}
	var out orchestrator.SearchResult
	if err := json.Unmarshal(res, &out); err != nil {
		e.t.Fatalf("aios.search result %s: %v", res, err)
	}
	return &out
}

// awaitSearch polls aios.search until the first item satisfies ok: index
// updates after an edit are asynchronous.
func (e *env) awaitSearch(args lsp.SearchArgs, ok func(orchestrator.SearchResult) bool) *orchestrator.SearchResult {
	e.t.Helper()
	deadline := time.Now().Add(wait)
	for {
		res := e.search(args)
		if ok(*res) {
			return res
		}
		if time.Now().After(deadline) {
			e.t.Fatalf("aios.search %+v never satisfied the test; last result %+v", args, res.Items)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

func firstIn(path, text string) func(orchestrator.SearchResult) bool {
	return func(r orchestrator.SearchResult) bool {
		return len(r.Items) > 0 && r.Items[0].Path == path && strings.Contains(r.Items[0].Text, text)
	}
}

func TestWorkspaceIndexFollowsTheEditor(t *testing.T) {
	dir := writeModule(t, map[string]string{
		"cart/cart.go":   "package cart\n\n// Total adds the prices of the items in a shopping cart.\nfunc Total(prices []float64) float64 {\n\tt := 0.0\n\tfor _, p := range prices {\n\t\tt += p\n\t}\n\treturn t\n}\n",
		"greet/greet.go": "package greet\n\n// Hello greets a person by name.\nfunc Hello(name string) string { return \"hello \" + name }\n",
	})
	e := startIndexed(t, dir, lsptest.PushCaps(), nil)
	// Indexing runs in the background, with progress.
	if err := e.ed.Await(wait, "indexing progress to end", func(s *lsptest.State) bool {
		for _, p := range s.Progress {
			if p.Kind == "end" && strings.Contains(p.Message, "3 files indexed") {
				return true
			}
		}
		return false
	}); err != nil {
		t.Fatal(err)
	}
	e.awaitSearch(lsp.SearchArgs{Query: "sum the prices of a shopping cart"}, firstIn("cart/cart.go", "func Total"))

	// An unsaved edit is searchable.
	greet := "greet/greet.go"
	src, _ := os.ReadFile(filepath.Join(dir, greet))
	e.open(greet, string(src))
	end := pos(4, 0)
	e.change(greet, 2, &protocol.TextDocumentContentChangePartial{Range: protocol.Range{Start: end, End: end},
		Text: "\n// Farewell waves goodbye to a departing visitor.\nfunc Farewell() string { return \"bye\" }\n"})
	e.awaitSearch(lsp.SearchArgs{Query: "wave goodbye to a departing visitor", File: string(e.uri(greet))}, firstIn(greet, "func Farewell"))

	// Closing without saving: the file on disk is the truth again.
	if err := e.ed.Server.DidClose(e.ctx, &protocol.DidCloseTextDocumentParams{TextDocument: protocol.TextDocumentIdentifier{URI: e.uri(greet)}}); err != nil {
		t.Fatal(err)
	}
	e.awaitSearch(lsp.SearchArgs{Query: "wave goodbye to a departing visitor"}, func(r orchestrator.SearchResult) bool {
		for _, it := range r.Items {
			if strings.Contains(it.Text, "Farewell") {
				return false
			}
		}
		return true
	})

	// A file created on disk and reported as watched is indexed.
	if err := os.WriteFile(filepath.Join(dir, "tax", "tax.go"), nil, 0o644); err == nil {
		t.Fatal("tax/ should not exist yet")
	}
	os.MkdirAll(filepath.Join(dir, "tax"), 0o755)
	if err := os.WriteFile(filepath.Join(dir, "tax", "tax.go"), []byte("package tax\n\n// VAT computes the value added tax of an amount.\nfunc VAT(amount float64) float64 { return amount * 0.2 }\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := e.ed.Server.DidChangeWatchedFiles(e.ctx, &protocol.DidChangeWatchedFilesParams{Changes: []protocol.FileEvent{{URI: e.uri("tax/tax.go"), Type: protocol.FileChangeTypeCreated}}}); err != nil {
		t.Fatal(err)
	}
	e.awaitSearch(lsp.SearchArgs{Query: "value added tax of an amount", K: 2}, firstIn("tax/tax.go", "func VAT"))

	// aios.index reports what the index holds.
	res, err := e.ed.Server.ExecuteCommand(e.ctx, &protocol.ExecuteCommandParams{Command: lsp.CommandIndex})
	if err != nil {
		t.Fatal(err)
	}
	var ix lsp.IndexResult
	if err := json.Unmarshal(res, &ix); err != nil || ix.Stats.Memory.Files != 4 {
		t.Fatalf("aios.index: %s %v", res, err)
	}
	// Bad arguments are clear errors.
	for _, args := range []string{`{"query": 3}`, `{"query": "x", "k": -1}`, `{"query": "x", "file": "http://x/y.go"}`} {
		if _, err := e.ed.Server.ExecuteCommand(e.ctx, &protocol.ExecuteCommandParams{Command: lsp.CommandSearch, Arguments: []protocol.LSPAny{protocol.LSPAny(args)}}); err == nil {
			t.Errorf("aios.search %s: no error", args)
		}
	}
}

func TestIndexCanBeTurnedOff(t *testing.T) {
	dir := writeModule(t, map[string]string{"a.go": "package m\n"})
	e := start(t, dir, lsptest.PushCaps()) // the test kernel has no workspace index
	_, err := e.ed.Server.ExecuteCommand(e.ctx, &protocol.ExecuteCommandParams{Command: lsp.CommandIndex})
	if err == nil || !strings.Contains(err.Error(), "no workspace index") {
		t.Fatalf("aios.index without an index: %v", err)
	}
	// initializationOptions {"index": false}: nothing is indexed until asked.
	e = startIndexed(t, dir, lsptest.PushCaps(), map[string]any{"index": false})
	raw, _ := json.Marshal(lsp.SearchArgs{Query: "package"})
	if _, err := e.ed.Server.ExecuteCommand(e.ctx, &protocol.ExecuteCommandParams{Command: lsp.CommandSearch, Arguments: []protocol.LSPAny{raw}}); err == nil || !strings.Contains(err.Error(), "not") {
		t.Fatalf("aios.search with the index off: %v", err)
	}
	if st := e.ed.Snapshot(); len(st.Progress) != 0 {
		t.Fatalf("progress with the index off: %+v", st.Progress)
	}
	res, err := e.ed.Server.ExecuteCommand(e.ctx, &protocol.ExecuteCommandParams{Command: lsp.CommandIndex})
	if err != nil || !strings.Contains(string(res), `"Indexed":2`) {
		t.Fatalf("aios.index with the index off: %s %v", res, err)
	}
}
