//go:build darwin

package gitcommit

import (
	"io/fs"
	"syscall"
)

// statEntry fills the stat data git keeps in an index entry.
func statEntry(e *idxEntry, fi fs.FileInfo) {
	mt := fi.ModTime()
	e.mtimeSec, e.mtimeNsec = uint32(mt.Unix()), uint32(mt.Nanosecond())
	e.ctimeSec, e.ctimeNsec = e.mtimeSec, e.mtimeNsec
	e.size = uint32(fi.Size())
	if s, ok := fi.Sys().(*syscall.Stat_t); ok {
		e.ctimeSec, e.ctimeNsec = uint32(s.Ctimespec.Sec), uint32(s.Ctimespec.Nsec)
		e.dev = uint32(s.Dev)
		e.ino = uint32(s.Ino)
		e.uid = s.Uid
		e.gid = s.Gid
	}
}
