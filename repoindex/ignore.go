package repoindex

import (
	"bufio"
	"bytes"
	"errors"
	"io/fs"
	"log/slog"
	"os"
	"path"
	"path/filepath"
	"strings"
	"sync"

	"github.com/go-git/go-billy/v5/osfs"
	"github.com/go-git/go-git/v5/plumbing/format/gitignore"
)

// ignoreRules decides which untracked paths are ignored, with git's
// sources and precedence (lowest first): the global excludes file,
// .git/info/exclude, then every .gitignore from the repository's top down
// to the path's own directory. Patterns are go-git's gitignore patterns,
// matched against paths relative to the repository's worktree.
//
// It caches each directory's .gitignore; one value serves one update and
// is safe for concurrent use.
type ignoreRules struct {
	root   string
	prefix []string // Root's parts relative to the worktree
	base   []gitignore.Pattern

	mu  sync.Mutex
	own map[string][]gitignore.Pattern // dir (relative to Root, "" = Root) → its .gitignore
}

func newIgnoreRules(root string, g *gitRepo, excludesFile string, log *slog.Logger) *ignoreRules {
	r := &ignoreRules{root: root, own: map[string][]gitignore.Pattern{}}
	r.base = globalExcludes(g, excludesFile, log)
	if g != nil {
		r.prefix = g.prefixParts
		r.base = append(r.base, readPatternFile(filepath.Join(g.gitDir, "info", "exclude"), nil, log)...)
		// .gitignore files between the worktree's top and Root.
		dir := g.workTree
		for i := range g.prefixParts {
			r.base = append(r.base, readPatternFile(filepath.Join(dir, ".gitignore"), g.prefixParts[:i], log)...)
			dir = filepath.Join(dir, g.prefixParts[i])
		}
	}
	return r
}

// globalExcludes loads the user's excludes file (see Options.ExcludesFile).
func globalExcludes(g *gitRepo, excludesFile string, log *slog.Logger) []gitignore.Pattern {
	switch excludesFile {
	case "-":
		return nil
	case "":
	default:
		return readPatternFile(excludesFile, nil, log)
	}
	if g != nil {
		g.mu.Lock()
		cfg, err := g.repo.Config()
		g.mu.Unlock()
		if err == nil && cfg.Raw != nil {
			if f := cfg.Raw.Section("core").Option("excludesfile"); f != "" {
				return readPatternFile(expandHome(f), nil, log)
			}
		}
	}
	rootFS := osfs.New("/")
	if ps, err := gitignore.LoadGlobalPatterns(rootFS); err == nil && len(ps) > 0 {
		return ps
	}
	if ps, err := gitignore.LoadSystemPatterns(rootFS); err == nil && len(ps) > 0 {
		return ps
	}
	if dir, err := os.UserConfigDir(); err == nil {
		return readPatternFile(filepath.Join(dir, "git", "ignore"), nil, log)
	}
	return nil
}

func expandHome(p string) string {
	if rest, ok := strings.CutPrefix(p, "~/"); ok {
		if home, err := os.UserHomeDir(); err == nil {
			return filepath.Join(home, rest)
		}
	}
	return p
}

// readPatternFile parses an ignore file; a missing file has no patterns,
// an unreadable one is logged and skipped.
func readPatternFile(name string, domain []string, log *slog.Logger) []gitignore.Pattern {
	data, err := os.ReadFile(name)
	if err != nil {
		if !errors.Is(err, fs.ErrNotExist) && !errors.Is(err, fs.ErrInvalid) {
			log.Warn("repoindex: ignore file unreadable", "file", name, "err", err)
		}
		return nil
	}
	return parsePatterns(data, domain)
}

func parsePatterns(data []byte, domain []string) []gitignore.Pattern {
	var ps []gitignore.Pattern
	sc := bufio.NewScanner(bytes.NewReader(data))
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		line := strings.TrimSuffix(sc.Text(), "\r")
		if strings.HasPrefix(line, "#") || strings.TrimSpace(line) == "" {
			continue
		}
		ps = append(ps, gitignore.ParsePattern(line, domain))
	}
	return ps
}

// dirPatterns returns the patterns of dir's own .gitignore (dir relative
// to Root, "" for Root), reading it once. exists is a hint from a directory
// listing: false skips the read.
func (r *ignoreRules) dirPatterns(dir string, exists bool, log *slog.Logger) []gitignore.Pattern {
	r.mu.Lock()
	ps, ok := r.own[dir]
	r.mu.Unlock()
	if ok {
		return ps
	}
	if exists {
		domain := r.parts(dir)
		ps = readPatternFile(filepath.Join(r.root, filepath.FromSlash(dir), ".gitignore"), domain, log)
	}
	r.mu.Lock()
	r.own[dir] = ps
	r.mu.Unlock()
	return ps
}

// parts splits a Root-relative path into worktree-relative components.
func (r *ignoreRules) parts(rel string) []string {
	out := make([]string, 0, len(r.prefix)+strings.Count(rel, "/")+1)
	out = append(out, r.prefix...)
	if rel != "" {
		out = append(out, strings.Split(rel, "/")...)
	}
	return out
}

// match applies a pattern stack (lowest precedence first) to a path.
func match(stack []gitignore.Pattern, parts []string, isDir bool) bool {
	for i := len(stack) - 1; i >= 0; i-- {
		if m := stack[i].Match(parts, isDir); m != gitignore.NoMatch {
			return m == gitignore.Exclude
		}
	}
	return false
}

// stackAbove returns the pattern stack in force for the entries of dir,
// without dir's own .gitignore (the walker adds it when it lists dir).
func (r *ignoreRules) stackAbove(dir string, log *slog.Logger) []gitignore.Pattern {
	stack := append([]gitignore.Pattern(nil), r.base...)
	if dir == "" {
		return stack
	}
	stack = append(stack, r.dirPatterns("", true, log)...)
	parts := strings.Split(dir, "/")
	for i := 1; i < len(parts); i++ {
		stack = append(stack, r.dirPatterns(strings.Join(parts[:i], "/"), true, log)...)
	}
	return stack
}

// ignored reports whether rel (a file, or a directory when isDir) is
// ignored: it, or one of its parent directories, matches. Tracked paths
// are the caller's concern.
func (r *ignoreRules) ignored(rel string, isDir bool, log *slog.Logger) bool {
	stack := append([]gitignore.Pattern(nil), r.base...)
	stack = append(stack, r.dirPatterns("", true, log)...)
	dirs := strings.Split(rel, "/")
	for i := 1; i < len(dirs); i++ {
		d := strings.Join(dirs[:i], "/")
		if match(stack, r.parts(d), true) {
			return true
		}
		stack = append(stack, r.dirPatterns(d, true, log)...)
	}
	return match(stack, r.parts(rel), isDir)
}

// pathDir is path.Dir with "" for top-level paths.
func pathDir(rel string) string {
	d := path.Dir(rel)
	if d == "." {
		return ""
	}
	return d
}
