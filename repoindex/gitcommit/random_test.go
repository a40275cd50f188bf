package gitcommit

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"maps"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/go-git/go-git/v5/plumbing"
)

// model is what HEAD, the index and the worktree should hold.
type model struct {
	head, index, work map[string]string
	stack             []modelCommit // HEAD's history, newest last
}

type modelCommit struct {
	ai      bool
	prev    map[string]string // HEAD's files before this commit
	touched []string
}

// TestRandomized interleaves user edits, staging and commits with AI
// commits and undos, and checks after every step that HEAD, the index and
// the worktree hold exactly what they should, and that git status agrees:
// every user change survives, staged or not.
func TestRandomized(t *testing.T) {
	pool := []string{"f0", "f1", "f2", "f3", "f4", "d/g0", "d/g1", "d/g2", "d/e/h0", "d/e/h1"}
	for seed := uint64(1); seed <= 3; seed++ {
		t.Run(fmt.Sprint("seed", seed), func(t *testing.T) {
			rng := rand.New(rand.NewPCG(seed, 42))
			initial := map[string]string{"f0": "0\n", "f1": "1\n", "d/g0": "g0\n", "d/e/h0": "h0\n"}
			dir := newRepo(t, initial)
			m := &model{head: maps.Clone(initial), index: maps.Clone(initial), work: maps.Clone(initial), stack: []modelCommit{{}}}
			r := openRepo(t, dir)
			n := 0
			counts := map[string]int{}
			fresh := func(who string) string { n++; return fmt.Sprintf("%s%d\n", who, n) }
			for step := 0; step < 80; step++ {
				var what string
				switch x := rng.IntN(100); {
				case x < 20: // the user edits or deletes a file
					p := pool[rng.IntN(len(pool))]
					if _, ok := m.work[p]; ok && rng.IntN(5) == 0 {
						os.Remove(filepath.Join(dir, p))
						delete(m.work, p)
						what = "user deletes " + p
					} else {
						c := fresh("u")
						writeFile(t, dir, p, c)
						m.work[p] = c
						what = "user writes " + p
					}
				case x < 33: // the user throws a change away
					p := pool[rng.IntN(len(pool))]
					h, inH := m.head[p]
					if inH {
						git(t, dir, "checkout", "-q", "HEAD", "--", p)
					} else {
						git(t, dir, "rm", "-q", "--cached", "--ignore-unmatch", "--", p)
						os.Remove(filepath.Join(dir, p))
					}
					setOrDelete(m.index, p, h, inH)
					setOrDelete(m.work, p, h, inH)
					what = "user reverts " + p
				case x < 43: // the user stages a file
					p := pool[rng.IntN(len(pool))]
					w, inW := m.work[p]
					i, inI := m.index[p]
					if inW == inI && w == i {
						continue
					}
					git(t, dir, "add", "-A", "--", p)
					setOrDelete(m.index, p, w, inW)
					what = "user stages " + p
				case x < 50: // the user commits what is staged
					if maps.Equal(m.index, m.head) {
						continue
					}
					git(t, dir, "commit", "-q", "-m", "user commit")
					m.stack = append(m.stack, modelCommit{prev: maps.Clone(m.head)})
					m.head = maps.Clone(m.index)
					what = "user commits"
				case x < 80:
					what = m.aiCommit(t, r, dir, rng, pool, fresh)
				default:
					what = m.undo(t, r)
				}
				m.check(t, dir, step, what)
				for _, kind := range []string{"AI commit refused", "AI commit without", "AI commit", "undo refused: not AI", "undo refused", "undo", "user"} {
					if strings.HasPrefix(what, kind) {
						counts[kind]++
						break
					}
				}
			}
			fsck(t, dir)
			t.Logf("steps: %v", counts)
		})
	}
}

func setOrDelete(m map[string]string, p, v string, ok bool) {
	if ok {
		m[p] = v
	} else {
		delete(m, p)
	}
}

func (m *model) aiCommit(t *testing.T, r *Repo, dir string, rng *rand.Rand, pool []string, fresh func(string) string) string {
	t.Helper()
	k := 1 + rng.IntN(3)
	perm := rng.Perm(len(pool))[:k]
	var files []File
	target := map[string]*string{}
	changes := false
	for _, i := range perm {
		p := pool[i]
		h, inHead := m.head[p]
		if inHead && rng.IntN(4) == 0 {
			files = append(files, del(p))
			target[p] = nil
			changes = true
			continue
		}
		c := fresh("ai")
		files = append(files, put(p, c))
		target[p] = &c
		changes = changes || !inHead || h != c
		// Sometimes the caller has written the AI content already.
		w, inW := m.work[p]
		if i, inI := m.index[p]; inI == inHead && i == h && inW == inHead && w == h && rng.IntN(3) == 0 {
			writeFile(t, dir, p, c)
			m.work[p] = c
		}
	}
	var dirty []string
	for p, tg := range target {
		h, inH := m.head[p]
		matches := func(v string, ok bool) bool {
			return ok == inH && v == h || tg == nil && !ok || tg != nil && ok && v == *tg
		}
		i, inI := m.index[p]
		w, inW := m.work[p]
		if !matches(i, inI) || !matches(w, inW) {
			dirty = append(dirty, p)
		}
	}
	sort.Strings(dirty)
	_, err := r.Commit(context.Background(), Request{Files: files, Message: "feat: random", Trailers: Trailers{Agent: "random"}})
	var pe *PathsError
	switch {
	case len(dirty) > 0:
		if !errors.Is(err, ErrUserChanges) || !errors.As(err, &pe) || !slices.Equal(pe.Paths, dirty) {
			t.Fatalf("AI commit %v: %v, want ErrUserChanges on %v", files, err, dirty)
		}
		return fmt.Sprintf("AI commit refused (%v)", dirty)
	case !changes:
		if !errors.Is(err, ErrNoChanges) {
			t.Fatalf("AI commit %v: %v, want ErrNoChanges", files, err)
		}
		return "AI commit without changes"
	case err != nil:
		t.Fatalf("AI commit %v: %v", files, err)
	}
	mc := modelCommit{ai: true, prev: maps.Clone(m.head)}
	for p, tg := range target {
		mc.touched = append(mc.touched, p)
		for _, side := range []map[string]string{m.head, m.index, m.work} {
			if tg == nil {
				delete(side, p)
			} else {
				side[p] = *tg
			}
		}
	}
	m.stack = append(m.stack, mc)
	return fmt.Sprintf("AI commit %v", mc.touched)
}

func (m *model) undo(t *testing.T, r *Repo) string {
	t.Helper()
	_, err := r.Undo(context.Background())
	top := m.stack[len(m.stack)-1]
	if !top.ai {
		if !errors.Is(err, ErrNotAICommit) {
			t.Fatalf("Undo: %v, want ErrNotAICommit", err)
		}
		return "undo refused: not AI"
	}
	// The files the commit changed (touched files it left unchanged do not count).
	var changed, dirty []string
	for _, p := range top.touched {
		h, inH := m.head[p]
		pv, inP := top.prev[p]
		if inH == inP && h == pv {
			continue
		}
		changed = append(changed, p)
		i, inI := m.index[p]
		w, inW := m.work[p]
		if inI != inH || i != h || inW != inH || w != h {
			dirty = append(dirty, p)
		}
	}
	sort.Strings(dirty)
	var pe *PathsError
	if len(dirty) > 0 {
		if !errors.Is(err, ErrDirtyTree) || !errors.As(err, &pe) || !slices.Equal(pe.Paths, dirty) {
			t.Fatalf("Undo: %v, want ErrDirtyTree on %v", err, dirty)
		}
		return fmt.Sprintf("undo refused (%v)", dirty)
	}
	if err != nil {
		t.Fatalf("Undo: %v", err)
	}
	for _, p := range changed {
		pv, inP := top.prev[p]
		setOrDelete(m.head, p, pv, inP)
		setOrDelete(m.index, p, pv, inP)
		setOrDelete(m.work, p, pv, inP)
	}
	m.stack = m.stack[:len(m.stack)-1]
	return fmt.Sprintf("undo %v", changed)
}

func (m *model) check(t *testing.T, dir string, step int, what string) {
	t.Helper()
	fail := func(format string, args ...any) {
		t.Helper()
		t.Fatalf("step %d (%s): %s", step, what, fmt.Sprintf(format, args...))
	}
	work := map[string]string{}
	filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if d.IsDir() && d.Name() == ".git" {
			return filepath.SkipDir
		}
		if !d.IsDir() {
			rel, _ := filepath.Rel(dir, p)
			data, _ := os.ReadFile(p)
			work[filepath.ToSlash(rel)] = string(data)
		}
		return nil
	})
	if !maps.Equal(work, m.work) {
		fail("worktree %v, want %v", work, m.work)
	}
	blobs := func(files map[string]string) map[string]string {
		out := map[string]string{}
		for p, c := range files {
			out[p] = plumbing.ComputeHash(plumbing.BlobObject, []byte(c)).String()
		}
		return out
	}
	parse := func(out string, field int) map[string]string {
		got := map[string]string{}
		for _, l := range strings.Split(out, "\n") {
			if l == "" {
				continue
			}
			meta, p, _ := strings.Cut(l, "\t")
			got[p] = strings.Fields(meta)[field]
		}
		return got
	}
	if got := parse(git(t, dir, "ls-files", "-s"), 1); !maps.Equal(got, blobs(m.index)) {
		fail("index %v, want %v", got, blobs(m.index))
	}
	head := ""
	if len(m.head) > 0 || len(m.stack) > 1 {
		head = git(t, dir, "ls-tree", "-r", "HEAD")
	}
	if got := parse(head, 2); !maps.Equal(got, blobs(m.head)) {
		fail("HEAD %v, want %v", got, blobs(m.head))
	}
	// git status must see exactly the user's changes.
	var want []string
	paths := map[string]bool{}
	for _, side := range []map[string]string{m.head, m.index, m.work} {
		for p := range side {
			paths[p] = true
		}
	}
	for p := range paths {
		h, inH := m.head[p]
		i, inI := m.index[p]
		w, inW := m.work[p]
		x, y := " ", " "
		switch {
		case inI && !inH:
			x = "A"
		case !inI && inH:
			x = "D"
		case inI && i != h:
			x = "M"
		}
		switch {
		case inI && !inW:
			y = "D"
		case inI && w != i:
			y = "M"
		}
		if x+y != "  " {
			want = append(want, x+y+" "+p)
		}
		if !inI && inW {
			want = append(want, "?? "+p)
		}
	}
	sort.Strings(want)
	out := git(t, dir, "-c", "status.renames=false", "status", "--porcelain=v1", "--untracked-files=all")
	var got []string
	if out != "" {
		got = strings.Split(out, "\n")
		sort.Strings(got)
	}
	if !slices.Equal(got, want) {
		fail("git status\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}
