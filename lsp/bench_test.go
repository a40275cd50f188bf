package lsp_test

import (
	"context"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"go.lsp.dev/protocol"
	"go.lsp.dev/uri"

	"github.com/aios-dev/aios/lsp"
	"github.com/aios-dev/aios/lsp/lsptest"
	"github.com/aios-dev/aios/orchestrator"
)

// benchDidChange measures, through the whole server over net.Pipe, the time
// from a didChange of file to the publication of its diagnostics for the
// new version. Every edit changes the package, so every pass re-analyses it.
func benchDidChange(b *testing.B, root, file string) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	srv, err := lsp.NewServer(lsp.Options{
		NewKernel: func(root string, init lsp.InitOptions) (*orchestrator.Kernel, error) {
			return orchestrator.New(orchestrator.Options{Agents: orchestrator.GoAgents(orchestrator.GoOptions{Dir: root, Tests: false})})
		},
	})
	if err != nil {
		b.Fatal(err)
	}
	a, c := net.Pipe()
	go srv.Serve(ctx, a)
	ed := lsptest.Connect(ctx, c)
	defer ed.Close()
	if _, err := ed.Initialize(ctx, root, lsptest.PushCaps(), map[string]any{"debounceMs": 0}); err != nil {
		b.Fatal(err)
	}
	text, err := os.ReadFile(file)
	if err != nil {
		b.Fatal(err)
	}
	u := uri.File(file)
	if err := ed.Server.DidOpen(ctx, &protocol.DidOpenTextDocumentParams{TextDocument: protocol.TextDocumentItem{
		URI: u, LanguageID: "go", Version: 1, Text: string(text)}}); err != nil {
		b.Fatal(err)
	}
	awaitVersion := func(v int32) {
		if err := ed.Await(10*time.Minute, fmt.Sprintf("diagnostics for version %d", v), func(s *lsptest.State) bool {
			got, _ := s.Diagnostics[string(u)].Version.Get()
			return got == v
		}); err != nil {
			b.Fatal(err)
		}
	}
	awaitVersion(1) // the cold load is not measured
	var lat []time.Duration
	v := int32(1)
	for b.Loop() {
		v++
		t0 := time.Now()
		err := ed.Server.DidChange(ctx, &protocol.DidChangeTextDocumentParams{
			TextDocument: protocol.VersionedTextDocumentIdentifier{TextDocumentIdentifier: protocol.TextDocumentIdentifier{URI: u}, Version: v},
			ContentChanges: []protocol.TextDocumentContentChangeEvent{&protocol.TextDocumentContentChangePartial{
				Range: protocol.Range{}, Text: fmt.Sprintf("// edit %d\n", v)}},
		})
		if err != nil {
			b.Fatal(err)
		}
		awaitVersion(v)
		lat = append(lat, time.Since(t0))
	}
	b.StopTimer()
	slices.Sort(lat)
	if len(lat) > 0 {
		b.ReportMetric(float64(lat[0].Milliseconds()), "min-ms")
		b.ReportMetric(float64(lat[len(lat)/2].Milliseconds()), "median-ms")
		b.ReportMetric(float64(lat[len(lat)-1].Milliseconds()), "max-ms")
	}
}

// BenchmarkDidChangeNetHTTP edits net/http/server.go of GOROOT (the
// package and its dependencies are reloaded on each edit; nothing is
// written to GOROOT: the edits live in the overlay).
func BenchmarkDidChangeNetHTTP(b *testing.B) {
	out, err := exec.Command("go", "env", "GOROOT").Output()
	if err != nil {
		b.Fatal(err)
	}
	src := filepath.Join(strings.TrimSpace(string(out)), "src")
	benchDidChange(b, src, filepath.Join(src, "net", "http", "server.go"))
}

// BenchmarkDidChangeSmallPackage edits a file of a small module package.
func BenchmarkDidChangeSmallPackage(b *testing.B) {
	dir := b.TempDir()
	files := map[string]string{
		"go.mod": "module example.com/m\n\ngo 1.26\n",
		"a.go":   "package m\n\nimport \"fmt\"\n\nfunc F() { fmt.Println(\"a\") }\n",
		"b.go":   "package m\n\nimport \"strings\"\n\nfunc G(s string) string { return strings.ToUpper(s) }\n",
	}
	for name, content := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(content), 0o644); err != nil {
			b.Fatal(err)
		}
	}
	benchDidChange(b, dir, filepath.Join(dir, "a.go"))
}
