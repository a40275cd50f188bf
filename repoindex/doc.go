// Package repoindex is aios's view of the workspace's files. Its Overlay
// holds the editor's open buffers: for a file that is open, the buffer is
// the truth and the copy on disk is ignored.
package repoindex
