package metal

import "errors"

// Errors of package metal. They are wrapped with details; test with errors.Is.
var (
	// ErrNoLibrary: the llama.cpp shared libraries were not found or could
	// not be loaded. Run `make llama-libs` or set AIOS_LLAMA_LIB.
	ErrNoLibrary = errors.New("llama.cpp libraries not available")
	// ErrInvalidModel: a model or adapter file is missing, unreadable, not
	// GGUF, damaged, or rejected by llama.cpp.
	ErrInvalidModel = errors.New("invalid model file")
	// ErrBusy: every slot is running and the queue is full.
	ErrBusy = errors.New("all inference slots and queue places are taken")
	// ErrContextOverflow: the prompt plus MaxTokens (or a text to embed)
	// does not fit the context window.
	ErrContextOverflow = errors.New("request does not fit the context window")
	// ErrClosed: the Model was closed before or during the call.
	ErrClosed = errors.New("model is closed")
	// ErrNotSupported: the operation is not available for this model or
	// these options (embeddings from a model opened without Embeddings, a
	// chat template llama.cpp does not know).
	ErrNotSupported = errors.New("not supported")
	// ErrBadRequest: the request itself is malformed.
	ErrBadRequest = errors.New("bad request")
)
