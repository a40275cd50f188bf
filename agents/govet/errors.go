package govet

import "errors"

// Sentinel errors. Errors returned by this package wrap one of these (or a
// context error) and can be tested with errors.Is.
var (
	// ErrInvalidOptions reports unusable Options passed to New.
	ErrInvalidOptions = errors.New("govet: invalid options")
	// ErrInvalidPath reports a file path or overlay key that is not an
	// absolute, cleaned path to a Go source file.
	ErrInvalidPath = errors.New("govet: invalid path")
	// ErrFileNotFound reports a requested file that is neither on disk nor
	// in the overlay.
	ErrFileNotFound = errors.New("govet: file not found")
	// ErrInvalidOverlay reports overlay content that cannot be Go source,
	// such as binary data containing NUL bytes.
	ErrInvalidOverlay = errors.New("govet: invalid overlay content")
	// ErrFileTooLarge reports a requested file or overlay entry larger than
	// Options.MaxFileBytes.
	ErrFileTooLarge = errors.New("govet: file too large")
	// ErrNoPatterns reports an AnalyzePatterns call without patterns or an
	// AnalyzeFiles call without files.
	ErrNoPatterns = errors.New("govet: nothing to analyse")
	// ErrLoad reports a failure of the go command or of go/packages that
	// produced no packages at all (as opposed to per-package errors, which
	// become findings).
	ErrLoad = errors.New("govet: loading packages failed")
	// ErrAnalysis reports a failure of the analysis driver itself.
	ErrAnalysis = errors.New("govet: analysis failed")
	// ErrCanceled wraps the context's error when a request was cancelled or
	// timed out; errors.Is(err, context.Canceled) also holds in that case.
	ErrCanceled = errors.New("govet: request cancelled")
)
