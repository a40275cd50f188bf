//go:build !linux

package repoindex

import (
	"os"
	"path/filepath"
)

// lstatAt lstat's name inside dir.
func lstatAt(_ *os.File, dirPath, name string) (fileStat, error) {
	fi, err := os.Lstat(filepath.Join(dirPath, name))
	if err != nil {
		return fileStat{}, err
	}
	return statOf(fi), nil
}
