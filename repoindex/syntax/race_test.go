//go:build race

package syntax

// raceEnabled reports a -race build, in which the comparison tests use a
// sample of GOROOT.
const raceEnabled = true
