package gitcommit

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	format "github.com/go-git/go-git/v5/plumbing/format/config"
)

// gitConfig is git's configuration as git layers it: system, global
// ($XDG_CONFIG_HOME/git/config, then ~/.gitconfig), the repository's
// config, then config.worktree when extensions.worktreeConfig is on. A
// later layer wins, and so does a later line within one. go-git's own
// merged view (Repository.ConfigScoped) drops raw keys of the outer
// scopes and reads only one global file, so the files are read here.
// [include] and [includeIf] are not followed.
type gitConfig struct {
	layers []*format.Config // lowest precedence first
}

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
	c := &gitConfig{}
	for _, f := range files {
		if err := c.add(f); err != nil {
			return nil, err
		}
	}
	if v, _ := c.get("extensions", "worktreeConfig"); isTrue(v) {
		if err := c.add(filepath.Join(gitDir, "config.worktree")); err != nil {
			return nil, err
		}
	}
	return c, nil
}

func envOr(key, def string) string {
	if v := os.Getenv(key); v != "" {
		return v
	}
	return def
}

func (c *gitConfig) add(file string) error {
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
	return nil
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
