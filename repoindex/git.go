package repoindex

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"sync"

	"github.com/go-git/go-billy/v5"
	"github.com/go-git/go-billy/v5/osfs"
	git "github.com/go-git/go-git/v5"
	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/cache"
	"github.com/go-git/go-git/v5/storage/filesystem"
	"github.com/go-git/go-git/v5/storage/filesystem/dotgit"
)

// gitRepo is the git repository that contains Root.
type gitRepo struct {
	workTree    string   // the repository's worktree root
	gitDir      string   // the worktree's git directory (HEAD, index, info/exclude)
	prefix      string   // Root relative to workTree, slash-separated; "" when equal
	prefixParts []string // prefix split at "/"

	mu      sync.Mutex // guards repo and storage: go-git is not safe for concurrent use
	repo    *git.Repository
	storage *filesystem.Storage
}

// discoverGit finds the repository containing root, as git does: the
// nearest ancestor (root included) holding a .git directory or a .git file
// ("gitdir: PATH", used by worktrees and submodules). It returns nil, nil
// for a folder outside any repository.
func discoverGit(root string) (*gitRepo, error) {
	for dir := root; ; {
		dot := filepath.Join(dir, ".git")
		fi, err := os.Stat(dot)
		switch {
		case err == nil && fi.IsDir():
			return openGit(dir, dot, root)
		case err == nil && fi.Mode().IsRegular():
			gitDir, err := readGitFile(dot)
			if err != nil {
				return nil, err
			}
			return openGit(dir, gitDir, root)
		case err != nil && !errors.Is(err, fs.ErrNotExist):
			return nil, fmt.Errorf("looking for a git repository: %w", err)
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return nil, nil
		}
		dir = parent
	}
}

// readGitFile resolves a .git file's "gitdir:" line.
func readGitFile(path string) (string, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return "", fmt.Errorf("reading %s: %w", path, err)
	}
	line, _, _ := bytes.Cut(data, []byte("\n"))
	rest, ok := bytes.CutPrefix(bytes.TrimSpace(line), []byte("gitdir:"))
	if !ok {
		return "", fmt.Errorf("%s: not a gitdir file", path)
	}
	dir := string(bytes.TrimSpace(rest))
	if !filepath.IsAbs(dir) {
		dir = filepath.Join(filepath.Dir(path), dir)
	}
	return filepath.Clean(dir), nil
}

func openGit(workTree, gitDir, root string) (*gitRepo, error) {
	// go-git's PlainOpen reopens the pack file for every object it reads
	// (100 ms for HEAD's tree on a 15,000-file repository); keeping the
	// descriptors open makes listing HEAD several times faster. Close
	// releases them.
	dot := osfs.New(gitDir)
	var repoFS billy.Filesystem = dot
	if data, err := os.ReadFile(filepath.Join(gitDir, "commondir")); err == nil {
		common := strings.TrimSpace(string(data))
		if !filepath.IsAbs(common) {
			common = filepath.Join(gitDir, common)
		}
		repoFS = dotgit.NewRepositoryFilesystem(dot, osfs.New(common))
	}
	st := filesystem.NewStorageWithOptions(repoFS, cache.NewObjectLRUDefault(), filesystem.Options{KeepDescriptors: true})
	repo, err := git.Open(st, osfs.New(workTree))
	if err != nil {
		st.Close()
		return nil, fmt.Errorf("opening the git repository at %s: %w", workTree, err)
	}
	rel, err := filepath.Rel(workTree, root)
	if err != nil {
		st.Close()
		return nil, fmt.Errorf("locating %s in %s: %w", root, workTree, err)
	}
	g := &gitRepo{workTree: workTree, gitDir: gitDir, repo: repo, storage: st}
	if rel != "." {
		g.prefix = filepath.ToSlash(rel)
		g.prefixParts = strings.Split(g.prefix, "/")
	}
	return g, nil
}

// close releases the pack files.
func (g *gitRepo) close() error {
	g.mu.Lock()
	defer g.mu.Unlock()
	return g.storage.Close()
}

// head returns the commit HEAD points to; the zero hash for an unborn
// branch.
func (g *gitRepo) head() (plumbing.Hash, error) {
	g.mu.Lock()
	defer g.mu.Unlock()
	ref, err := g.repo.Head()
	if errors.Is(err, plumbing.ErrReferenceNotFound) {
		return plumbing.ZeroHash, nil
	}
	if err != nil {
		return plumbing.ZeroHash, fmt.Errorf("resolving HEAD: %w", err)
	}
	return ref.Hash(), nil
}

// rel maps a path relative to the worktree to one relative to Root; ok is
// false for paths outside Root.
func (g *gitRepo) rel(name string) (string, bool) {
	if g.prefix == "" {
		return name, true
	}
	rest, ok := strings.CutPrefix(name, g.prefix+"/")
	return rest, ok && rest != ""
}
