package lsp

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"log/slog"

	"go.lsp.dev/jsonrpc2"
	"go.lsp.dev/protocol"
)

// frameStream is the raw-frame side of a jsonrpc2 stream (its header stream
// implements it); the connection reads frames through it.
type frameStream interface {
	ReadFrame(ctx context.Context) ([]byte, int64, error)
	WriteFrame(ctx context.Context, data []byte) (int64, error)
}

// guardedStream answers malformed frames itself, with the JSON-RPC parse
// error (-32700) or invalid request error (-32600), and keeps reading:
// the jsonrpc2 connection would otherwise end on the first bad frame.
// Framing errors (a corrupt Content-Length header) still end the
// connection, since nothing after them can be trusted.
type guardedStream struct {
	jsonrpc2.Stream
	frames frameStream
	log    *slog.Logger
}

func newGuardedStream(s jsonrpc2.Stream, log *slog.Logger) *guardedStream {
	fs, ok := s.(frameStream)
	if !ok {
		panic("lsp: jsonrpc2 header stream no longer exposes frames") // checked by the tests
	}
	return &guardedStream{Stream: s, frames: fs, log: log}
}

// ReadFrame returns the next well-formed frame.
func (g *guardedStream) ReadFrame(ctx context.Context) ([]byte, int64, error) {
	for {
		frame, n, err := g.frames.ReadFrame(ctx)
		if err != nil {
			return frame, n, err
		}
		code, msg, id := checkFrame(frame)
		if code == 0 {
			return frame, n, nil
		}
		g.log.Warn("malformed JSON-RPC message", "code", code, "error", msg, "bytes", len(frame))
		reply, _ := json.Marshal(struct {
			JSONRPC string          `json:"jsonrpc"`
			ID      json.RawMessage `json:"id"`
			Error   struct {
				Code    int    `json:"code"`
				Message string `json:"message"`
			} `json:"error"`
		}{JSONRPC: "2.0", ID: id, Error: struct {
			Code    int    `json:"code"`
			Message string `json:"message"`
		}{code, msg}})
		if _, err := g.frames.WriteFrame(ctx, reply); err != nil {
			return nil, 0, err
		}
	}
}

// WriteFrame implements frameStream.
func (g *guardedStream) WriteFrame(ctx context.Context, data []byte) (int64, error) {
	return g.frames.WriteFrame(ctx, data)
}

// checkFrame validates one frame. It returns code 0 for a good frame, or
// the JSON-RPC error code, a message, and the request id (or null) to
// answer with.
func checkFrame(frame []byte) (code int, msg string, id json.RawMessage) {
	null := json.RawMessage("null")
	if !json.Valid(frame) {
		return int(jsonrpc2.ParseError), "parse error: the message is not valid JSON", null
	}
	trimmed := bytes.TrimSpace(frame)
	if len(trimmed) > 0 && trimmed[0] == '[' {
		return 0, "", nil // a batch: the connection answers each member
	}
	if _, err := jsonrpc2.DecodeMessage(frame); err != nil {
		var probe struct {
			ID json.RawMessage `json:"id"`
		}
		if json.Unmarshal(frame, &probe) == nil && len(probe.ID) > 0 && (probe.ID[0] == '"' || probe.ID[0] == '-' || probe.ID[0] >= '0' && probe.ID[0] <= '9') {
			id = probe.ID
		} else {
			id = null
		}
		return int(jsonrpc2.InvalidRequest), fmt.Sprintf("invalid request: %v", err), id
	}
	return 0, "", nil
}

// codec encodes LSP payloads with the protocol package's union-aware
// encoder (the same as protocol.NewServer installs).
type codec struct{}

func (codec) Marshal(v any) ([]byte, error) {
	switch m := v.(type) {
	case jsonrpc2.RawMessage:
		if m == nil {
			return []byte("null"), nil
		}
		return m, nil
	case *jsonrpc2.RawMessage:
		if m == nil || *m == nil {
			return []byte("null"), nil
		}
		return *m, nil
	}
	return protocol.Marshal(v)
}

func (codec) Unmarshal(data []byte, v any) error {
	if p, ok := v.(*jsonrpc2.RawMessage); ok {
		*p = append(jsonrpc2.RawMessage(nil), data...)
		return nil
	}
	return protocol.Unmarshal(data, v)
}
