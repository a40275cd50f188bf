//go:build darwin

package repoindex

import (
	"io/fs"
	"syscall"
)

func sysStat(fi fs.FileInfo, st *fileStat) {
	if s, ok := fi.Sys().(*syscall.Stat_t); ok {
		st.ino = s.Ino
		st.dev = uint64(s.Dev)
		st.ctime = s.Ctimespec.Sec*1e9 + s.Ctimespec.Nsec
	}
}
