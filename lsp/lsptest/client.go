// Package lsptest is a fake editor for testing aios's LSP server: it speaks
// LSP over any connection (net.Pipe in tests, a process's stdio in
// end-to-end tests), records what the server sends, and lets a test wait
// for an expected state instead of sleeping.
package lsptest

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"sync"
	"time"

	"go.lsp.dev/jsonrpc2"
	"go.lsp.dev/protocol"
	"go.lsp.dev/uri"
)

// State is what the editor has received so far.
type State struct {
	Diagnostics map[string]protocol.PublishDiagnosticsParams // latest per URI
	Published   int                                          // publishDiagnostics count
	Shown       []protocol.ShowMessageParams
	Logs        []protocol.LogMessageParams
	Progress    []ProgressEvent
	Created     []string                            // progress tokens the server created
	Applied     []protocol.ApplyWorkspaceEditParams // workspace/applyEdit requests
	Asked       []protocol.ShowMessageRequestParams // window/showMessageRequest requests
}

// ProgressEvent is one $/progress notification, decoded.
type ProgressEvent struct {
	Token   string
	Kind    string `json:"kind"`
	Title   string `json:"title"`
	Message string `json:"message"`
}

// Editor is a fake LSP client.
type Editor struct {
	protocol.UnimplementedClient
	Server protocol.Server
	conn   jsonrpc2.Conn

	mu      sync.Mutex // guards state, changed and Answer
	state   State
	changed chan struct{}
	// Answer chooses the reply to window/showMessageRequest (set it
	// under SetAnswer).
	Answer func(*protocol.ShowMessageRequestParams) string
}

// SetAnswer sets how the editor answers window/showMessageRequest.
func (e *Editor) SetAnswer(fn func(*protocol.ShowMessageRequestParams) string) {
	e.mu.Lock()
	e.Answer = fn
	e.mu.Unlock()
}

// Connect starts an editor over rwc.
func Connect(ctx context.Context, rwc io.ReadWriteCloser) *Editor {
	e := &Editor{changed: make(chan struct{}), state: State{Diagnostics: make(map[string]protocol.PublishDiagnosticsParams)}}
	_, conn, server := protocol.NewClient(ctx, e, jsonrpc2.NewStream(rwc))
	e.conn, e.Server = conn, server
	return e
}

// Conn returns the underlying connection.
func (e *Editor) Conn() jsonrpc2.Conn { return e.conn }

// Close closes the connection.
func (e *Editor) Close() error { return e.conn.Close() }

func (e *Editor) update(f func(*State)) {
	e.mu.Lock()
	f(&e.state)
	close(e.changed)
	e.changed = make(chan struct{})
	e.mu.Unlock()
}

// Await waits until cond holds for the editor's state, or fails after
// timeout, describing what it waited for.
func (e *Editor) Await(timeout time.Duration, what string, cond func(*State) bool) error {
	deadline := time.NewTimer(timeout)
	defer deadline.Stop()
	for {
		e.mu.Lock()
		ok := cond(&e.state)
		ch := e.changed
		e.mu.Unlock()
		if ok {
			return nil
		}
		select {
		case <-ch:
		case <-deadline.C:
			e.mu.Lock()
			defer e.mu.Unlock()
			return fmt.Errorf("timed out after %v waiting for %s; state: %s", timeout, what, e.state.summary())
		}
	}
}

// Snapshot returns a copy of the state's counters and latest diagnostics.
func (e *Editor) Snapshot() State {
	e.mu.Lock()
	defer e.mu.Unlock()
	s := e.state
	s.Diagnostics = make(map[string]protocol.PublishDiagnosticsParams, len(e.state.Diagnostics))
	for k, v := range e.state.Diagnostics {
		s.Diagnostics[k] = v
	}
	s.Shown = append([]protocol.ShowMessageParams(nil), e.state.Shown...)
	s.Progress = append([]ProgressEvent(nil), e.state.Progress...)
	return s
}

func (s *State) summary() string {
	out := fmt.Sprintf("%d publishes;", s.Published)
	for u, d := range s.Diagnostics {
		v, _ := d.Version.Get()
		out += fmt.Sprintf(" %s@v%d: %d diagnostics;", u, v, len(d.Diagnostics))
	}
	for _, m := range s.Shown {
		out += " shown: " + m.Message + ";"
	}
	return out
}

// PublishDiagnostics implements protocol.Client.
func (e *Editor) PublishDiagnostics(ctx context.Context, p *protocol.PublishDiagnosticsParams) error {
	e.update(func(s *State) {
		s.Diagnostics[string(p.URI)] = *p
		s.Published++
	})
	return nil
}

// ShowMessage implements protocol.Client.
func (e *Editor) ShowMessage(ctx context.Context, p *protocol.ShowMessageParams) error {
	e.update(func(s *State) { s.Shown = append(s.Shown, *p) })
	return nil
}

// LogMessage implements protocol.Client.
func (e *Editor) LogMessage(ctx context.Context, p *protocol.LogMessageParams) error {
	e.update(func(s *State) { s.Logs = append(s.Logs, *p) })
	return nil
}

// ApplyEdit implements protocol.Client: the edit is recorded and
// reported applied (the test applies it where it matters).
func (e *Editor) ApplyEdit(ctx context.Context, p *protocol.ApplyWorkspaceEditParams) (*protocol.ApplyWorkspaceEditResult, error) {
	e.update(func(s *State) { s.Applied = append(s.Applied, *p) })
	return &protocol.ApplyWorkspaceEditResult{Applied: true}, nil
}

// ShowMessageRequest implements protocol.Client: it answers with
// Answer's choice (nil Answer or "": the user dismissed the message).
func (e *Editor) ShowMessageRequest(ctx context.Context, p *protocol.ShowMessageRequestParams) (*protocol.MessageActionItem, error) {
	e.update(func(s *State) { s.Asked = append(s.Asked, *p) })
	e.mu.Lock()
	answer := e.Answer
	e.mu.Unlock()
	if answer == nil {
		return nil, nil
	}
	if title := answer(p); title != "" {
		return &protocol.MessageActionItem{Title: title}, nil
	}
	return nil, nil
}

// WorkDoneProgressCreate implements protocol.Client.
func (e *Editor) WorkDoneProgressCreate(ctx context.Context, p *protocol.WorkDoneProgressCreateParams) error {
	e.update(func(s *State) { s.Created = append(s.Created, tokenString(p.Token)) })
	return nil
}

// Progress implements protocol.Client.
func (e *Editor) Progress(ctx context.Context, p *protocol.ProgressParams) error {
	var ev ProgressEvent
	if err := json.Unmarshal(p.Value, &ev); err != nil {
		return nil
	}
	ev.Token = tokenString(p.Token)
	e.update(func(s *State) { s.Progress = append(s.Progress, ev) })
	return nil
}

func tokenString(t protocol.ProgressToken) string {
	switch t := t.(type) {
	case protocol.String:
		return string(t)
	case protocol.Integer:
		return fmt.Sprint(int32(t))
	}
	return ""
}

// Initialize sends initialize (with caps) and initialized for the
// workspace at root.
func (e *Editor) Initialize(ctx context.Context, root string, caps protocol.ClientCapabilities, initOpts any) (*protocol.InitializeResult, error) {
	u := uri.File(root)
	params := &protocol.InitializeParams{RootURI: &u, Capabilities: caps, ClientInfo: protocol.ClientInfo{Name: "lsptest"}}
	if initOpts != nil {
		data, err := json.Marshal(initOpts)
		if err != nil {
			return nil, err
		}
		params.InitializationOptions = data
	}
	res, err := e.Server.Initialize(ctx, params)
	if err != nil {
		return nil, err
	}
	return res, e.Server.Initialized(ctx, &protocol.InitializedParams{})
}

// PushCaps are the capabilities of an editor that receives pushed
// diagnostics and resolves code action edits lazily.
func PushCaps() protocol.ClientCapabilities {
	t := true
	return protocol.ClientCapabilities{
		Window: &protocol.WindowClientCapabilities{WorkDoneProgress: &t},
		TextDocument: &protocol.TextDocumentClientCapabilities{
			PublishDiagnostics: &protocol.PublishDiagnosticsClientCapabilities{},
			CodeAction: &protocol.CodeActionClientCapabilities{
				DataSupport:    &t,
				ResolveSupport: protocol.ClientCodeActionResolveOptions{Properties: []string{"edit"}},
			},
		},
	}
}

// PullCaps are those of an editor that pulls diagnostics (LSP 3.17).
func PullCaps() protocol.ClientCapabilities {
	c := PushCaps()
	c.TextDocument.Diagnostic = &protocol.DiagnosticClientCapabilities{}
	return c
}
