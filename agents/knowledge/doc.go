// Package knowledge keeps aios's memory in step with the workspace: it owns
// the workspace's store, its index (package repoindex) and its memory
// (package memory), turns each indexed file's syntax into the memory's
// chunks and facts, follows the index's changes, and answers retrieval
// queries. It is the wiring between two leaf packages that never import
// each other.
package knowledge
