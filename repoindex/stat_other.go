//go:build !linux && !darwin

package repoindex

import "io/fs"

// sysStat has no inode, device or ctime on this platform: change detection
// relies on size, mtime and mode alone.
func sysStat(fs.FileInfo, *fileStat) {}
