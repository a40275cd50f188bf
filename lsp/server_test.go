package lsp_test

import (
	"context"
	"encoding/json"
	"errors"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"go.lsp.dev/jsonrpc2"
	"go.lsp.dev/protocol"
	"go.lsp.dev/uri"

	"github.com/aios-dev/aios/inference/inferencetest"
	"github.com/aios-dev/aios/lsp"
	"github.com/aios-dev/aios/lsp/lsptest"
	"github.com/aios-dev/aios/lsp/textdoc"
	"github.com/aios-dev/aios/orchestrator"
)

const wait = 60 * time.Second // generous: the go command is slow on a loaded machine

type env struct {
	// model is the scripted model of an AI test (startAI), else nil.
	model  *inferencetest.Server
	t      testing.TB
	dir    string
	ed     *lsptest.Editor
	srv    *lsp.Server
	exit   chan int
	served chan error
	ctx    context.Context
}

func writeModule(t testing.TB, files map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	if _, ok := files["go.mod"]; !ok {
		files["go.mod"] = "module example.com/m\n\ngo 1.26\n"
	}
	for name, content := range files {
		p := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

func newServer(t *testing.T, exit chan int) *lsp.Server {
	t.Helper()
	srv, err := lsp.NewServer(lsp.Options{
		Debounce: 5 * time.Millisecond,
		OnExit:   func(code int) { exit <- code },
		NewKernel: func(root string, init lsp.InitOptions) (*orchestrator.Kernel, error) {
			return orchestrator.New(orchestrator.Options{Agents: orchestrator.GoAgents(orchestrator.GoOptions{Dir: root, Tests: true})})
		},
	})
	if err != nil {
		t.Fatal(err)
	}
	return srv
}

// start runs a server over net.Pipe and connects a fake editor to it,
// initialised with caps for the workspace dir.
func start(t *testing.T, dir string, caps protocol.ClientCapabilities) *env {
	t.Helper()
	return startWith(t, dir, caps, nil, nil)
}

// startWith is start with the server's kernel made by newKernel (nil: the
// Go agents only) and initializationOptions initOpts.
func startWith(t testing.TB, dir string, caps protocol.ClientCapabilities, initOpts any,
	newKernel func(root string) (*orchestrator.Kernel, error)) *env {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	e := &env{t: t, dir: dir, exit: make(chan int, 1), served: make(chan error, 1), ctx: ctx}
	if newKernel == nil {
		newKernel = func(root string) (*orchestrator.Kernel, error) {
			return orchestrator.New(orchestrator.Options{Agents: orchestrator.GoAgents(orchestrator.GoOptions{Dir: root, Tests: true})})
		}
	}
	srv, err := lsp.NewServer(lsp.Options{
		Debounce:  5 * time.Millisecond,
		OnExit:    func(code int) { e.exit <- code },
		NewKernel: func(root string, _ lsp.InitOptions) (*orchestrator.Kernel, error) { return newKernel(root) },
	})
	if err != nil {
		t.Fatal(err)
	}
	e.srv = srv
	a, b := net.Pipe()
	go func() { e.served <- e.srv.Serve(ctx, a) }()
	e.ed = lsptest.Connect(ctx, b)
	t.Cleanup(func() {
		cancel()
		e.ed.Close()
	})
	if _, err := e.ed.Initialize(ctx, dir, caps, initOpts); err != nil {
		t.Fatal(err)
	}
	return e
}

func (e *env) uri(name string) uri.URI { return uri.File(filepath.Join(e.dir, name)) }

func (e *env) open(name, text string) {
	e.t.Helper()
	err := e.ed.Server.DidOpen(e.ctx, &protocol.DidOpenTextDocumentParams{TextDocument: protocol.TextDocumentItem{
		URI: e.uri(name), LanguageID: "go", Version: 1, Text: text,
	}})
	if err != nil {
		e.t.Fatal(err)
	}
}

func (e *env) change(name string, version int32, changes ...protocol.TextDocumentContentChangeEvent) {
	e.t.Helper()
	err := e.ed.Server.DidChange(e.ctx, &protocol.DidChangeTextDocumentParams{
		TextDocument:   protocol.VersionedTextDocumentIdentifier{TextDocumentIdentifier: protocol.TextDocumentIdentifier{URI: e.uri(name)}, Version: version},
		ContentChanges: changes,
	})
	if err != nil {
		e.t.Fatal(err)
	}
}

// awaitDiagnostics waits for the diagnostics of name at version.
func (e *env) awaitDiagnostics(name string, version int32, n int) []protocol.Diagnostic {
	e.t.Helper()
	u := string(e.uri(name))
	var got []protocol.Diagnostic
	err := e.ed.Await(wait, "diagnostics", func(s *lsptest.State) bool {
		p, ok := s.Diagnostics[u]
		v, _ := p.Version.Get()
		if ok && v == version && len(p.Diagnostics) == n {
			got = p.Diagnostics
			return true
		}
		return false
	})
	if err != nil {
		e.t.Fatal(err)
	}
	return got
}

func pos(line, char uint32) protocol.Position { return protocol.Position{Line: line, Character: char} }

// The self-assignment sits after non-ASCII text so that its UTF-16
// column differs from its byte column: "𝄞" is 4 bytes and 2 UTF-16 units.
const selfAssign = "package m\n\nfunc f() (int, string) {\n\tx := 1\n\ts := \"𝄞é\"; x = x\n\treturn x, s\n}\n"

func TestPushDiagnosticsQuickFixLoop(t *testing.T) {
	dir := writeModule(t, map[string]string{"a.go": "package m\n"})
	e := start(t, dir, lsptest.PushCaps())
	e.open("a.go", selfAssign)
	diags := e.awaitDiagnostics("a.go", 1, 1)
	d := diags[0]
	// Line 4 (0-based): `\ts := "𝄞é"; x = x`: tab, `s := "` (6), 𝄞 (2 units), é, `"; ` → x at 13.
	if d.Range.Start != pos(4, 13) || d.Range.End != pos(4, 18) {
		t.Fatalf("range %+v, want 4:13-4:18", d.Range)
	}
	if d.Code != protocol.String("assign") || d.Severity != protocol.DiagnosticSeverityWarning {
		t.Fatalf("diagnostic %+v", d)
	}
	if src, _ := d.Source.Get(); src != "aios" {
		t.Fatalf("source %q", src)
	}

	actions, err := e.ed.Server.CodeAction(e.ctx, &protocol.CodeActionParams{
		TextDocument: protocol.TextDocumentIdentifier{URI: e.uri("a.go")},
		Range:        protocol.Range{Start: pos(4, 14), End: pos(4, 14)},
		Context:      protocol.CodeActionContext{Diagnostics: diags},
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(actions) != 1 {
		t.Fatalf("actions %+v", actions)
	}
	action := actions[0].(*protocol.CodeAction)
	if action.Edit != nil || action.Data == nil || *action.Kind != protocol.CodeActionKindQuickFix {
		t.Fatalf("unresolved action %+v", action)
	}
	resolved, err := e.ed.Server.CodeActionResolve(e.ctx, action)
	if err != nil {
		t.Fatal(err)
	}
	edits := resolved.Edit.Changes[e.uri("a.go")]
	if len(edits) == 0 {
		t.Fatalf("resolved action has no edits for a.go: %+v", resolved.Edit)
	}
	// Apply the edits as an editor does, as incremental changes.
	var changes []protocol.TextDocumentContentChangeEvent
	for i := len(edits) - 1; i >= 0; i-- { // back to front keeps earlier ranges valid
		changes = append(changes, &protocol.TextDocumentContentChangePartial{Range: edits[i].Range, Text: edits[i].NewText})
	}
	e.change("a.go", 2, changes...)
	e.awaitDiagnostics("a.go", 2, 0)

	// Re-break it with an incremental edit that types the assignment back.
	e.change("a.go", 3, &protocol.TextDocumentContentChangePartial{Range: protocol.Range{Start: pos(5, 0), End: pos(5, 0)}, Text: "\tx = x\n"})
	diags = e.awaitDiagnostics("a.go", 3, 1)
	if diags[0].Range.Start != pos(5, 1) {
		t.Fatalf("after re-edit: %+v", diags[0].Range)
	}

	tasksRaw, err := e.ed.Server.ExecuteCommand(e.ctx, &protocol.ExecuteCommandParams{Command: lsp.CommandTasks})
	if err != nil {
		t.Fatal(err)
	}
	var tasks []orchestrator.TaskRecord
	if err := json.Unmarshal(tasksRaw, &tasks); err != nil {
		t.Fatal(err)
	}
	kinds := map[string]int{}
	for _, tk := range tasks {
		kinds[tk.Kind]++
		if tk.ID == "" || len(tk.Steps) == 0 || tk.Steps[0].Duration <= 0 {
			t.Fatalf("task without steps or timings: %+v", tk)
		}
	}
	if kinds[orchestrator.KindDiagnose] < 3 || kinds[orchestrator.KindCodeActions] != 1 || kinds[orchestrator.KindResolveFix] != 1 {
		t.Fatalf("task kinds %v", kinds)
	}
}

func TestCloseClearsDiagnostics(t *testing.T) {
	dir := writeModule(t, map[string]string{"a.go": "package m\n"})
	e := start(t, dir, lsptest.PushCaps())
	e.open("a.go", selfAssign)
	e.awaitDiagnostics("a.go", 1, 1)
	if err := e.ed.Server.DidClose(e.ctx, &protocol.DidCloseTextDocumentParams{TextDocument: protocol.TextDocumentIdentifier{URI: e.uri("a.go")}}); err != nil {
		t.Fatal(err)
	}
	u := string(e.uri("a.go"))
	if err := e.ed.Await(wait, "cleared diagnostics", func(s *lsptest.State) bool {
		p := s.Diagnostics[u]
		return len(p.Diagnostics) == 0 && p.Version.IsZero()
	}); err != nil {
		t.Fatal(err)
	}
}

func TestPullDiagnostics(t *testing.T) {
	dir := writeModule(t, map[string]string{"a.go": selfAssign})
	e := start(t, dir, lsptest.PullCaps())
	e.open("a.go", selfAssign)
	report, err := e.ed.Server.Diagnostic(e.ctx, &protocol.DocumentDiagnosticParams{TextDocument: protocol.TextDocumentIdentifier{URI: e.uri("a.go")}})
	if err != nil {
		t.Fatal(err)
	}
	full, ok := report.(*protocol.RelatedFullDocumentDiagnosticReport)
	if !ok || len(full.Items) != 1 || full.ResultID == nil {
		t.Fatalf("report %#v", report)
	}
	again, err := e.ed.Server.Diagnostic(e.ctx, &protocol.DocumentDiagnosticParams{
		TextDocument: protocol.TextDocumentIdentifier{URI: e.uri("a.go")}, PreviousResultID: full.ResultID,
	})
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := again.(*protocol.RelatedUnchangedDocumentDiagnosticReport); !ok {
		t.Fatalf("second report %#v", again)
	}
	// A pull client gets nothing pushed.
	if s := e.ed.Snapshot(); s.Published != 0 {
		t.Fatalf("pushed %d times to a pull client", s.Published)
	}
}

func TestInitializeAdvertisesWhatWorks(t *testing.T) {
	dir := writeModule(t, map[string]string{"a.go": "package m\n"})
	for _, tc := range []struct {
		name string
		caps protocol.ClientCapabilities
		pull bool
	}{{"push", lsptest.PushCaps(), false}, {"pull", lsptest.PullCaps(), true}} {
		t.Run(tc.name, func(t *testing.T) {
			exit := make(chan int, 1)
			srv := newServer(t, exit)
			a, b := net.Pipe()
			ctx := t.Context()
			go srv.Serve(ctx, a)
			ed := lsptest.Connect(ctx, b)
			defer ed.Close()
			res, err := ed.Initialize(ctx, dir, tc.caps, map[string]any{"tests": false})
			if err != nil {
				t.Fatal(err)
			}
			c := res.Capabilities
			sync := c.TextDocumentSync.(*protocol.TextDocumentSyncOptions)
			if *sync.Change != protocol.TextDocumentSyncKindIncremental || !*sync.OpenClose {
				t.Fatalf("sync %+v", sync)
			}
			ca := c.CodeActionProvider.(*protocol.CodeActionOptions)
			if !*ca.ResolveProvider {
				t.Fatal("no resolve provider")
			}
			if strings.Join(c.ExecuteCommandProvider.Commands, ",") != "aios.tasks,aios.lint,aios.inference,aios.search,aios.index,aios.task,aios.accept,aios.apply,aios.reject,aios.undo" {
				t.Fatalf("commands %v", c.ExecuteCommandProvider.Commands)
			}
			if (c.DiagnosticProvider != nil) != tc.pull {
				t.Fatalf("diagnosticProvider %+v for pull=%v", c.DiagnosticProvider, tc.pull)
			}
			if c.HoverProvider != nil || c.CompletionProvider != nil || c.DefinitionProvider != nil {
				t.Fatal("advertises features aios does not have")
			}
		})
	}
}

func TestLifecycle(t *testing.T) {
	dir := writeModule(t, map[string]string{"a.go": "package m\n"})
	exit := make(chan int, 1)
	srv := newServer(t, exit)
	a, b := net.Pipe()
	ctx := t.Context()
	served := make(chan error, 1)
	go func() { served <- srv.Serve(ctx, a) }()
	ed := lsptest.Connect(ctx, b)
	defer ed.Close()

	_, err := ed.Server.CodeAction(ctx, &protocol.CodeActionParams{})
	if code := errCode(err); code != -32002 {
		t.Fatalf("request before initialize: %v", err)
	}
	if _, err := ed.Initialize(ctx, dir, lsptest.PushCaps(), nil); err != nil {
		t.Fatal(err)
	}
	if _, err := ed.Initialize(ctx, dir, lsptest.PushCaps(), nil); errCode(err) != jsonrpc2.InvalidRequest {
		t.Fatalf("second initialize: %v", err)
	}
	if err := ed.Server.Shutdown(ctx); err != nil {
		t.Fatal(err)
	}
	if _, err := ed.Server.ExecuteCommand(ctx, &protocol.ExecuteCommandParams{Command: lsp.CommandTasks}); errCode(err) != jsonrpc2.InvalidRequest {
		t.Fatalf("request after shutdown: %v", err)
	}
	if err := ed.Server.Exit(ctx); err != nil {
		t.Fatal(err)
	}
	if code := <-exit; code != 0 {
		t.Fatalf("exit after shutdown: status %d", code)
	}
	if err := <-served; err != nil {
		t.Fatalf("Serve: %v", err)
	}
}

func TestExitWithoutShutdown(t *testing.T) {
	dir := writeModule(t, map[string]string{"a.go": "package m\n"})
	e := start(t, dir, lsptest.PushCaps())
	if err := e.ed.Server.Exit(e.ctx); err != nil {
		t.Fatal(err)
	}
	if code := <-e.exit; code != 1 {
		t.Fatalf("exit without shutdown: status %d", code)
	}
}

func errCode(err error) jsonrpc2.Code {
	var je *jsonrpc2.Error
	if errors.As(err, &je) {
		return je.Code
	}
	return 0
}

func TestBadEditsKeepTheBuffer(t *testing.T) {
	dir := writeModule(t, map[string]string{"a.go": "package m\n"})
	e := start(t, dir, lsptest.PushCaps())
	e.open("a.go", selfAssign)
	e.awaitDiagnostics("a.go", 1, 1)
	// A range beyond the end of the document is refused...
	e.change("a.go", 2, &protocol.TextDocumentContentChangePartial{Range: protocol.Range{Start: pos(40, 0), End: pos(41, 0)}, Text: "boom"})
	if err := e.ed.Await(wait, "a warning", func(s *lsptest.State) bool {
		return len(s.Shown) == 1 && strings.Contains(s.Shown[0].Message, "keeps version 1")
	}); err != nil {
		t.Fatal(err)
	}
	// ...and the buffer is still version 1: its quick fix still applies.
	actions, err := e.ed.Server.CodeAction(e.ctx, &protocol.CodeActionParams{
		TextDocument: protocol.TextDocumentIdentifier{URI: e.uri("a.go")},
		Range:        protocol.Range{Start: pos(4, 14), End: pos(4, 14)},
	})
	if err != nil || len(actions) != 1 {
		t.Fatalf("after a bad edit: %v %v", actions, err)
	}
	// An impossible position in a request is an error, not a crash.
	_, err = e.ed.Server.CodeAction(e.ctx, &protocol.CodeActionParams{
		TextDocument: protocol.TextDocumentIdentifier{URI: e.uri("a.go")},
		Range:        protocol.Range{Start: pos(99, 0), End: pos(99, 3)},
	})
	if errCode(err) != jsonrpc2.InvalidParams {
		t.Fatalf("impossible range: %v", err)
	}
	// Changes for a document that is not open are reported, not applied.
	e.change("zzz.go", 5, &protocol.TextDocumentContentChangeWholeDocument{Text: "package m\n"})
	if err := e.ed.Await(wait, "a second warning", func(s *lsptest.State) bool { return len(s.Shown) == 2 }); err != nil {
		t.Fatal(err)
	}
}

func TestDiagnosticsFollowTheLatestEdit(t *testing.T) {
	dir := writeModule(t, map[string]string{"a.go": "package m\n"})
	e := start(t, dir, lsptest.PushCaps())
	e.open("a.go", "package m\n\nfunc f() {}\n")
	e.awaitDiagnostics("a.go", 1, 0)
	// A burst of edits: only the last version's diagnostics matter.
	text := "package m\n\nfunc f() {}\n"
	for v := int32(2); v <= 6; v++ {
		m := textdoc.NewMapper([]byte(text))
		end, _ := m.Position(len(text))
		add := "func g" + string(rune('a'+v)) + "() { y := 1; y = y; _ = y }\n"
		text += add
		e.change("a.go", v, &protocol.TextDocumentContentChangePartial{
			Range: protocol.Range{Start: pos(end.Line, end.Character), End: pos(end.Line, end.Character)}, Text: add,
		})
	}
	e.awaitDiagnostics("a.go", 6, 5)
}

func protocolURI(path string) uri.URI { return uri.File(path) }

// Shutdown while diagnostics passes run, repeatedly: no crash, exit 0.
func TestShutdownDuringDiagnostics(t *testing.T) {
	dir := writeModule(t, map[string]string{"a.go": selfAssign})
	for i := range 10 {
		exit := make(chan int, 1)
		srv := newServer(t, exit)
		a, b := net.Pipe()
		ctx, cancel := context.WithCancel(context.Background())
		served := make(chan error, 1)
		go func() { served <- srv.Serve(ctx, a) }()
		ed := lsptest.Connect(ctx, b)
		u := uri.URI(uri.File(filepath.Join(dir, "a.go")))
		if _, err := ed.Initialize(ctx, dir, lsptest.PushCaps(), []any{}); err != nil {
			t.Fatalf("run %d: initialize with [] options: %v", i, err)
		}
		_ = ed.Server.DidOpen(ctx, &protocol.DidOpenTextDocumentParams{TextDocument: protocol.TextDocumentItem{URI: u, LanguageID: "go", Version: 1, Text: selfAssign}})
		_ = ed.Server.DidChange(ctx, &protocol.DidChangeTextDocumentParams{
			TextDocument:   protocol.VersionedTextDocumentIdentifier{TextDocumentIdentifier: protocol.TextDocumentIdentifier{URI: u}, Version: 2},
			ContentChanges: []protocol.TextDocumentContentChangeEvent{&protocol.TextDocumentContentChangeWholeDocument{Text: selfAssign + "\n"}},
		})
		if err := ed.Server.Shutdown(ctx); err != nil {
			t.Fatal(err)
		}
		_ = ed.Server.Exit(ctx)
		if code := <-exit; code != 0 {
			t.Fatalf("run %d: exit status %d", i, code)
		}
		if err := <-served; err != nil {
			t.Fatalf("run %d: %v", i, err)
		}
		ed.Close()
		cancel()
	}
}
