// Package metal is aios's in-process inference core: llama.cpp loaded as
// shared libraries at run time (through github.com/hybridgroup/yzma, purego
// and libffi; no cgo) and driven from Go. It is the only package of aios that
// touches native code; package inference wraps it as a Backend.
//
// A Model is one GGUF model with one llama.cpp context. The context holds
// Slots sequences (one per concurrent request) and one engine goroutine,
// locked to its OS thread, owns it: every llama_decode runs there, and each
// step batches the next token of every running request (continuous
// batching), so that all compute goes through one ggml thread pool. Requests
// beyond the slots wait in a bounded queue; beyond that Generate fails at
// once with ErrBusy.
//
// Threads: the engine goroutine is locked to its OS thread, the context has
// a persistent ggml thread pool, and ThreadsAdaptive moves generation to
// half the threads while the full count is starved by other work on the
// cores. THREADS.md has the measurements behind each choice.
//
// Libraries: FindLibrary looks for libllama, libggml and libggml-base in an
// explicit directory, beside the executable and in the module's build tree
// (build/llama/<flavor>, filled by `make llama-libs`). They are loaded once
// per process. Importing this package needs the system libffi (libffi.so.8,
// Debian libffi8) at process start: yzma's libffi binding loads it in an
// init function and panics without it.
//
// Files are checked in Go (ValidateGGUF) before llama.cpp reads them.
//
// Lock order: Model.life (read side) may be held while taking Model.mu;
// the engine never takes life.
package metal
