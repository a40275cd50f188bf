package repoindex

import (
	"io/fs"
	"time"
)

// fileStat is the subset of lstat(2) the index compares, as git's index
// does: a file whose fileStat is unchanged (and was not racily clean when
// recorded) is assumed to have unchanged content.
type fileStat struct {
	size  int64
	mtime int64 // ns since the epoch
	ctime int64 // ns since the epoch; 0 where the platform has none
	ino   uint64
	dev   uint64
	mode  uint32 // fs.FileMode bits
}

func statOf(fi fs.FileInfo) fileStat {
	st := fileStat{
		size:  fi.Size(),
		mtime: fi.ModTime().UnixNano(),
		mode:  uint32(fi.Mode()),
	}
	sysStat(fi, &st)
	return st
}

// racy reports whether a file with this stat, recorded at scan time, could
// change again without its mtime changing: its mtime is less than a second
// older than the scan (or newer), which covers git's "same second" rule
// and file systems whose timestamps lag the clock by a tick. Such files
// are re-hashed by the next refresh, as git does with racily clean index
// entries.
func (st fileStat) racy(scan time.Time) bool {
	return st.mtime > scan.UnixNano()-int64(time.Second)
}

func (st fileStat) isSymlink() bool { return fs.FileMode(st.mode)&fs.ModeSymlink != 0 }
