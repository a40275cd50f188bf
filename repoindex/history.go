package repoindex

import (
	"bytes"
	"cmp"
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/object"
	"go.etcd.io/bbolt"
)

// Commit is one commit that touched a file.
type Commit struct {
	Hash    string
	Time    time.Time // author time
	Author  string    // author name
	Message string    // first line of the message
}

// CoChange is a file changed in the same commits as another.
type CoChange struct {
	Path  string
	Count int // commits that changed both
	// Score is Count over the commits that changed either file
	// (Jaccard), in (0, 1].
	Score float64
}

// HistoryOptions bounds History.
type HistoryOptions struct {
	// MaxCommits is the most commits one call walks (default 500). Only
	// commits not processed by an earlier call count.
	MaxCommits int
	// Since: older commits are neither walked nor counted; zero means no
	// horizon.
	Since time.Time
	// MaxFilesPerCommit (default 50): a commit touching more files is
	// skipped for co-change (a mass reformat says nothing about coupling);
	// it still appears in each file's recent edits.
	MaxFilesPerCommit int
	// MaxPerFile (default 50) is how many recent commits are kept per file.
	MaxPerFile int
}

func (o HistoryOptions) withDefaults() (HistoryOptions, error) {
	if o.MaxCommits < 0 || o.MaxFilesPerCommit < 0 || o.MaxPerFile < 0 {
		return o, fmt.Errorf("%w: negative HistoryOptions %+v", ErrInvalidOptions, o)
	}
	if o.MaxCommits == 0 {
		o.MaxCommits = 500
	}
	if o.MaxFilesPerCommit == 0 {
		o.MaxFilesPerCommit = 50
	}
	if o.MaxPerFile == 0 {
		o.MaxPerFile = 50
	}
	return o, nil
}

// History reads the commits reachable from HEAD that no earlier call
// processed (newest first, at most MaxCommits, none before Since) and
// records, per file, the commits that touched it and the files changed
// together with it. Renames (go-git's rename detection on each commit's
// diff, content similarity included) carry a file's history to its new
// name. Merge commits are not diffed: their changes are counted on the
// commits that made them. Everything is written in one transaction. A
// call that finds HEAD where the last call left it returns at once.
func (ix *Index) History(ctx context.Context, opts HistoryOptions) error {
	opts, err := opts.withDefaults()
	if err != nil {
		return err
	}
	if err := ix.checkOpen(); err != nil {
		return err
	}
	if ix.git == nil {
		return fmt.Errorf("%s: %w", ix.opts.Root, ErrNotGit)
	}
	ix.histMu.Lock()
	defer ix.histMu.Unlock()
	head, err := ix.git.head()
	if err != nil {
		return fmt.Errorf("repoindex: %w", err)
	}
	if head.IsZero() {
		return fmt.Errorf("%s has no commit yet: %w", ix.opts.Root, ErrNotGit)
	}
	var last []byte
	_ = ix.db.View(func(tx *bbolt.Tx) error {
		last = bytes.Clone(tx.Bucket(bucketMeta).Get(metaHistory))
		return nil
	})
	if bytes.Equal(last, head[:]) {
		ix.log.Debug("repoindex: history", "commits", 0, "head", head)
		return nil
	}
	commits, err := ix.newCommits(ctx, head, opts)
	if err != nil {
		return err
	}
	hs := newHistState(ix.db, opts)
	for _, c := range commits {
		if err := ctx.Err(); err != nil {
			return err
		}
		if err := ix.applyCommit(ctx, hs, c); err != nil {
			return err
		}
	}
	if err := hs.save(head); err != nil {
		return fmt.Errorf("repoindex: saving history: %w", err)
	}
	ix.log.Debug("repoindex: history", "commits", len(commits), "files", len(hs.files))
	return nil
}

// newCommits walks from head, newest first by committer time, stopping at
// commits an earlier call processed, and returns the new ones oldest
// first.
func (ix *Index) newCommits(ctx context.Context, head plumbing.Hash, opts HistoryOptions) ([]*object.Commit, error) {
	g := ix.git
	load := func(h plumbing.Hash) (*object.Commit, error) {
		g.mu.Lock()
		defer g.mu.Unlock()
		c, err := g.repo.CommitObject(h)
		if errors.Is(err, plumbing.ErrObjectNotFound) {
			ix.log.Warn("repoindex: history stops at a missing commit (shallow clone?)", "commit", h)
			return nil, nil
		}
		if err != nil {
			return nil, fmt.Errorf("repoindex: reading commit %s: %w", h, err)
		}
		return c, nil
	}
	processed := func(h plumbing.Hash) bool {
		var ok bool
		_ = ix.db.View(func(tx *bbolt.Tx) error {
			ok = tx.Bucket(bucketCommits).Get(h[:]) != nil
			return nil
		})
		return ok
	}
	first, err := load(head)
	if err != nil || first == nil {
		return nil, err
	}
	var out []*object.Commit
	seen := map[plumbing.Hash]bool{head: true}
	frontier := []*object.Commit{first}
	for len(frontier) > 0 && len(out) < opts.MaxCommits {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		// Pop the newest commit of the frontier.
		i := 0
		for j, c := range frontier {
			if c.Committer.When.After(frontier[i].Committer.When) {
				i = j
			}
		}
		c := frontier[i]
		frontier = slices.Delete(frontier, i, i+1)
		if (!opts.Since.IsZero() && c.Committer.When.Before(opts.Since)) || processed(c.Hash) {
			continue
		}
		out = append(out, c)
		for _, p := range c.ParentHashes {
			if seen[p] {
				continue
			}
			seen[p] = true
			pc, err := load(p)
			if err != nil {
				return nil, err
			}
			if pc != nil {
				frontier = append(frontier, pc)
			}
		}
	}
	slices.Reverse(out)
	return out, nil
}

// applyCommit records one commit's changes.
func (ix *Index) applyCommit(ctx context.Context, hs *histState, c *object.Commit) error {
	hs.processed = append(hs.processed, c.Hash)
	if c.NumParents() > 1 {
		return nil
	}
	g := ix.git
	g.mu.Lock()
	changes, err := commitChanges(ctx, c)
	g.mu.Unlock()
	if err != nil {
		return fmt.Errorf("repoindex: diffing commit %s: %w", c.Hash, err)
	}
	rec := Commit{
		Hash:    c.Hash.String(),
		Time:    c.Author.When,
		Author:  c.Author.Name,
		Message: strings.TrimSpace(firstLine(c.Message)),
	}
	var touched []string
	for _, ch := range changes {
		from, fromOK := g.rel(ch.From.Name)
		to, toOK := g.rel(ch.To.Name)
		switch {
		case ch.To.Name == "" && fromOK: // deleted
			touched = append(touched, from)
		case ch.To.Name == "" || !toOK:
		case ch.From.Name != "" && ch.From.Name != ch.To.Name && fromOK: // renamed
			if err := hs.rename(from, to); err != nil {
				return err
			}
			touched = append(touched, to)
		default:
			touched = append(touched, to)
		}
	}
	return hs.record(rec, touched)
}

func commitChanges(ctx context.Context, c *object.Commit) (object.Changes, error) {
	to, err := c.Tree()
	if err != nil {
		return nil, err
	}
	var from *object.Tree
	if c.NumParents() == 1 {
		p, err := c.Parent(0)
		if err != nil {
			return nil, err
		}
		if from, err = p.Tree(); err != nil {
			return nil, err
		}
	}
	return object.DiffTreeWithOptions(ctx, from, to, object.DefaultDiffTreeOptions)
}

func firstLine(s string) string {
	line, _, _ := strings.Cut(strings.TrimLeft(s, "\r\n"), "\n")
	return line
}

// RecentEdits returns up to n commits that touched path, newest first
// (n <= 0: all kept). It is empty before History ran.
func (ix *Index) RecentEdits(path string, n int) []Commit {
	rel, err := ix.relPath(path)
	if err != nil || ix.checkOpen() != nil {
		return nil
	}
	var out []Commit
	_ = ix.db.View(func(tx *bbolt.Tx) error {
		out, err = decodeCommits(tx.Bucket(bucketHistory).Get([]byte(rel)))
		return nil
	})
	if err != nil {
		ix.log.Warn("repoindex: unreadable history record", "path", rel, "err", err)
		return nil
	}
	if n > 0 && len(out) > n {
		out = out[:n]
	}
	return out
}

// CoChanged returns up to n files most often changed in the same commits
// as path: by Count, then Score, then Path (n <= 0: all).
func (ix *Index) CoChanged(path string, n int) []CoChange {
	rel, err := ix.relPath(path)
	if err != nil || ix.checkOpen() != nil {
		return nil
	}
	var out []CoChange
	_ = ix.db.View(func(tx *bbolt.Tx) error {
		b := tx.Bucket(bucketCoChange)
		self, err := decodeCoRecord(b.Get([]byte(rel)))
		if err != nil {
			ix.log.Warn("repoindex: unreadable co-change record", "path", rel, "err", err)
			return nil
		}
		for q, cnt := range self.co {
			other, _ := decodeCoRecord(b.Get([]byte(q)))
			union := self.total + other.total - cnt
			score := 1.0
			if union > 0 {
				score = float64(cnt) / float64(union)
			}
			out = append(out, CoChange{Path: q, Count: cnt, Score: min(score, 1)})
		}
		return nil
	})
	slices.SortFunc(out, func(a, b CoChange) int {
		return cmp.Or(cmp.Compare(b.Count, a.Count), cmp.Compare(b.Score, a.Score), cmp.Compare(a.Path, b.Path))
	})
	if n > 0 && len(out) > n {
		out = out[:n]
	}
	return out
}
