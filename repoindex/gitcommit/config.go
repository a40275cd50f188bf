package gitcommit

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strings"

	format "github.com/go-git/go-git/v5/plumbing/format/config"
)

// gitConfig is git's configuration as git layers it: system, global
// ($XDG_CONFIG_HOME/git/config, then ~/.gitconfig), the repository's
// config, then config.worktree when extensions.worktreeConfig is on. A
// later layer wins, and so does a later line within one. go-git's own
// merged view (Repository.ConfigScoped) drops raw keys of the outer
// scopes and reads only one global file, so the files are read here.
//
// [include] and [includeIf] are followed (path relative to the including
// file, ~/ for the home directory; conditions gitdir:, gitdir/i: and
// onbranch:, with git's wildcard rules; hasconfig: is not supported and
// never matches), up to maxIncludeDepth deep. An included file is a layer
// right after the file that includes it: it wins over that whole file,
// where git lets the lines after the [include] win.
type gitConfig struct {
	layers []*format.Config // lowest precedence first

	gitDirs []string // the .git directory, as given and with symlinks resolved
	branch  string   // HEAD's branch, for onbranch:
}

// maxIncludeDepth is git's limit on nested includes.
const maxIncludeDepth = 10

func loadConfig(commonDir, gitDir string) (*gitConfig, error) {
	var files []string
	if os.Getenv("GIT_CONFIG_NOSYSTEM") == "" {
		files = append(files, envOr("GIT_CONFIG_SYSTEM", "/etc/gitconfig"))
	}
	if g := os.Getenv("GIT_CONFIG_GLOBAL"); g != "" {
		files = append(files, g)
	} else {
		home, _ := os.UserHomeDir()
		xdg := os.Getenv("XDG_CONFIG_HOME")
		if xdg == "" && home != "" {
			xdg = filepath.Join(home, ".config")
		}
		if xdg != "" {
			files = append(files, filepath.Join(xdg, "git", "config"))
		}
		if home != "" {
			files = append(files, filepath.Join(home, ".gitconfig"))
		}
	}
	files = append(files, filepath.Join(commonDir, "config"))
	c := &gitConfig{gitDirs: []string{filepath.Clean(gitDir)}, branch: headBranch(gitDir)}
	if real, err := filepath.EvalSymlinks(gitDir); err == nil && real != c.gitDirs[0] {
		c.gitDirs = append(c.gitDirs, real)
	}
	for _, f := range files {
		if err := c.add(f, 0); err != nil {
			return nil, err
		}
	}
	if v, _ := c.get("extensions", "worktreeConfig"); isTrue(v) {
		if err := c.add(filepath.Join(gitDir, "config.worktree"), 0); err != nil {
			return nil, err
		}
	}
	return c, nil
}

// headBranch returns the branch HEAD names in gitDir, or "" (detached, or
// unreadable).
func headBranch(gitDir string) string {
	data, err := os.ReadFile(filepath.Join(gitDir, "HEAD"))
	if err != nil {
		return ""
	}
	ref, ok := strings.CutPrefix(strings.TrimSpace(string(data)), "ref: refs/heads/")
	if !ok {
		return ""
	}
	return ref
}

func envOr(key, def string) string {
	if v := os.Getenv(key); v != "" {
		return v
	}
	return def
}

// add reads file as a layer, then the files it includes. A missing or
// unreadable file is skipped, as git skips it.
func (c *gitConfig) add(file string, depth int) error {
	f, err := os.Open(file)
	if errors.Is(err, fs.ErrNotExist) || errors.Is(err, fs.ErrPermission) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("gitcommit: reading git config: %w", err)
	}
	defer f.Close()
	cfg := format.New()
	if err := format.NewDecoder(f).Decode(cfg); err != nil {
		return fmt.Errorf("gitcommit: parsing git config %s: %w", file, err)
	}
	c.layers = append(c.layers, cfg)
	for _, inc := range c.includes(cfg, filepath.Dir(file)) {
		if depth >= maxIncludeDepth {
			return fmt.Errorf("gitcommit: git config %s: includes nested more than %d deep (a cycle?)", file, maxIncludeDepth)
		}
		if err := c.add(inc, depth+1); err != nil {
			return err
		}
	}
	return nil
}

// includes returns the files cfg includes, in order: include.path, and
// includeIf.<condition>.path where the condition holds. dir is the
// directory of cfg's file.
func (c *gitConfig) includes(cfg *format.Config, dir string) []string {
	var out []string
	resolve := func(p string) {
		p = strings.TrimSpace(p)
		if p == "" {
			return
		}
		if rest, ok := strings.CutPrefix(p, "~/"); ok {
			home, err := os.UserHomeDir()
			if err != nil {
				return
			}
			p = filepath.Join(home, rest)
		} else if !filepath.IsAbs(p) {
			p = filepath.Join(dir, p)
		}
		out = append(out, p)
	}
	for _, s := range cfg.Sections {
		switch {
		case s.IsName("include"):
			for _, o := range s.Options {
				if o.IsKey("path") {
					resolve(o.Value)
				}
			}
		case s.IsName("includeIf"):
			for _, ss := range s.Subsections {
				if !c.condition(ss.Name, dir) {
					continue
				}
				for _, o := range ss.Options {
					if o.IsKey("path") {
						resolve(o.Value)
					}
				}
			}
		}
	}
	return out
}

// condition evaluates an includeIf condition.
func (c *gitConfig) condition(cond, dir string) bool {
	kind, pattern, ok := strings.Cut(cond, ":")
	if !ok {
		return false
	}
	switch kind {
	case "gitdir", "gitdir/i":
		fold := kind == "gitdir/i"
		switch {
		case strings.HasPrefix(pattern, "~/"):
			home, err := os.UserHomeDir()
			if err != nil {
				return false
			}
			pattern = filepath.ToSlash(home) + pattern[1:]
		case strings.HasPrefix(pattern, "./"):
			pattern = filepath.ToSlash(dir) + pattern[1:]
		case !strings.HasPrefix(pattern, "/"):
			pattern = "**/" + pattern
		}
		if strings.HasSuffix(pattern, "/") {
			pattern += "**"
		}
		for _, d := range c.gitDirs {
			if wildmatch(pattern, filepath.ToSlash(d), fold) {
				return true
			}
		}
	case "onbranch":
		if c.branch == "" {
			return false
		}
		if strings.HasSuffix(pattern, "/") {
			pattern += "**"
		}
		return wildmatch(pattern, c.branch, false)
	}
	return false
}

// wildmatch matches name against a git wildcard pattern with path
// semantics: * and ? stop at '/', ** crosses it ("**/" also matches
// nothing), [...] is a character class.
func wildmatch(pattern, name string, fold bool) bool {
	var re strings.Builder
	re.WriteString("^")
	if fold {
		re.WriteString("(?i)")
	}
	for i := 0; i < len(pattern); i++ {
		switch ch := pattern[i]; ch {
		case '*':
			if i+1 < len(pattern) && pattern[i+1] == '*' {
				i++
				if i+1 < len(pattern) && pattern[i+1] == '/' {
					i++
					re.WriteString("(?:.*/)?")
				} else {
					re.WriteString(".*")
				}
				continue
			}
			re.WriteString("[^/]*")
		case '?':
			re.WriteString("[^/]")
		case '[':
			end := strings.IndexByte(pattern[i+1:], ']')
			if end < 0 {
				re.WriteString(regexp.QuoteMeta("["))
				continue
			}
			class := pattern[i+1 : i+1+end]
			if strings.HasPrefix(class, "!") {
				class = "^" + class[1:]
			}
			re.WriteString("[" + strings.ReplaceAll(class, `\`, `\\`) + "]")
			i += end + 1
		case '\\':
			if i+1 < len(pattern) {
				i++
				re.WriteString(regexp.QuoteMeta(pattern[i : i+1]))
			}
		default:
			re.WriteString(regexp.QuoteMeta(string(ch)))
		}
	}
	re.WriteString("$")
	rx, err := regexp.Compile(re.String())
	return err == nil && rx.MatchString(name)
}

// get returns the value of section.key and whether it is set. A key set
// without a value ("[commit] gpgsign") reads as "".
func (c *gitConfig) get(section, key string) (string, bool) {
	return c.getSub(section, "", key)
}

func (c *gitConfig) getSub(section, sub, key string) (string, bool) {
	for i := len(c.layers) - 1; i >= 0; i-- {
		secs := c.layers[i].Sections
		for j := len(secs) - 1; j >= 0; j-- {
			s := secs[j]
			if !s.IsName(section) {
				continue
			}
			opts := s.Options
			if sub != "" {
				opts = nil
				for _, ss := range s.Subsections {
					if ss.IsName(sub) {
						opts = append(opts, ss.Options...)
					}
				}
			}
			for k := len(opts) - 1; k >= 0; k-- {
				if opts[k].IsKey(key) {
					return opts[k].Value, true
				}
			}
		}
	}
	return "", false
}

// boolean reads a boolean key as git does; def when unset.
func (c *gitConfig) boolean(section, key string, def bool) (bool, error) {
	v, ok := c.get(section, key)
	if !ok {
		return def, nil
	}
	switch strings.ToLower(strings.TrimSpace(v)) {
	case "", "true", "yes", "on", "1":
		return true, nil
	case "false", "no", "off", "0":
		return false, nil
	}
	return false, fmt.Errorf("gitcommit: bad boolean config value %q for %s.%s", v, section, key)
}

func isTrue(v string) bool {
	switch strings.ToLower(strings.TrimSpace(v)) {
	case "true", "yes", "on", "1":
		return true
	}
	return false
}

// identity is a name and an email address.
type identity struct{ name, email string }

// identities returns the author and the committer as git would:
// author.name/author.email and committer.name/committer.email, each
// falling back to user.name/user.email.
func (c *gitConfig) identities() (author, committer identity, err error) {
	user := func(role, key string) string {
		if v, ok := c.get(role, key); ok && strings.TrimSpace(v) != "" {
			return v
		}
		v, _ := c.get("user", key)
		return v
	}
	author = identity{clean(user("author", "name")), clean(user("author", "email"))}
	committer = identity{clean(user("committer", "name")), clean(user("committer", "email"))}
	for _, id := range []identity{author, committer} {
		if id.name == "" || id.email == "" {
			return identity{}, identity{}, fmt.Errorf("%w: set them with git config --global user.name \"Your Name\" and git config --global user.email you@example.com (or per repository, without --global)", ErrNoIdentity)
		}
	}
	return author, committer, nil
}

// clean removes what git removes from identities: '<', '>' and line
// breaks, and surrounding space.
func clean(s string) string {
	s = strings.Map(func(r rune) rune {
		switch r {
		case '<', '>', '\n', '\r', 0:
			return -1
		}
		return r
	}, s)
	return strings.TrimSpace(s)
}
