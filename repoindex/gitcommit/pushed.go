package gitcommit

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/object"
)

// pushedSlack bounds the search for HEAD in remote-tracking history: a
// commit made this much before HEAD (by committer date) is taken not to
// descend from it. Only clocks skewed by more than this defeat it.
const pushedSlack = 24 * time.Hour

// pushed returns a remote-tracking ref that reaches c, or "". The walk
// from each remote tip stops at commits older than c by more than
// pushedSlack (by committer date) and at commits already seen.
func (s *session) pushed(ctx context.Context, c *object.Commit) (string, error) {
	tips, err := s.remoteRefs()
	if err != nil {
		return "", err
	}
	limit := c.Committer.When.Add(-pushedSlack)
	seen := map[plumbing.Hash]bool{}
	for _, tip := range tips {
		if tip.Hash() == c.Hash {
			return tip.Name().Short(), nil
		}
		stack := []plumbing.Hash{tip.Hash()}
		for len(stack) > 0 {
			if err := ctx.Err(); err != nil {
				return "", err
			}
			hh := stack[len(stack)-1]
			stack = stack[:len(stack)-1]
			if seen[hh] {
				continue
			}
			seen[hh] = true
			if hh == c.Hash {
				return tip.Name().Short(), nil
			}
			pc, err := object.GetCommit(s.st, hh)
			if errors.Is(err, plumbing.ErrObjectNotFound) {
				continue // a shallow clone's boundary
			}
			if err != nil {
				return "", fmt.Errorf("gitcommit: walking %s: %w", tip.Name().Short(), err)
			}
			if pc.Committer.When.Before(limit) {
				continue
			}
			stack = append(stack, pc.ParentHashes...)
		}
	}
	return "", nil
}

// remoteRefs lists the remote-tracking refs (refs/remotes/*) that point
// at an object: the loose ones under the common git directory, skipping
// git's *.lock files (go-git's ref iterator fails on them), and the
// packed ones.
func (s *session) remoteRefs() ([]*plumbing.Reference, error) {
	seen := map[plumbing.ReferenceName]bool{}
	var out []*plumbing.Reference
	base := filepath.Join(s.r.commonDir, "refs", "remotes")
	err := filepath.WalkDir(base, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			if errors.Is(err, fs.ErrNotExist) {
				return nil
			}
			return err
		}
		if d.IsDir() || strings.HasSuffix(p, ".lock") {
			return nil
		}
		rel, _ := filepath.Rel(s.r.commonDir, p)
		name := plumbing.ReferenceName(filepath.ToSlash(rel))
		seen[name] = true
		ref, err := s.st.Reference(name)
		if err == nil && ref.Type() == plumbing.HashReference {
			out = append(out, ref)
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("gitcommit: listing remote-tracking refs: %w", err)
	}
	data, err := os.ReadFile(filepath.Join(s.r.commonDir, "packed-refs"))
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("gitcommit: reading packed-refs: %w", err)
	}
	for _, line := range strings.Split(string(data), "\n") {
		h, name, ok := strings.Cut(strings.TrimSpace(line), " ")
		rn := plumbing.ReferenceName(name)
		if ok && len(h) == 40 && rn.IsRemote() && !seen[rn] {
			out = append(out, plumbing.NewHashReference(rn, plumbing.NewHash(h)))
		}
	}
	return out, nil
}
