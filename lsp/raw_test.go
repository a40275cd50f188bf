package lsp_test

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/textproto"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"go.lsp.dev/uri"

	"github.com/aios-dev/aios/critic"
	"github.com/aios-dev/aios/inference"
	"github.com/aios-dev/aios/inference/inferencetest"
	"github.com/aios-dev/aios/lsp"
	"github.com/aios-dev/aios/lsp/lsptest"
	"github.com/aios-dev/aios/orchestrator"
)

// rawConn speaks LSP framing by hand, to send what no well-behaved client
// would.
type rawConn struct {
	t    *testing.T
	conn net.Conn
	in   *bufio.Reader
	msgs chan map[string]any
}

func startRaw(t *testing.T, dir string) *rawConn {
	t.Helper()
	return startRawServer(t, dir, newServer(t, make(chan int, 1)))
}

// startRawServer is startRaw with the server srv.
func startRawServer(t *testing.T, dir string, srv *lsp.Server) *rawConn {
	t.Helper()
	a, b := net.Pipe()
	go srv.Serve(t.Context(), a)
	r := &rawConn{t: t, conn: b, in: bufio.NewReader(b), msgs: make(chan map[string]any, 100)}
	t.Cleanup(func() { b.Close() })
	go r.readLoop()
	caps, _ := json.Marshal(lsptest.PushCaps())
	r.send(fmt.Sprintf(`{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"rootUri":%q,"capabilities":%s}}`, uri.File(dir), caps))
	r.await(func(m map[string]any) bool { return m["id"] == 1.0 })
	r.send(`{"jsonrpc":"2.0","method":"initialized","params":{}}`)
	return r
}

func (r *rawConn) send(body string) {
	r.t.Helper()
	if _, err := fmt.Fprintf(r.conn, "Content-Length: %d\r\n\r\n%s", len(body), body); err != nil {
		r.t.Fatal(err)
	}
}

func (r *rawConn) readLoop() {
	tp := textproto.NewReader(r.in)
	for {
		h, err := tp.ReadMIMEHeader()
		if err != nil {
			close(r.msgs)
			return
		}
		n, _ := strconv.Atoi(h.Get("Content-Length"))
		body := make([]byte, n)
		if _, err := io.ReadFull(r.in, body); err != nil {
			close(r.msgs)
			return
		}
		var m map[string]any
		if err := json.Unmarshal(body, &m); err != nil {
			panic(fmt.Sprintf("server sent invalid JSON %q", body))
		}
		// Answer the server's own requests (progress creation) as an editor does.
		if id, ok := m["id"]; ok && m["method"] != nil {
			data, _ := json.Marshal(id)
			r.send(fmt.Sprintf(`{"jsonrpc":"2.0","id":%s,"result":null}`, data))
		}
		r.msgs <- m
	}
}

// await returns the first message (skipping others) for which match holds.
func (r *rawConn) await(match func(map[string]any) bool) map[string]any {
	r.t.Helper()
	timeout := time.After(wait)
	for {
		select {
		case m, ok := <-r.msgs:
			if !ok {
				r.t.Fatal("connection closed")
			}
			if match(m) {
				return m
			}
		case <-timeout:
			r.t.Fatal("timed out waiting for a message")
		}
	}
}

func errorOf(m map[string]any) (code float64, msg string) {
	e, _ := m["error"].(map[string]any)
	if e == nil {
		return 0, ""
	}
	c, _ := e["code"].(float64)
	s, _ := e["message"].(string)
	return c, s
}

func TestMalformedMessages(t *testing.T) {
	dir := writeModule(t, map[string]string{"a.go": "package m\n"})
	r := startRaw(t, dir)
	byID := func(id float64) func(map[string]any) bool {
		return func(m map[string]any) bool { return m["id"] == id }
	}
	isNullID := func(m map[string]any) bool { v, ok := m["id"]; return ok && v == nil }

	r.send(`{"jsonrpc":"2.0","id":2,"method":"textDocument/codeAction","params":{`) // truncated JSON
	if code, _ := errorOf(r.await(isNullID)); code != -32700 {
		t.Fatalf("parse error code %v", code)
	}
	r.send(`{"jsonrpc":"2.0","id":3,"params":{}}`) // no method
	if code, _ := errorOf(r.await(byID(3))); code != -32600 {
		t.Fatalf("invalid request code %v", code)
	}
	r.send(`[1,2`) // broken batch
	if code, _ := errorOf(r.await(isNullID)); code != -32700 {
		t.Fatalf("broken batch code %v", code)
	}
	r.send(`{"jsonrpc":"2.0","id":4,"method":"textDocument/teleport","params":{}}`)
	if code, _ := errorOf(r.await(byID(4))); code != -32601 {
		t.Fatalf("unknown method code %v", code)
	}
	r.send(`{"jsonrpc":"2.0","id":5,"method":"textDocument/codeAction","params":{"textDocument":"nope"}}`)
	if code, _ := errorOf(r.await(byID(5))); code != -32700 && code != -32602 {
		t.Fatalf("bad params code %v", code)
	}
	r.send(`{"jsonrpc":"2.0","method":"textDocument/didOpen","params":{"textDocument":42}}`) // bad notification: logged, ignored
	// The connection still works.
	r.send(`{"jsonrpc":"2.0","id":6,"method":"workspace/executeCommand","params":{"command":"aios.tasks"}}`)
	if m := r.await(byID(6)); m["error"] != nil {
		t.Fatalf("after malformed input: %v", m)
	}
}

// A $/cancelRequest that follows its request at once cancels it: the
// model holds the task until the cancellation reaches it, so the answer
// cannot race the request's own completion.
func TestCancelRequest(t *testing.T) {
	dir := writeModule(t, map[string]string{"a.go": "package m\n"})
	git(t, dir, "init", "-q", "-b", "main")
	asked := make(chan struct{}, 1)
	release := make(chan struct{})
	model := inferencetest.NewServer(func([]inference.Message) string {
		select {
		case asked <- struct{}{}:
		default:
		}
		<-release
		return ""
	})
	t.Cleanup(model.Close)
	t.Cleanup(func() { close(release) }) // before model.Close, which waits for its handlers
	store := filepath.Join(t.TempDir(), "aios.db")
	srv, err := lsp.NewServer(lsp.Options{NewKernel: func(root string, _ lsp.InitOptions) (*orchestrator.Kernel, error) {
		lazy, meter := model.Lazy()
		return orchestrator.New(orchestrator.Options{Workspace: root, KnowledgeStore: store, Inference: lazy, InferenceMeter: meter,
			AI: &orchestrator.AIOptions{Critic: critic.Options{TempDir: t.TempDir()}}})
	}})
	if err != nil {
		t.Fatal(err)
	}
	r := startRawServer(t, dir, srv)
	r.send(`{"jsonrpc":"2.0","id":7,"method":"workspace/executeCommand","params":{"command":"aios.task","arguments":[{"instruction":"add a doc comment"}]}}`)
	select {
	case <-asked:
	case <-time.After(30 * time.Second):
		t.Fatal("the task never reached the model")
	}
	r.send(`{"jsonrpc":"2.0","method":"$/cancelRequest","params":{"id":7}}`)
	m := r.await(func(m map[string]any) bool { return m["id"] == 7.0 })
	if code, msg := errorOf(m); code != -32800 {
		t.Fatalf("cancelled request answered %v %q", code, msg)
	}
	// A cancellation of a request that is not running is ignored.
	r.send(`{"jsonrpc":"2.0","method":"$/cancelRequest","params":{"id":99}}`)
	r.send(`{"jsonrpc":"2.0","id":8,"method":"workspace/executeCommand","params":{"command":"aios.tasks"}}`)
	if m := r.await(func(m map[string]any) bool { return m["id"] == 8.0 }); m["error"] != nil {
		t.Fatalf("after a stray cancellation: %v", m)
	}
}

func TestProgressAndItsCancellation(t *testing.T) {
	dir := writeModule(t, map[string]string{"a.go": selfAssign, "b/b.go": "package b\n"})
	r := startRaw(t, dir)
	r.send(`{"jsonrpc":"2.0","id":8,"method":"workspace/executeCommand","params":{"command":"aios.lint"}}`)
	create := r.await(func(m map[string]any) bool { return m["method"] == "window/workDoneProgress/create" })
	token := create["params"].(map[string]any)["token"].(string)
	kind := func(k string) func(map[string]any) bool {
		return func(m map[string]any) bool {
			if m["method"] != "$/progress" {
				return false
			}
			v := m["params"].(map[string]any)["value"].(map[string]any)
			return v["kind"] == k
		}
	}
	begin := r.await(kind("begin"))
	if v := begin["params"].(map[string]any)["value"].(map[string]any); v["title"] != "aios lint" || v["cancellable"] != true {
		t.Fatalf("begin %v", v)
	}
	r.await(kind("report"))
	// Messages arrive in order: the findings, the end of progress, the result.
	r.await(func(m map[string]any) bool { return m["method"] == "textDocument/publishDiagnostics" })
	r.await(kind("end"))
	res := r.await(func(m map[string]any) bool { return m["id"] == 8.0 })
	summary, _ := res["result"].(map[string]any)
	if summary == nil || summary["findings"] != 1.0 {
		t.Fatalf("lint result %v", res)
	}

	// Now cancel one through its progress token.
	r.send(`{"jsonrpc":"2.0","id":9,"method":"workspace/executeCommand","params":{"command":"aios.lint","arguments":[["./b/..."]]}}`)
	create = r.await(func(m map[string]any) bool { return m["method"] == "window/workDoneProgress/create" })
	token = create["params"].(map[string]any)["token"].(string)
	r.await(kind("begin"))
	r.send(fmt.Sprintf(`{"jsonrpc":"2.0","method":"window/workDoneProgress/cancel","params":{"token":%q}}`, token))
	end := r.await(kind("end"))
	res = r.await(func(m map[string]any) bool { return m["id"] == 9.0 })
	// The lint may have finished before the cancel arrived; if not, it was
	// cancelled, and its progress says so.
	if code, _ := errorOf(res); res["result"] == nil && code != -32800 {
		t.Fatalf("cancelled lint answered %v", res)
	}
	if msg := end["params"].(map[string]any)["value"].(map[string]any)["message"].(string); res["error"] != nil && msg != "cancelled" {
		t.Fatalf("end message %q", msg)
	}
}
