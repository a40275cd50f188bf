package gitcommit

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// Includes as git follows them: the answers are checked against git
// config itself, in repositories inside and outside the conditional
// directories and on different branches.
func TestConfigIncludes(t *testing.T) {
	home := t.TempDir()
	t.Setenv("HOME", home)
	t.Setenv("XDG_CONFIG_HOME", "")
	write := func(p, content string) {
		t.Helper()
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write(filepath.Join(home, ".gitconfig"), `[user]
	name = Home User
	email = home@example.com
[include]
	path = .gitconfig-signing
[includeIf "gitdir:~/work/"]
	path = ~/.gitconfig-work
[includeIf "gitdir/i:**/CASED/**"]
	path = cased.inc
[includeIf "onbranch:release/"]
	path = release.inc
[includeIf "hasconfig:remote.*.url:https://example.com/**"]
	path = never.inc
[init]
	defaultBranch = main
`)
	write(filepath.Join(home, ".gitconfig-signing"), "[commit]\n\tgpgSign = false\n[gpg]\n\tformat = ssh\n")
	write(filepath.Join(home, ".gitconfig-work"), "[user]\n\temail = work@example.com\n[include]\n\tpath = nested/deeper.inc\n")
	write(filepath.Join(home, "nested", "deeper.inc"), "[user]\n\tsigningKey = ~/.ssh/work_ed25519\n")
	write(filepath.Join(home, "cased.inc"), "[user]\n\tname = Cased User\n")
	write(filepath.Join(home, "release.inc"), "[commit]\n\tgpgSign = true\n")
	write(filepath.Join(home, "never.inc"), "[user]\n\tname = Never\n")

	repo := func(dir string) string {
		t.Helper()
		if err := os.MkdirAll(dir, 0o755); err != nil {
			t.Fatal(err)
		}
		git(t, dir, "init", "-q")
		return dir
	}
	repos := []string{
		repo(filepath.Join(home, "work", "proj")),
		repo(filepath.Join(home, "play", "proj")),
		repo(filepath.Join(home, "Cased", "proj")),
	}
	release := repo(filepath.Join(home, "rel"))
	git(t, release, "checkout", "-q", "-b", "release/v1")
	repos = append(repos, release)

	keys := [][2]string{{"user", "name"}, {"user", "email"}, {"user", "signingKey"}, {"commit", "gpgSign"}, {"gpg", "format"}}
	for _, dir := range repos {
		gitDir := filepath.Join(dir, ".git")
		c, err := loadConfig(gitDir, gitDir)
		if err != nil {
			t.Fatal(err)
		}
		for _, k := range keys {
			want, _ := gitErr(dir, "config", "--get", k[0]+"."+k[1])
			got, _ := c.get(k[0], k[1])
			if got != strings.TrimSpace(want) {
				t.Errorf("%s: %s.%s = %q, git says %q", strings.TrimPrefix(dir, home), k[0], k[1], got, want)
			}
		}
	}

	// A cycle is an error, not a hang.
	write(filepath.Join(home, ".gitconfig-work"), "[include]\n\tpath = ~/.gitconfig\n")
	if _, err := loadConfig(filepath.Join(repos[0], ".git"), filepath.Join(repos[0], ".git")); err == nil || !strings.Contains(err.Error(), "nested") {
		t.Fatalf("include cycle: %v", err)
	}
}

func TestWildmatch(t *testing.T) {
	for _, c := range []struct {
		pattern, name string
		fold, want    bool
	}{
		{"/home/u/work/**", "/home/u/work/a/.git", false, true},
		{"/home/u/work/**", "/home/u/play/a/.git", false, false},
		{"**/proj/.git", "/x/y/proj/.git", false, true},
		{"**/proj/.git", "proj/.git", false, true},
		{"/a/*/.git", "/a/b/.git", false, true},
		{"/a/*/.git", "/a/b/c/.git", false, false},
		{"/a/?/.git", "/a/b/.git", false, true},
		{"/a/[bc]/.git", "/a/c/.git", false, true},
		{"/a/[!bc]/.git", "/a/c/.git", false, false},
		{"**/CASED/**", "/h/Cased/p/.git", true, true},
		{"**/CASED/**", "/h/Cased/p/.git", false, false},
		{"release/**", "release/v1", false, true},
		{"release/**", "main", false, false},
		{"a.b", "axb", false, false},
	} {
		if got := wildmatch(c.pattern, c.name, c.fold); got != c.want {
			t.Errorf("wildmatch(%q, %q, %v) = %v", c.pattern, c.name, c.fold, got)
		}
	}
}
