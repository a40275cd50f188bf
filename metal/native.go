package metal

import (
	"fmt"
	"path/filepath"
	"sync"
	"sync/atomic"

	"github.com/ebitengine/purego"
	"github.com/hybridgroup/yzma/pkg/llama"
)

// Two llama.cpp calls are bound here instead of through yzma:
//
//   - llama_set_abort_callback: yzma's SetAbortCallback makes a new purego
//     callback on every call (purego allows 2000 per process, never freed)
//     and passes no user data. metal makes one callback for the process and
//     passes a handle that names the engine.
//   - llama_set_adapters_lora with no adapters, to remove them: yzma's
//     SetAdaptersLora refuses an empty list.
var (
	setAbortCallback func(ctx uintptr, cb uintptr, data uintptr)
	setAdaptersLora  func(ctx uintptr, adapters uintptr, n uintptr, scales uintptr) int32
	abortCallback    uintptr
)

// bindExtras binds the calls above from the libllama in dir. purego's
// Dlopen returns the handle of the library yzma already loaded.
func bindExtras(dir string) error {
	h, err := purego.Dlopen(filepath.Join(dir, "libllama."+libExt()), purego.RTLD_NOW|purego.RTLD_GLOBAL)
	if err != nil {
		return fmt.Errorf("opening libllama for the abort callback: %w", err)
	}
	for name, fn := range map[string]any{
		"llama_set_abort_callback": &setAbortCallback,
		"llama_set_adapters_lora":  &setAdaptersLora,
	} {
		if _, err := purego.Dlsym(h, name); err != nil {
			return fmt.Errorf("libllama has no %s: %w", name, err)
		}
		purego.RegisterLibFunc(fn, h, name)
	}
	abortCallback = purego.NewCallback(func(data uintptr) uintptr {
		if f, ok := aborters.Load(data); ok && f.(func() bool)() {
			return 1
		}
		return 0
	})
	return nil
}

// Abort functions tell a running llama_decode to stop. ggml calls the
// callback after each graph node, on the thread that called llama_decode
// (the engine's goroutine, re-entered from C), with the handle as data.
var (
	aborters  sync.Map // uintptr handle -> func() bool
	abortNext atomic.Uintptr
)

func registerAborter(f func() bool) uintptr {
	h := abortNext.Add(1)
	aborters.Store(h, f)
	return h
}

func unregisterAborter(h uintptr) { aborters.Delete(h) }

// armAbort makes llama_decode on ctx consult the function of handle h; disarmAbort
// removes the callback, so that decodes that need no abort pay nothing.
func armAbort(ctx llama.Context, h uintptr) {
	if setAbortCallback != nil {
		setAbortCallback(uintptr(ctx), abortCallback, h)
	}
}

func disarmAbort(ctx llama.Context) {
	if setAbortCallback != nil {
		setAbortCallback(uintptr(ctx), 0, 0)
	}
}

// clearAdapters removes every LoRA adapter from ctx.
func clearAdapters(ctx llama.Context) {
	setAdaptersLora(uintptr(ctx), 0, 0, 0)
}

// setAdapter makes a the only adapter of ctx, at scale.
func setAdapter(ctx llama.Context, a llama.AdapterLora, scale float32) {
	llama.SetAdaptersLora(ctx, []llama.AdapterLora{a}, []float32{scale})
}
