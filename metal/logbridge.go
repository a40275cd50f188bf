package metal

import (
	"context"
	"log/slog"
	"strings"
	"sync"
	"sync/atomic"
	"unsafe"

	"github.com/ebitengine/purego"
	"github.com/hybridgroup/yzma/pkg/llama"
)

// llama.cpp logs through one process-wide callback. It is routed to a
// slog.Logger: the most recent non-nil Logger given to Load or Open.
var (
	sink       atomic.Pointer[slog.Logger]
	bridgeOnce sync.Once
	// partial holds a line that llama.cpp has not finished (it logs some
	// lines in pieces, the later ones with level GGML_LOG_LEVEL_CONT).
	partial struct {
		sync.Mutex
		level int32
		b     strings.Builder
	}
	discard = slog.New(slog.DiscardHandler)
)

func setLogSink(l *slog.Logger) { sink.Store(l) }

func logSink() *slog.Logger {
	if l := sink.Load(); l != nil {
		return l
	}
	return discard
}

// ggml_log_level values.
const (
	ggmlLogDebug = 1
	ggmlLogInfo  = 2
	ggmlLogWarn  = 3
	ggmlLogError = 4
	ggmlLogCont  = 5
)

// installLogBridge points llama.cpp's (and ggml's) log at logSink. It must
// run before llama.Init so that backend loading is not printed to stderr.
func installLogBridge() {
	bridgeOnce.Do(func() {
		cb := purego.NewCallback(func(level int32, text *byte, _ unsafe.Pointer) {
			logLine(level, cString(text))
		})
		llama.LogSet(cb)
	})
}

func logLine(level int32, text string) {
	partial.Lock()
	if level != ggmlLogCont {
		partial.level = level
	}
	partial.b.WriteString(text)
	if !strings.HasSuffix(text, "\n") {
		partial.Unlock()
		return
	}
	msg := strings.TrimRight(partial.b.String(), "\n")
	lvl := partial.level
	partial.b.Reset()
	partial.Unlock()

	slogLevel := slog.LevelDebug
	switch lvl {
	case ggmlLogWarn:
		slogLevel = slog.LevelWarn
	case ggmlLogError:
		slogLevel = slog.LevelError
	}
	l := logSink()
	if l.Enabled(context.Background(), slogLevel) {
		l.Log(context.Background(), slogLevel, msg, "source", "llama.cpp")
	}
}

// cString copies a NUL-terminated C string.
func cString(p *byte) string {
	if p == nil {
		return ""
	}
	n := 0
	for *(*byte)(unsafe.Add(unsafe.Pointer(p), n)) != 0 {
		n++
	}
	return string(unsafe.Slice(p, n))
}
