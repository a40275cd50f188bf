package govet

import (
	"context"
	"log/slog"
	"strings"
	"testing"
)

// testLogger logs through t.Log at Info level and above.
func testLogger(t testing.TB) *slog.Logger {
	return slog.New(&hookHandler{t: t, level: slog.LevelInfo})
}

// hookHandler is a slog.Handler that logs to t.Log and calls hook for
// every record (at all levels), letting tests react to engine events
// without sleeping.
type hookHandler struct {
	t     testing.TB
	level slog.Level
	hook  func(slog.Record)
	attrs []slog.Attr
}

func (h *hookHandler) Enabled(context.Context, slog.Level) bool { return true }

func (h *hookHandler) Handle(_ context.Context, r slog.Record) error {
	if h.hook != nil {
		h.hook(r)
	}
	if r.Level < h.level {
		return nil
	}
	var b strings.Builder
	b.WriteString(r.Level.String() + " " + r.Message)
	r.Attrs(func(a slog.Attr) bool {
		b.WriteString(" " + a.String())
		return true
	})
	h.t.Log(b.String())
	return nil
}

func (h *hookHandler) WithAttrs(attrs []slog.Attr) slog.Handler {
	c := *h
	c.attrs = append(append([]slog.Attr(nil), h.attrs...), attrs...)
	return &c
}

func (h *hookHandler) WithGroup(string) slog.Handler { return h }
