package repoindex

import (
	"context"
	"errors"
	"fmt"

	"go.etcd.io/bbolt"

	"github.com/aios-dev/aios/repoindex/syntax"
)

// parseRecord parses content and returns its blobs bucket record and
// syntax state. ErrBinary and parser errors become markers, so the same
// blob is never parsed again.
func (ix *Index) parseRecord(rel string, content []byte) (rec []byte, syn synState) {
	rec, syn, _ = ix.parseRecordWith(rel, content, nil)
	return rec, syn
}

// parseRecordWith is parseRecord through trees (nil: a fresh parse), for
// the files parsed again and again: open buffers. It also returns the
// parsed File (nil when the parse failed).
func (ix *Index) parseRecordWith(rel string, content []byte, trees *syntax.Trees) (rec []byte, syn synState, f *syntax.File) {
	ix.parses.Add(1)
	f, err := ix.safeParse(rel, content, trees)
	switch {
	case err == nil:
		return ix.codec.encode([]byte{blobParsed}, f), synParsed, f
	case errors.Is(err, syntax.ErrBinary):
		return []byte{blobBinary}, synBinary, nil
	default:
		ix.log.Warn("repoindex: parse failed", "path", rel, "err", err)
		return append([]byte{blobFailed}, err.Error()...), synFailed, nil
	}
}

func (ix *Index) safeParse(rel string, content []byte, trees *syntax.Trees) (f *syntax.File, err error) {
	defer func() {
		if r := recover(); r != nil {
			ix.log.Error("repoindex: syntax.Parse panicked (a bug in package syntax)", "path", rel, "panic", r)
			err = fmt.Errorf("syntax.Parse panicked: %v", r)
		}
	}()
	if trees != nil {
		f, err = trees.Parse(context.Background(), rel, content, ix.opts.Syntax)
	} else {
		f, err = syntax.Parse(rel, content, ix.opts.Syntax)
	}
	if err == nil && f == nil {
		err = errors.New("syntax.Parse returned no result")
	}
	return f, err
}

// recordState maps a stored record to the syntax state it gives a file.
func recordState(rec []byte) (synState, bool) {
	if len(rec) == 0 {
		return synUnknown, false
	}
	switch rec[0] {
	case blobParsed:
		return synParsed, true
	case blobBinary:
		return synBinary, true
	case blobFailed:
		return synFailed, true
	}
	return synUnknown, false
}

// storedState looks a syntax key up in the store: its syntax state, or false
// when it has no record (or a corrupt one).
func (ix *Index) storedState(k synKey) (synState, bool) {
	var st synState
	var ok bool
	_ = ix.db.View(func(tx *bbolt.Tx) error {
		st, ok = recordState(tx.Bucket(bucketBlobs).Get(k.bytes()))
		return nil
	})
	return st, ok
}

// record returns the blobs bucket record of k from the buffer cache or the
// store.
func (ix *Index) record(k synKey) ([]byte, error) {
	if rec, ok := ix.cache.get(k); ok {
		return rec, nil
	}
	var rec []byte
	err := ix.db.View(func(tx *bbolt.Tx) error {
		if v := tx.Bucket(bucketBlobs).Get(k.bytes()); v != nil {
			rec = append([]byte(nil), v...)
		}
		return nil
	})
	return rec, err
}

// decodeRecord turns a parsed record into a syntax.File.
func (ix *Index) decodeRecord(rec []byte) (*syntax.File, error) {
	if len(rec) == 0 || rec[0] != blobParsed {
		return nil, fmt.Errorf("%w: not a syntax record", ErrCorrupt)
	}
	return ix.codec.decode(rec[1:])
}
