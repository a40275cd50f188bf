// Package golang holds aios's Go static-analysis agents: the Diagnose and
// QuickFix meso agents and the per-file micro agents they aggregate. They
// run the go vet analyzer suite in-process (see package govet) over the
// workspace with the editor's unsaved buffers as an overlay.
package golang
