package repoindex

import (
	"encoding/binary"
	"fmt"
)

// synState says whether a blob has a syntax result.
type synState uint8

const (
	synUnknown  synState = iota // not looked at yet
	synParsed                   // a syntax result is stored under the blob
	synBinary                   // binary content: not parsed (marker stored)
	synFailed                   // the parser failed (marker with the error stored)
	synTooLarge                 // larger than MaxFileBytes: never parsed
	synNone                     // a symbolic link: nothing to parse
)

func (s synState) reason() string {
	switch s {
	case synBinary:
		return "binary content"
	case synFailed:
		return "the parser failed"
	case synTooLarge:
		return "larger than MaxFileBytes"
	case synNone:
		return "a symbolic link"
	case synUnknown:
		return "not parsed yet"
	}
	return "parsed"
}

// stored reports whether the state is recorded in the blobs bucket, so that
// a file record carrying it is only valid if the blob record exists.
func (s synState) stored() bool { return s == synParsed || s == synBinary || s == synFailed }

// diskEntry is what the index knows of one file on disk; it is persisted in
// the files bucket (key: the slash path relative to Root).
type diskEntry struct {
	st   fileStat
	blob blobID
	syn  synState
	racy bool // st was recorded within the same second as the file's mtime
}

const recordVersion = 1

// encode appends the entry's record to b.
func (e *diskEntry) encode(b []byte) []byte {
	b = append(b, recordVersion, byte(e.syn))
	var flags byte
	if e.racy {
		flags |= 1
	}
	b = append(b, flags)
	b = binary.AppendVarint(b, e.st.size)
	b = binary.AppendVarint(b, e.st.mtime)
	b = binary.AppendVarint(b, e.st.ctime)
	b = binary.AppendUvarint(b, e.st.ino)
	b = binary.AppendUvarint(b, e.st.dev)
	b = binary.AppendUvarint(b, uint64(e.st.mode))
	return append(b, e.blob[:]...)
}

// decodeDiskEntry parses a record written by encode.
func decodeDiskEntry(b []byte) (diskEntry, error) {
	var e diskEntry
	if len(b) < 3 || b[0] != recordVersion {
		return e, fmt.Errorf("%w: file record: bad header", ErrCorrupt)
	}
	e.syn = synState(b[1])
	if e.syn > synNone {
		return e, fmt.Errorf("%w: file record: syntax state %d", ErrCorrupt, b[1])
	}
	e.racy = b[2]&1 != 0
	r := recReader{b: b[3:]}
	e.st.size = r.varint()
	e.st.mtime = r.varint()
	e.st.ctime = r.varint()
	e.st.ino = r.uvarint()
	e.st.dev = r.uvarint()
	e.st.mode = uint32(r.uvarint())
	if r.err || len(r.b) != len(e.blob) || e.st.size < 0 {
		return e, fmt.Errorf("%w: file record: truncated or malformed", ErrCorrupt)
	}
	copy(e.blob[:], r.b)
	return e, nil
}

// recReader reads varints, remembering the first failure.
type recReader struct {
	b   []byte
	err bool
}

func (r *recReader) varint() int64 {
	v, n := binary.Varint(r.b)
	if n <= 0 {
		r.err = true
		return 0
	}
	r.b = r.b[n:]
	return v
}

func (r *recReader) uvarint() uint64 {
	v, n := binary.Uvarint(r.b)
	if n <= 0 {
		r.err = true
		return 0
	}
	r.b = r.b[n:]
	return v
}
