package gitcommit

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"path"
	"path/filepath"
	"strings"
	"sync"

	gogit "github.com/go-git/go-git/v5"
	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/object"
	"github.com/go-git/go-git/v5/storage"
)

// Repo commits accepted AI edits to the git repository holding a
// workspace, and undoes them. Its methods are safe for concurrent use;
// they run one at a time.
type Repo struct {
	root      string // the workspace root, absolute
	workTree  string // the repository's worktree root, absolute
	gitDir    string // the worktree's git directory: HEAD, index, logs/HEAD
	commonDir string // objects, refs, config; gitDir except in linked worktrees
	prefix    string // root relative to workTree, slash-separated; "" when equal

	mu    sync.Mutex        // one operation at a time: go-git is not safe for concurrent use
	repo  *gogit.Repository // reused while the packfiles stay the same
	packs string            // the packfiles when repo was opened (packFingerprint)

	// failpoint, when set by a test, is called at the named stage of a
	// commit or an undo ("ref": worktree and index written, ref not
	// moved yet); an error aborts the operation there.
	failpoint func(stage string) error
}

func (r *Repo) fail(stage string) error {
	if r.failpoint == nil {
		return nil
	}
	return r.failpoint(stage)
}

// Open finds the git repository holding root (root or an ancestor has
// .git, a directory or a "gitdir:" file). It fails with ErrNotGit when
// there is none or the repository is bare.
func Open(root string) (*Repo, error) {
	abs, err := filepath.Abs(root)
	if err != nil {
		return nil, fmt.Errorf("gitcommit: %w", err)
	}
	if real, err := filepath.EvalSymlinks(abs); err == nil {
		abs = real // git finds the repository from the real path, as getcwd gives it
	}
	if fi, err := os.Stat(abs); err != nil {
		return nil, fmt.Errorf("gitcommit: %w", err)
	} else if !fi.IsDir() {
		return nil, fmt.Errorf("gitcommit: %s is not a directory", abs)
	}
	repo, err := gogit.PlainOpenWithOptions(abs, &gogit.PlainOpenOptions{DetectDotGit: true, EnableDotGitCommonDir: true})
	if errors.Is(err, gogit.ErrRepositoryNotExists) {
		return nil, fmt.Errorf("%w: no .git in %s or any parent", ErrNotGit, abs)
	}
	if err != nil {
		return nil, fmt.Errorf("gitcommit: opening %s: %w", abs, err)
	}
	wt, err := repo.Worktree()
	if errors.Is(err, gogit.ErrIsBareRepository) {
		return nil, fmt.Errorf("%w: %s is in a bare repository", ErrNotGit, abs)
	}
	if err != nil {
		return nil, fmt.Errorf("gitcommit: %w", err)
	}
	r := &Repo{root: abs, workTree: filepath.Clean(wt.Filesystem.Root())}
	rel, err := filepath.Rel(r.workTree, abs)
	if err != nil || rel == ".." || strings.HasPrefix(rel, ".."+string(filepath.Separator)) {
		return nil, fmt.Errorf("gitcommit: %s is outside its worktree %s", abs, r.workTree)
	}
	if rel != "." {
		r.prefix = filepath.ToSlash(rel)
	}
	if r.gitDir, err = findGitDir(r.workTree); err != nil {
		return nil, err
	}
	r.commonDir = r.gitDir
	if data, err := os.ReadFile(filepath.Join(r.gitDir, "commondir")); err == nil {
		dir := strings.TrimSpace(string(data))
		if !filepath.IsAbs(dir) {
			dir = filepath.Join(r.gitDir, dir)
		}
		r.commonDir = filepath.Clean(dir)
	}
	return r, nil
}

// Root is the workspace root given to Open, made absolute.
func (r *Repo) Root() string { return r.root }

// WorkTree is the root of the git worktree holding the workspace.
func (r *Repo) WorkTree() string { return r.workTree }

// findGitDir resolves workTree/.git: a directory, or a file naming one.
func findGitDir(workTree string) (string, error) {
	dot := filepath.Join(workTree, ".git")
	fi, err := os.Stat(dot)
	if err != nil {
		return "", fmt.Errorf("%w: %v", ErrNotGit, err)
	}
	if fi.IsDir() {
		return dot, nil
	}
	data, err := os.ReadFile(dot)
	if err != nil {
		return "", fmt.Errorf("gitcommit: %w", err)
	}
	line, _, _ := bytes.Cut(data, []byte("\n"))
	dir, ok := bytes.CutPrefix(bytes.TrimSpace(line), []byte("gitdir:"))
	if !ok {
		return "", fmt.Errorf("%w: %s is not a gitdir file", ErrNotGit, dot)
	}
	d := string(bytes.TrimSpace(dir))
	if !filepath.IsAbs(d) {
		d = filepath.Join(workTree, d)
	}
	return filepath.Clean(d), nil
}

// repoPath turns a workspace-relative path into a worktree-relative one.
func (r *Repo) repoPath(p string) string {
	if r.prefix == "" {
		return p
	}
	return r.prefix + "/" + p
}

// wsPath turns a worktree-relative path into a workspace-relative one;
// paths outside the workspace start with "../".
func (r *Repo) wsPath(p string) string {
	if r.prefix == "" {
		return p
	}
	if rest, ok := strings.CutPrefix(p, r.prefix+"/"); ok {
		return rest
	}
	up := strings.Repeat("../", strings.Count(r.prefix, "/")+1)
	return path.Clean(up + p)
}

// session is one operation's view of the repository.
type session struct {
	r    *Repo
	repo *gogit.Repository
	st   storage.Storer
	cfg  *gitConfig

	trees map[plumbing.Hash]*object.Tree
}

// session starts an operation; r.mu is held. The go-git repository is
// kept between operations for its caches (the packfile indexes take
// milliseconds to load), and opened again when the packfiles change: go-git
// reads the list of packfiles once, and git gc or a fetch replaces them.
// The git config is read afresh every time.
func (r *Repo) session() (*session, error) {
	fp := packFingerprint(r.commonDir)
	if r.repo == nil || fp != r.packs {
		repo, err := gogit.PlainOpenWithOptions(r.workTree, &gogit.PlainOpenOptions{EnableDotGitCommonDir: true})
		if err != nil {
			return nil, fmt.Errorf("gitcommit: opening %s: %w", r.workTree, err)
		}
		r.repo, r.packs = repo, fp
	}
	cfg, err := loadConfig(r.commonDir, r.gitDir)
	if err != nil {
		return nil, err
	}
	return &session{r: r, repo: r.repo, st: r.repo.Storer, cfg: cfg, trees: map[plumbing.Hash]*object.Tree{}}, nil
}

// packFingerprint names the packfiles of the object store with their
// sizes and times, and the alternates.
func packFingerprint(commonDir string) string {
	var b strings.Builder
	ents, _ := os.ReadDir(filepath.Join(commonDir, "objects", "pack"))
	for _, e := range ents {
		if fi, err := e.Info(); err == nil {
			fmt.Fprintf(&b, "%s %d %d\n", e.Name(), fi.Size(), fi.ModTime().UnixNano())
		}
	}
	if alt, err := os.ReadFile(filepath.Join(commonDir, "objects", "info", "alternates")); err == nil {
		b.Write(alt)
	}
	return b.String()
}

// busy reports a merge, rebase, cherry-pick, revert or bisect in progress:
// an AI commit in the middle of one would mix with the user's work.
func (s *session) busy() error {
	for _, st := range [...]struct{ file, op string }{
		{"MERGE_HEAD", "merge"}, {"CHERRY_PICK_HEAD", "cherry-pick"}, {"REVERT_HEAD", "revert"},
		{"rebase-merge", "rebase"}, {"rebase-apply", "rebase or am"}, {"BISECT_LOG", "bisect"},
	} {
		if _, err := os.Lstat(filepath.Join(s.r.gitDir, st.file)); err == nil {
			return fmt.Errorf("%w: a %s is in progress (%s exists)", ErrBusy, st.op, st.file)
		}
	}
	return nil
}
