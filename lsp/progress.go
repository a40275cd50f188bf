package lsp

import (
	"context"
	"fmt"
	"sync/atomic"

	"go.lsp.dev/protocol"
)

var progressSeq atomic.Uint64

// progress reports work done through $/progress, when the client supports
// it, and can be cancelled by the user with window/workDoneProgress/cancel.
type progress struct {
	s     *Server
	token protocol.ProgressToken
	key   string
	on    bool
}

func tokenKey(t protocol.ProgressToken) string {
	switch t := t.(type) {
	case protocol.String:
		return "s:" + string(t)
	case protocol.Integer:
		return fmt.Sprintf("i:%d", t)
	}
	return ""
}

// startProgress begins a progress report titled title. It uses the
// client's token when the request carried one, otherwise creates one with
// window/workDoneProgress/create (the caller must have released the read
// loop with jsonrpc2.Async). The returned context is cancelled when the
// user cancels the progress.
func (s *Server) startProgress(ctx context.Context, title string, clientToken protocol.ProgressToken) (*progress, context.Context, context.CancelFunc) {
	ctx, cancel := context.WithCancel(ctx)
	p := &progress{s: s, token: clientToken}
	s.mu.Lock()
	supported := s.caps.workDoneProgress
	s.mu.Unlock()
	if p.token == nil && supported {
		tok := protocol.String(fmt.Sprintf("aios-%d", progressSeq.Add(1)))
		if err := s.client.WorkDoneProgressCreate(ctx, &protocol.WorkDoneProgressCreateParams{Token: tok}); err != nil {
			s.log.Info("client refused a progress token", "err", err)
		} else {
			p.token = tok
		}
	}
	if p.token == nil {
		return p, ctx, cancel
	}
	p.on, p.key = true, tokenKey(p.token)
	s.mu.Lock()
	s.progress[p.key] = cancel
	s.mu.Unlock()
	p.send(ctx, protocol.WorkDoneProgressBegin{Kind: "begin", Title: title, Cancellable: ptr(true)})
	return p, ctx, cancel
}

func (p *progress) send(ctx context.Context, v any) {
	if !p.on {
		return
	}
	data, err := protocol.Marshal(v)
	if err != nil {
		return
	}
	if err := p.s.client.Progress(context.WithoutCancel(ctx), &protocol.ProgressParams{Token: p.token, Value: data}); err != nil {
		p.s.log.Debug("$/progress failed", "err", err)
	}
}

// report sends a progress report.
func (p *progress) report(ctx context.Context, msg string, pct uint32) {
	p.send(ctx, protocol.WorkDoneProgressReport{Kind: "report", Message: &msg, Percentage: &pct})
}

// end finishes the progress with a final message.
func (p *progress) end(ctx context.Context, msg string) {
	p.send(ctx, protocol.WorkDoneProgressEnd{Kind: "end", Message: &msg})
	if p.on {
		p.s.mu.Lock()
		delete(p.s.progress, p.key)
		p.s.mu.Unlock()
	}
}

// WorkDoneProgressCancel cancels the work behind a progress token.
func (s *Server) WorkDoneProgressCancel(ctx context.Context, params *protocol.WorkDoneProgressCancelParams) error {
	key := tokenKey(params.Token)
	s.mu.Lock()
	cancel := s.progress[key]
	s.mu.Unlock()
	if cancel == nil {
		s.log.Info("cancel for an unknown progress token", "token", key)
		return nil
	}
	cancel()
	return nil
}
