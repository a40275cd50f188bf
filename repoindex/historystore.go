package repoindex

import (
	"cmp"
	"fmt"
	"maps"
	"slices"

	"github.com/go-git/go-git/v5/plumbing"
	"go.etcd.io/bbolt"
)

// fileHist is one file's history while History runs.
type fileHist struct {
	commits []Commit
	co      coRecord
	dirty   bool
	deleted bool
}

// coRecord counts, for one file, the co-change-eligible commits that
// touched it and, per other file, those that touched both.
type coRecord struct {
	total int
	co    map[string]int
}

// histState holds the records History changes, loaded lazily from the
// store and written back in one transaction.
type histState struct {
	db        *bbolt.DB
	opts      HistoryOptions
	files     map[string]*fileHist
	processed []plumbing.Hash
}

func newHistState(db *bbolt.DB, opts HistoryOptions) *histState {
	return &histState{db: db, opts: opts, files: map[string]*fileHist{}}
}

func (hs *histState) get(p string) (*fileHist, error) {
	if f, ok := hs.files[p]; ok {
		return f, nil
	}
	f := &fileHist{}
	err := hs.db.View(func(tx *bbolt.Tx) error {
		var err error
		if f.commits, err = decodeCommits(tx.Bucket(bucketHistory).Get([]byte(p))); err != nil {
			return err
		}
		f.co, err = decodeCoRecord(tx.Bucket(bucketCoChange).Get([]byte(p)))
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("repoindex: history of %q: %w", p, err)
	}
	hs.files[p] = f
	return f, nil
}

// rename moves from's history and co-change counts to to, and repoints
// every partner's counts.
func (hs *histState) rename(from, to string) error {
	if from == to {
		return nil
	}
	src, err := hs.get(from)
	if err != nil {
		return err
	}
	dst, err := hs.get(to)
	if err != nil {
		return err
	}
	dst.commits = mergeCommits(dst.commits, src.commits, hs.opts.MaxPerFile)
	dst.co.total += src.co.total
	for q, n := range src.co.co {
		partner, err := hs.get(q)
		if err != nil {
			return err
		}
		delete(partner.co.co, from)
		partner.dirty = true
		if q == to {
			continue
		}
		dst.co.add(q, n)
		partner.co.add(to, n)
	}
	*src = fileHist{dirty: true, deleted: true}
	dst.dirty, dst.deleted = true, false
	return nil
}

// record adds commit c to the touched files.
func (hs *histState) record(c Commit, touched []string) error {
	touched = slices.Compact(slices.Sorted(slices.Values(touched)))
	eligible := len(touched) <= hs.opts.MaxFilesPerCommit
	files := make([]*fileHist, len(touched))
	for i, p := range touched {
		f, err := hs.get(p)
		if err != nil {
			return err
		}
		files[i] = f
		f.commits = mergeCommits(f.commits, []Commit{c}, hs.opts.MaxPerFile)
		f.dirty, f.deleted = true, false
		if eligible {
			f.co.total++
		}
	}
	if eligible {
		for i := range touched {
			for j := range touched {
				if i != j {
					files[i].co.add(touched[j], 1)
				}
			}
		}
	}
	return nil
}

func (r *coRecord) add(p string, n int) {
	if r.co == nil {
		r.co = map[string]int{}
	}
	r.co[p] += n
}

// mergeCommits merges two newest-first lists, dropping duplicates, keeping
// at most max.
func mergeCommits(a, b []Commit, max int) []Commit {
	out := append(slices.Clone(a), b...)
	slices.SortStableFunc(out, func(x, y Commit) int {
		return cmp.Or(y.Time.Compare(x.Time), cmp.Compare(x.Hash, y.Hash))
	})
	out = slices.CompactFunc(out, func(x, y Commit) bool { return x.Hash == y.Hash })
	if len(out) > max {
		out = out[:max]
	}
	return out
}

// save writes every changed record, the processed commits and the head.
func (hs *histState) save(head plumbing.Hash) error {
	return hs.db.Update(func(tx *bbolt.Tx) error {
		hist, co, done := tx.Bucket(bucketHistory), tx.Bucket(bucketCoChange), tx.Bucket(bucketCommits)
		for _, p := range slices.Sorted(maps.Keys(hs.files)) {
			f := hs.files[p]
			if !f.dirty {
				continue
			}
			if f.deleted && len(f.commits) == 0 {
				if err := hist.Delete([]byte(p)); err != nil {
					return err
				}
				if err := co.Delete([]byte(p)); err != nil {
					return err
				}
				continue
			}
			if err := hist.Put([]byte(p), encodeCommits(f.commits)); err != nil {
				return err
			}
			if err := co.Put([]byte(p), f.co.encode()); err != nil {
				return err
			}
		}
		for _, h := range hs.processed {
			if err := done.Put(h[:], []byte{1}); err != nil {
				return err
			}
		}
		return tx.Bucket(bucketMeta).Put(metaHistory, head[:])
	})
}
