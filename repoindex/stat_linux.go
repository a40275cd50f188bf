//go:build linux

package repoindex

import (
	"io/fs"
	"os"
	"syscall"

	"golang.org/x/sys/unix"
)

func sysStat(fi fs.FileInfo, st *fileStat) {
	if s, ok := fi.Sys().(*syscall.Stat_t); ok {
		st.ino = s.Ino
		st.dev = uint64(s.Dev)
		st.ctime = s.Ctim.Sec*1e9 + s.Ctim.Nsec
	}
}

// lstatAt lstat's name inside the open directory dir with fstatat(2):
// no path resolution from the root for every file, no allocation. The
// result equals statOf(os.Lstat(...)) for the same file.
func lstatAt(dir *os.File, dirPath, name string) (fileStat, error) {
	var s unix.Stat_t
	if err := unix.Fstatat(int(dir.Fd()), name, &s, unix.AT_SYMLINK_NOFOLLOW); err != nil {
		return fileStat{}, &fs.PathError{Op: "fstatat", Path: dirPath + "/" + name, Err: err}
	}
	return fileStat{
		size:  s.Size,
		mtime: s.Mtim.Sec*1e9 + s.Mtim.Nsec,
		ctime: s.Ctim.Sec*1e9 + s.Ctim.Nsec,
		ino:   s.Ino,
		dev:   uint64(s.Dev),
		mode:  uint32(modeFromUnix(s.Mode)),
	}, nil
}

// modeFromUnix converts st_mode as package os does.
func modeFromUnix(m uint32) fs.FileMode {
	mode := fs.FileMode(m & 0o777)
	switch m & unix.S_IFMT {
	case unix.S_IFBLK:
		mode |= fs.ModeDevice
	case unix.S_IFCHR:
		mode |= fs.ModeDevice | fs.ModeCharDevice
	case unix.S_IFDIR:
		mode |= fs.ModeDir
	case unix.S_IFIFO:
		mode |= fs.ModeNamedPipe
	case unix.S_IFLNK:
		mode |= fs.ModeSymlink
	case unix.S_IFSOCK:
		mode |= fs.ModeSocket
	}
	if m&unix.S_ISGID != 0 {
		mode |= fs.ModeSetgid
	}
	if m&unix.S_ISUID != 0 {
		mode |= fs.ModeSetuid
	}
	if m&unix.S_ISVTX != 0 {
		mode |= fs.ModeSticky
	}
	return mode
}
