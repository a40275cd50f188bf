package gitcommit

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/go-git/go-git/v5/plumbing"
)

// refLock holds git's lock on a ref (the file REF.lock, created
// exclusively) while it is moved: go-git rewrites ref files in place,
// which a crash can leave empty, so refs are moved as git moves them:
// write the lock file, then rename it over the ref.
type refLock struct {
	name plumbing.ReferenceName
	file string // the loose ref file
	lock *os.File
}

// refFile is where ref name lives: HEAD in the worktree's git directory,
// branches in the common one.
func (r *Repo) refFile(name plumbing.ReferenceName) string {
	if name == plumbing.HEAD {
		return filepath.Join(r.gitDir, "HEAD")
	}
	return filepath.Join(r.commonDir, filepath.FromSlash(string(name)))
}

// lockRef locks name and checks that it still points at want (the zero
// hash: that it does not exist).
func (s *session) lockRef(name plumbing.ReferenceName, want plumbing.Hash) (*refLock, error) {
	file := s.r.refFile(name)
	if err := os.MkdirAll(filepath.Dir(file), 0o777); err != nil {
		return nil, fmt.Errorf("gitcommit: %w", err)
	}
	lock, err := os.OpenFile(file+".lock", os.O_RDWR|os.O_CREATE|os.O_EXCL, 0o666)
	if errors.Is(err, fs.ErrExist) {
		return nil, fmt.Errorf("%w: %s.lock exists: another git process is running (remove the file if none is)", ErrBusy, file)
	}
	if err != nil {
		return nil, fmt.Errorf("gitcommit: locking %s: %w", name, err)
	}
	l := &refLock{name: name, file: file, lock: lock}
	var got plumbing.Hash
	ref, err := s.st.Reference(name)
	switch {
	case errors.Is(err, plumbing.ErrReferenceNotFound):
	case err != nil:
		l.release()
		return nil, fmt.Errorf("gitcommit: reading %s: %w", name, err)
	case ref.Type() != plumbing.HashReference:
		l.release()
		return nil, fmt.Errorf("%w: %s became a symbolic ref", ErrHeadMoved, name)
	default:
		got = ref.Hash()
	}
	if got != want {
		l.release()
		return nil, fmt.Errorf("%w: %s is at %s, not %s", ErrHeadMoved, name, got, want)
	}
	return l, nil
}

// set points the ref at h (the commit point).
func (l *refLock) set(h plumbing.Hash) error {
	_, err := l.lock.WriteString(h.String() + "\n")
	if cerr := l.lock.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(l.lock.Name(), l.file)
	}
	if err != nil {
		os.Remove(l.lock.Name())
		return fmt.Errorf("gitcommit: updating %s: %w", l.name, err)
	}
	l.lock = nil
	return nil
}

// remove deletes the ref (an undone root commit leaves the branch unborn).
func (s *session) removeRef(l *refLock) error {
	defer l.release()
	if err := s.st.RemoveReference(l.name); err != nil {
		return fmt.Errorf("gitcommit: removing %s: %w", l.name, err)
	}
	return nil
}

func (l *refLock) release() {
	if l.lock != nil {
		l.lock.Close()
		os.Remove(l.lock.Name())
		l.lock = nil
	}
}

// reflog appends to the reflogs of the refs moved (the branch, and HEAD),
// as git does, so that "git reflog" shows AI commits and undos, and an
// undone commit can be found again. Nothing is logged when
// core.logAllRefUpdates is false.
func (s *session) reflog(names []plumbing.ReferenceName, from, to plumbing.Hash, who identity, when time.Time, msg string) error {
	if on, err := s.cfg.boolean("core", "logAllRefUpdates", true); err != nil || !on {
		return err
	}
	line := fmt.Sprintf("%s %s %s <%s> %d %s\t%s\n", from, to, who.name, who.email, when.Unix(), when.Format("-0700"), oneLine(msg))
	for _, name := range names {
		dir := s.r.commonDir
		if name == plumbing.HEAD {
			dir = s.r.gitDir
		}
		file := filepath.Join(dir, "logs", filepath.FromSlash(string(name)))
		if err := os.MkdirAll(filepath.Dir(file), 0o777); err != nil {
			return fmt.Errorf("gitcommit: reflog: %w", err)
		}
		f, err := os.OpenFile(file, os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o666)
		if err != nil {
			return fmt.Errorf("gitcommit: reflog: %w", err)
		}
		_, err = f.WriteString(line)
		if cerr := f.Close(); err == nil {
			err = cerr
		}
		if err != nil {
			return fmt.Errorf("gitcommit: reflog: %w", err)
		}
	}
	return nil
}

// subject is a message's first line.
func subject(msg string) string {
	first, _, _ := strings.Cut(msg, "\n")
	return first
}
