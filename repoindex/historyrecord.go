package repoindex

import (
	"encoding/binary"
	"fmt"
	"maps"
	"slices"
	"time"
)

// The history and co-change records: a version byte, then varints and
// length-prefixed strings.

func appendString(b []byte, s string) []byte {
	b = binary.AppendUvarint(b, uint64(len(s)))
	return append(b, s...)
}

func (r *recReader) string() string {
	n := r.uvarint()
	if r.err || n > uint64(len(r.b)) {
		r.err = true
		return ""
	}
	s := string(r.b[:n])
	r.b = r.b[n:]
	return s
}

const historyVersion = 1

func encodeCommits(cs []Commit) []byte {
	b := []byte{historyVersion}
	b = binary.AppendUvarint(b, uint64(len(cs)))
	for _, c := range cs {
		id, _ := parseBlobID(c.Hash)
		b = append(b, id[:]...)
		b = binary.AppendVarint(b, c.Time.UnixNano())
		b = appendString(b, c.Author)
		b = appendString(b, c.Message)
	}
	return b
}

func decodeCommits(b []byte) ([]Commit, error) {
	if b == nil {
		return nil, nil
	}
	if len(b) == 0 || b[0] != historyVersion {
		return nil, fmt.Errorf("%w: history record: bad header", ErrCorrupt)
	}
	r := recReader{b: b[1:]}
	n := r.uvarint()
	if n > uint64(len(r.b)) {
		return nil, fmt.Errorf("%w: history record: %d commits", ErrCorrupt, n)
	}
	out := make([]Commit, 0, n)
	for range n {
		if len(r.b) < len(blobID{}) {
			return nil, fmt.Errorf("%w: history record truncated", ErrCorrupt)
		}
		var id blobID
		copy(id[:], r.b)
		r.b = r.b[len(id):]
		c := Commit{Hash: id.String(), Time: time.Unix(0, r.varint()).UTC()}
		c.Author, c.Message = r.string(), r.string()
		if r.err {
			return nil, fmt.Errorf("%w: history record truncated", ErrCorrupt)
		}
		out = append(out, c)
	}
	return out, nil
}

func (r coRecord) encode() []byte {
	b := []byte{historyVersion}
	b = binary.AppendUvarint(b, uint64(r.total))
	b = binary.AppendUvarint(b, uint64(len(r.co)))
	for _, p := range slices.Sorted(maps.Keys(r.co)) {
		b = appendString(b, p)
		b = binary.AppendUvarint(b, uint64(r.co[p]))
	}
	return b
}

func decodeCoRecord(b []byte) (coRecord, error) {
	var r coRecord
	if b == nil {
		return r, nil
	}
	if len(b) == 0 || b[0] != historyVersion {
		return r, fmt.Errorf("%w: co-change record: bad header", ErrCorrupt)
	}
	rd := recReader{b: b[1:]}
	r.total = int(rd.uvarint())
	n := rd.uvarint()
	if rd.err || n > uint64(len(rd.b)) {
		return r, fmt.Errorf("%w: co-change record: %d entries", ErrCorrupt, n)
	}
	r.co = make(map[string]int, n)
	for range n {
		p := rd.string()
		r.co[p] = int(rd.uvarint())
	}
	if rd.err {
		return coRecord{}, fmt.Errorf("%w: co-change record truncated", ErrCorrupt)
	}
	return r, nil
}
