package metal

import (
	"context"
	"errors"
	"log/slog"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/aios-dev/aios/metal/internal/gguf"
)

func TestFindLibrary(t *testing.T) {
	needLibrary(t)
	dir, err := FindLibrary(LibraryOptions{})
	if err != nil {
		t.Fatal(err)
	}
	explicit, err := FindLibrary(LibraryOptions{Dir: dir, Flavor: "no-such-flavor"})
	if err != nil || explicit != dir {
		t.Errorf("explicit Dir: %q, %v; want %q", explicit, err, dir)
	}
	empty := t.TempDir()
	_, err = FindLibrary(LibraryOptions{Dir: empty, Flavor: "no-such-flavor"})
	if !errors.Is(err, ErrNoLibrary) {
		t.Fatalf("FindLibrary with nothing to find: %v, want ErrNoLibrary", err)
	}
	for _, want := range []string{empty, "no libllama.", filepath.Join("build", "llama", "no-such-flavor"), "does not exist", "make llama-libs", "AIOS_LLAMA_LIB"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error does not mention %q:\n%v", want, err)
		}
	}
}

func TestOpenRejectsBadFiles(t *testing.T) {
	files := badFiles(t)
	adapter := filepath.Join(t.TempDir(), "adapter.gguf")
	w := gguf.NewWriter()
	w.String("general.type", "adapter")
	w.String("general.architecture", "llama")
	if err := w.F32Tensor("x.lora_a", []uint64{4}, make([]float32, 4)); err != nil {
		t.Fatal(err)
	}
	if err := w.WriteFile(adapter); err != nil {
		t.Fatal(err)
	}
	files["adapter as model"] = adapter
	for name, path := range files {
		t.Run(name, func(t *testing.T) {
			m, err := Open(ModelOptions{Path: path})
			if err == nil {
				m.Close()
				t.Fatal("Open succeeded")
			}
			if !errors.Is(err, ErrInvalidModel) {
				t.Errorf("Open: %v, want ErrInvalidModel", err)
			}
		})
	}
	if _, err := Open(ModelOptions{}); !errors.Is(err, ErrInvalidModel) {
		t.Errorf("Open without a path: %v", err)
	}
	if _, err := Open(ModelOptions{Path: needModel(t), Slots: 100}); !errors.Is(err, ErrBadRequest) {
		t.Errorf("Open with 100 slots: %v, want ErrBadRequest", err)
	}
}

func TestOpenInfo(t *testing.T) {
	var mu sync.Mutex
	var llamaLines []string
	logger := slog.New(recordHandler{f: func(r slog.Record) {
		r.Attrs(func(a slog.Attr) bool {
			if a.Key == "source" && a.Value.String() == "llama.cpp" {
				mu.Lock()
				llamaLines = append(llamaLines, r.Message)
				mu.Unlock()
			}
			return true
		})
	}})
	m := openStories(t, ModelOptions{Logger: logger, Threads: 1, ThreadsBatch: 2})
	info := m.Info()
	if info.Architecture != "llama" || info.TrainedContext != 512 || m.TrainedContext() != 512 ||
		m.ContextSize() != 512 || info.EmbeddingLength != 64 || info.Layers != 5 || info.VocabSize != 512 ||
		info.Slots != 2 || info.QueueDepth != 8 || info.Threads != 1 || info.ThreadsBatch != 2 || info.BatchSize != 512 {
		t.Errorf("Info: %+v", info)
	}
	if info.Library.Release != LlamaCppVersion || len(info.Library.Devices) == 0 || info.Library.SystemInfo == "" {
		t.Errorf("Library: %+v", info.Library)
	}
	mu.Lock()
	n := len(llamaLines)
	mu.Unlock()
	if n == 0 {
		t.Error("no llama.cpp log line reached the slog logger")
	}
}

// recordHandler passes every record to f.
type recordHandler struct{ f func(slog.Record) }

func (h recordHandler) Enabled(context.Context, slog.Level) bool { return true }
func (h recordHandler) Handle(_ context.Context, r slog.Record) error {
	h.f(r)
	return nil
}
func (h recordHandler) WithAttrs([]slog.Attr) slog.Handler { return h }
func (h recordHandler) WithGroup(string) slog.Handler      { return h }
