package store

import (
	"bytes"
	"encoding/binary"
)

// Composite keys are "<owner> NUL <rest>"; owners (paths, models, task IDs)
// never contain NUL, so a prefix scan over "<owner> NUL" sees exactly that
// owner's records.

func prefixKey(owner string) []byte {
	k := make([]byte, 0, len(owner)+1)
	k = append(k, owner...)
	return append(k, 0)
}

func joinKey(owner, rest string) []byte {
	k := make([]byte, 0, len(owner)+1+len(rest))
	k = append(k, owner...)
	k = append(k, 0)
	return append(k, rest...)
}

func seqKey(owner string, seq uint64) []byte {
	k := prefixKey(owner)
	return binary.BigEndian.AppendUint64(k, seq)
}

// splitKey splits "<owner> NUL <rest>". ok is false when there is no NUL.
func splitKey(k []byte) (owner, rest []byte, ok bool) {
	i := bytes.IndexByte(k, 0)
	if i < 0 {
		return nil, nil, false
	}
	return k[:i], k[i+1:], true
}
