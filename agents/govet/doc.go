// Package govet is an in-process Go static-analysis engine.
//
// It runs the analyzers of cmd/vet (see [DefaultAnalyzers]) over packages
// loaded with golang.org/x/tools/go/packages, using
// golang.org/x/tools/go/analysis/checker as the driver. Unsaved editor
// buffers are honoured through an [Overlay], which wins over the files on
// disk for loading, type checking, analysis and cache keys.
//
// [Engine.AnalyzePatterns] loads every package from source, for complete
// analysis facts. [Engine.AnalyzeFiles], which serves editors on every
// keystroke, type-checks the requested packages itself against their
// dependencies' export data (see direct.go): it never compiles the
// requested packages, runs no go command for dependencies that did not
// change, and reuses the dependencies' decoded types across requests.
//
// Results are cached per package variant under a content hash (see
// cache.go and key.go): a package is re-analysed only when one of its own
// files, a file of a workspace-local dependency, go.mod/go.sum/go.work, the
// build configuration or the analyzer set changed. Disk file hashes are
// remembered by (path, size, mtime), so a warm check reads no unchanged
// file and runs no go command.
//
// An [Engine] is safe for concurrent use. Concurrent requests for the same
// package key share one analysis. Analyzer panics and malformed suggested
// fixes are contained and logged; they never reach the caller as a panic.
package govet
