// Package lsp is aios's front door: a Language Server Protocol server over
// stdio or a socket. One Server serves one connection. Its handlers stay
// thin: they map positions (UTF-16) and URIs, then hand each request to the
// orchestrator's kernel as a task.
//
// Requests are handled in the order they arrive, except the slow ones
// (code actions, pull diagnostics, commands), which release the read loop
// so that $/cancelRequest and later edits are seen while they run. A
// cancelled request is answered with -32800 (RequestCancelled).
package lsp
