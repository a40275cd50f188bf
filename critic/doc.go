// Package critic checks candidate edits before any of them reaches the user.
//
// This first part of the Critic verifies edits mechanically: they lie inside
// the files they change, do not overlap, apply cleanly, and leave Go files
// syntactically valid. Every quick fix aios offers passes through it.
package critic
