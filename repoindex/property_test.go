package repoindex

import (
	"fmt"
	"io/fs"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
)

// propWorld applies random edits to a repository and tells the
// incremental index about them the way an editor and a file watcher
// would.
type propWorld struct {
	t    *testing.T
	rng  *rand.Rand
	root string
	ov   *Overlay
	ix   *Index
	log  []string
}

var (
	propDirs     = []string{"", "pkg", "pkg/sub", "build", "gen", "docs"}
	propNames    = []string{"a.go", "b.go", "c.py", "d.ts", "e.txt", "keep.log", "x.log", "f.go", "data.bin"}
	propPatterns = []string{"*.log", "build/", "gen/", "!keep.log", "*.txt", "sub/", "*.bin", "f.go"}
)

func (w *propWorld) pick(xs []string) string { return xs[w.rng.IntN(len(xs))] }

func (w *propWorld) content(name string) string {
	n := w.rng.IntN(1000)
	switch filepath.Ext(name) {
	case ".go":
		return fmt.Sprintf("package p\n\n// F%d is generated.\nfunc F%d() int { return G%d() }\n", n, n, n%7)
	case ".py":
		return fmt.Sprintf("def f%d():\n    return g%d()\n", n, n%5)
	case ".ts":
		return fmt.Sprintf("export function f%d(): number { return %d }\n", n, n)
	case ".bin":
		return fmt.Sprintf("\x00\x01bin%d\x00", n)
	}
	return fmt.Sprintf("line %d\n", n)
}

// diskFiles lists the files under root (not .git) for picking targets.
func (w *propWorld) diskFiles() []string {
	var out []string
	filepath.WalkDir(w.root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return nil
		}
		if d.IsDir() && d.Name() == ".git" {
			return filepath.SkipDir
		}
		if d.Type().IsRegular() {
			rel, _ := filepath.Rel(w.root, p)
			out = append(out, filepath.ToSlash(rel))
		}
		return nil
	})
	slices.Sort(out)
	return out
}

func (w *propWorld) abs(rel string) string { return filepath.Join(w.root, filepath.FromSlash(rel)) }

// step applies one random edit and the matching index update.
func (w *propWorld) step() {
	t := w.t
	files := w.diskFiles()
	var op string
	var upd []string
	switch k := w.rng.IntN(14); {
	case k < 3 || len(files) == 0: // create or overwrite
		rel := strings.TrimPrefix(w.pick(propDirs)+"/"+w.pick(propNames), "/")
		writeFile(t, w.root, rel, w.content(rel))
		op, upd = "write "+rel, []string{rel}
	case k == 3: // same-size edit: only a racy-clean check can see it
		rel := w.pick(files)
		data, err := os.ReadFile(w.abs(rel))
		must(t, err)
		if len(data) > 0 {
			i := w.rng.IntN(len(data))
			data[i] = "0123456789"[w.rng.IntN(10)]
		}
		must(t, os.WriteFile(w.abs(rel), data, 0o644))
		op, upd = "poke "+rel, []string{rel}
	case k == 4: // delete
		rel := w.pick(files)
		must(t, os.Remove(w.abs(rel)))
		op, upd = "rm "+rel, []string{rel}
	case k == 5: // rename
		from := w.pick(files)
		to := strings.TrimPrefix(w.pick(propDirs)+"/"+w.pick(propNames), "/")
		must(t, os.MkdirAll(filepath.Dir(w.abs(to)), 0o755))
		must(t, os.Rename(w.abs(from), w.abs(to)))
		op, upd = "mv "+from+" "+to, []string{from, to}
	case k == 6: // remove a directory
		dir := w.pick(propDirs[1:])
		must(t, os.RemoveAll(w.abs(dir)))
		op, upd = "rm -r "+dir, []string{dir}
	case k == 7: // commit everything
		gitRun(t, w.root, "add", "-A")
		gitRun(t, w.root, "commit", "-q", "--allow-empty", "-m", "step")
		op, upd = "commit", []string{".git/index", ".git/refs/heads/main"}
	case k == 8: // stage one file
		rel := w.pick(files)
		gitRun(t, w.root, "add", "-f", "--", rel)
		op, upd = "add "+rel, []string{".git/index", rel}
	case k == 9: // change ignore rules
		dir := w.pick([]string{"", "pkg"})
		var ps []string
		for range w.rng.IntN(3) {
			ps = append(ps, w.pick(propPatterns))
		}
		rel := strings.TrimPrefix(dir+"/.gitignore", "/")
		writeFile(t, w.root, rel, strings.Join(ps, "\n")+"\n")
		op, upd = "ignore "+rel+" "+strings.Join(ps, ","), []string{rel}
	case k == 10 || k == 11: // edit a buffer (of a file on disk or not)
		rel := strings.TrimPrefix(w.pick(propDirs)+"/"+w.pick(propNames), "/")
		if w.rng.IntN(2) == 0 {
			rel = w.pick(files)
		}
		must(t, w.ov.Set(w.abs(rel), int32(w.rng.IntN(100)), []byte(w.content(rel))))
		updateBuffer(t, w.ix, w.abs(rel))
		w.log = append(w.log, "buffer "+rel)
		return
	case k == 13: // a symbolic link to a directory, reported with a path through it
		link := strings.TrimPrefix(w.pick(propDirs)+"/link", "/")
		target := w.pick([]string{"pkg", "docs", "/etc"})
		must(t, os.MkdirAll(filepath.Dir(w.abs(link)), 0o755))
		_ = os.Remove(w.abs(link))
		must(t, os.Symlink(target, w.abs(link)))
		op, upd = "ln -s "+target+" "+link, []string{link, link + "/a.go", link + "/passwd"}
	case k == 12: // close a buffer
		open := w.ov.Paths()
		if len(open) == 0 {
			return
		}
		p := w.pick(open)
		w.ov.Delete(p)
		updateBuffer(t, w.ix, p)
		w.log = append(w.log, "close "+p)
		return
	}
	w.log = append(w.log, op)
	if w.rng.IntN(8) == 0 {
		refresh(t, w.ix)
		w.log = append(w.log, "  (refresh)")
		return
	}
	updateFiles(t, w.ix, upd...)
}

func TestIncrementalEqualsFresh(t *testing.T) {
	seed := uint64(time.Now().UnixNano())
	if s := os.Getenv("REPOINDEX_PROP_SEED"); s != "" {
		fmt.Sscan(s, &seed)
	}
	t.Logf("seed %d (set REPOINDEX_PROP_SEED to replay)", seed)
	root := newRepo(t)
	writeFile(t, root, "a.go", goSrc)
	gitRun(t, root, "add", ".")
	commitAt(t, root, time.Now(), "init")
	w := &propWorld{t: t, rng: rand.New(rand.NewPCG(seed, 7)), root: root, ov: NewOverlay()}
	w.ix = openIndex(t, root, withOverlay(w.ov))
	refresh(t, w.ix)

	sequences, length := 14, 6
	if testing.Short() {
		sequences = 5
	}
	for seq := range sequences {
		for range length {
			w.step()
		}
		fresh := openIndex(t, root, withOverlay(w.ov))
		refresh(t, fresh)
		if t.Failed() {
			return
		}
		func() {
			defer func() {
				if t.Failed() {
					t.Logf("sequence %d, operations so far:\n  %s", seq, strings.Join(w.log, "\n  "))
				}
			}()
			sameIndex(t, w.ix, fresh)
		}()
		must(t, fresh.Close())
	}
}
