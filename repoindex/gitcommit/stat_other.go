//go:build !linux && !darwin

package gitcommit

import "io/fs"

// statEntry fills the stat data git keeps in an index entry. This
// platform has no inode, device or ctime here: git re-reads the file once
// and refreshes its index.
func statEntry(e *idxEntry, fi fs.FileInfo) {
	mt := fi.ModTime()
	e.mtimeSec, e.mtimeNsec = uint32(mt.Unix()), uint32(mt.Nanosecond())
	e.ctimeSec, e.ctimeNsec = e.mtimeSec, e.mtimeNsec
	e.size = uint32(fi.Size())
}
