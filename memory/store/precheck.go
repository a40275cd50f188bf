package store

import (
	"encoding/binary"
	"errors"
	"fmt"
	"hash/fnv"
	"io"
	"os"
)

// bbolt's on-disk meta page (format version 2), as written by
// go.etcd.io/bbolt/internal/common: a 16-byte page header, then magic,
// version, pageSize, flags (uint32 each), root bucket (pgid, sequence),
// freelist pgid, high-water pgid, txid (uint64 each) and an FNV-64a checksum
// of the preceding 56 bytes, all in native byte order.
const (
	boltMagic      = 0xED0CDAED
	boltVersion    = 2
	pageHeaderSize = 16
	metaSumOffset  = 56
	metaSize       = metaSumOffset + 8
)

type boltMeta struct {
	pageSize uint32
	pgid     uint64
	txid     uint64
}

// parseBoltMeta validates one meta page image.
func parseBoltMeta(b []byte) (boltMeta, bool) {
	if len(b) < pageHeaderSize+metaSize {
		return boltMeta{}, false
	}
	m := b[pageHeaderSize : pageHeaderSize+metaSize]
	ne := binary.NativeEndian
	if ne.Uint32(m[0:]) != boltMagic || ne.Uint32(m[4:]) != boltVersion {
		return boltMeta{}, false
	}
	h := fnv.New64a()
	h.Write(m[:metaSumOffset])
	if h.Sum64() != ne.Uint64(m[metaSumOffset:]) {
		return boltMeta{}, false
	}
	return boltMeta{pageSize: ne.Uint32(m[8:]), pgid: ne.Uint64(m[40:]), txid: ne.Uint64(m[48:])}, true
}

// precheckFile refuses, before bbolt maps it, a file that has no valid meta
// page (ErrNotStore) or that is shorter than its meta page says
// (ErrCorrupt). bbolt itself would map a truncated file and then fault
// (SIGBUS, which kills the process) when it touches a page past the end.
// A missing or empty file passes: bbolt initialises it.
func precheckFile(path string) error {
	f, err := os.Open(path)
	if errors.Is(err, os.ErrNotExist) {
		return nil
	}
	if err != nil {
		return err
	}
	defer f.Close()
	info, err := f.Stat()
	if err != nil {
		return err
	}
	if info.IsDir() {
		return fmt.Errorf("%w: %s is a directory", ErrInvalidInput, path)
	}
	size := info.Size()
	if size == 0 {
		return nil
	}
	var best boltMeta
	found := false
	consider := func(off int64) {
		buf := make([]byte, pageHeaderSize+metaSize)
		if n, _ := f.ReadAt(buf, off); n < len(buf) {
			return
		}
		if m, ok := parseBoltMeta(buf); ok && (!found || m.txid > best.txid) {
			best, found = m, true
		}
	}
	consider(0)
	if found {
		consider(int64(best.pageSize))
	} else {
		// Page 0 is damaged: look for page 1 at every page size bbolt allows.
		for i := 0; i <= 14; i++ {
			if off := int64(1024) << i; off < size {
				consider(off)
			}
		}
	}
	if !found {
		head := make([]byte, 16)
		n, _ := io.ReadFull(f, head)
		return fmt.Errorf("%w: %s (%d bytes, starts %q) has no valid bbolt meta page; move it away to start a fresh store",
			ErrNotStore, path, size, head[:n])
	}
	if best.pageSize < 512 || best.pageSize > 1<<24 {
		return fmt.Errorf("%w: meta page declares page size %d", ErrCorrupt, best.pageSize)
	}
	// A writer that holds the lock grows the file before it writes a meta
	// page, so a size taken after reading the meta is never too small for it.
	if info, err = f.Stat(); err != nil {
		return err
	}
	size = info.Size()
	if best.pgid > 1<<36 {
		return fmt.Errorf("%w: meta page declares %d pages", ErrCorrupt, best.pgid)
	}
	if need := int64(best.pgid) * int64(best.pageSize); need > size {
		return fmt.Errorf("%w: %s is truncated: its meta page needs %d bytes, the file has %d; restore it or move it away to rebuild",
			ErrCorrupt, path, need, size)
	}
	return nil
}
