package edit

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"slices"
)

// ParseAndApply is Parse followed by Apply.
func ParseAndApply(answer string, src Source, opts Options) ([]FileEdit, error) {
	p, err := Parse(answer, opts)
	if err != nil {
		return nil, err
	}
	return Apply(p, src)
}

// Apply locates every hunk and block of p in the current content read from
// src, in order (a later block for a file sees the effect of earlier ones),
// and returns the new content of every file that changes, in the order the
// answer first names them. It is all or nothing: when a hunk or block fails
// it goes on with the others, to report them all, and returns the *Error
// values joined (one alone is returned as is) and no edits. An error from
// src other than fs.ErrNotExist is returned wrapped, and is not an *Error.
// A nil src reads every file as missing.
func Apply(p *Parsed, src Source) ([]FileEdit, error) {
	if p == nil || len(p.Files) == 0 {
		return nil, &Error{Kind: NoEdit}
	}
	a := &applier{src: src, opts: p.opts, files: make(map[string]*fileState)}
	for i := range p.Files {
		if err := a.patch(&p.Files[i]); err != nil {
			return nil, err
		}
	}
	if len(a.errs) > 0 {
		for _, e := range a.errs {
			if e.Path != "" && e.shown == "" {
				e.shown = shownPath(e.Path, a.opts.Root)
			}
		}
		if len(a.errs) == 1 {
			return nil, a.errs[0]
		}
		errs := make([]error, len(a.errs))
		for i, e := range a.errs {
			errs[i] = e
		}
		return nil, errors.Join(errs...)
	}
	var edits []FileEdit
	for _, path := range a.order {
		st := a.files[path]
		switch {
		case !st.exists && st.existed:
			edits = append(edits, FileEdit{Path: path, Delete: true})
		case st.exists:
			b := st.t.bytes()
			if st.existed && bytes.Equal(b, st.orig) {
				continue
			}
			edits = append(edits, FileEdit{Path: path, Content: b, Created: !st.existed})
		}
	}
	if len(edits) == 0 {
		return nil, &Error{Kind: NoEdit, Detail: "the edit leaves every file as it was (the new text equals the old)"}
	}
	return edits, nil
}

// fileState is one file while an answer is applied.
type fileState struct {
	path    string
	orig    []byte
	existed bool // before the answer
	exists  bool // now
	t       text
	eol     string
	hashes  [nLevels][]uint64
}

func (st *fileState) setContent(t text) {
	st.t = t
	st.exists = true
	st.hashes = [nLevels][]uint64{}
}

// splice replaces n lines at pos.
func (st *fileState) splice(pos, n int, lines, terms []string) {
	st.t.lines = slices.Replace(st.t.lines, pos, pos+n, lines...)
	st.t.terms = slices.Replace(st.t.terms, pos, pos+n, terms...)
	for lv := range st.hashes {
		if st.hashes[lv] != nil {
			st.hashes[lv] = slices.Replace(st.hashes[lv], pos, pos+n, hashLines(lines, lv)...)
		}
	}
}

type applier struct {
	src    Source
	opts   Options
	files  map[string]*fileState
	order  []string
	errs   []*Error
	hunks  int // hunks seen, for messages
	blocks int // blocks seen, for messages
}

func (a *applier) fail(e *Error) { a.errs = append(a.errs, e) }

// load returns the state of path, reading it on first use.
func (a *applier) load(path string) (*fileState, error) {
	if st, ok := a.files[path]; ok {
		return st, nil
	}
	st := &fileState{path: path}
	var b []byte
	var err error
	if a.src != nil {
		b, err = a.src.Read(path)
	} else {
		err = fs.ErrNotExist
	}
	switch {
	case err == nil:
		if isBinary(b) {
			return nil, &Error{Kind: BadPath, Path: path, Detail: "it is a binary file"}
		}
		st.orig, st.existed, st.exists = b, true, true
		st.t = splitText(b)
	case errors.Is(err, fs.ErrNotExist):
	default:
		return nil, fmt.Errorf("edit: reading %s: %w", path, err)
	}
	st.eol = st.t.eol()
	a.files[path] = st
	a.order = append(a.order, path)
	return st, nil
}

// needsContent reports whether fp edits existing text.
func needsContent(fp *FilePatch) bool {
	for _, h := range fp.Hunks {
		for _, l := range h.Lines {
			if l.Op != OpInsert {
				return true
			}
		}
	}
	for _, b := range fp.Blocks {
		if len(b.Search) > 0 {
			return true
		}
	}
	return fp.Delete || fp.Rename
}

// resolve picks the file fp edits: its path, else the diff's old name,
// else Options.DefaultPath when that ends with the path the model wrote.
func (a *applier) resolve(fp *FilePatch) (*fileState, error) {
	if fp.Rename {
		return a.load(fp.OldPath)
	}
	st, err := a.load(fp.Path)
	if err != nil || st.exists || fp.Create || !needsContent(fp) {
		return st, err
	}
	if fp.OldPath != "" {
		if old, err := a.load(fp.OldPath); err != nil || old.exists {
			return old, err
		}
	}
	if a.opts.DefaultPath != "" && fp.raw != "" {
		def, _, err := resolvePath(a.opts.DefaultPath, a.opts)
		if err == nil && def != fp.Path && pathSuffix(def, fp.raw) {
			if d, err := a.load(def); err != nil || d.exists {
				return d, err
			}
		}
	}
	return st, nil
}

// patch applies one FilePatch; failures of the answer are recorded with
// fail, other errors returned.
func (a *applier) patch(fp *FilePatch) error {
	st, err := a.resolve(fp)
	if err != nil {
		var e *Error
		if errors.As(err, &e) {
			a.fail(e)
			return nil
		}
		return err
	}
	switch {
	case fp.Delete:
		if !st.exists {
			a.fail(&Error{Kind: BadPath, Path: st.path, Detail: "it does not exist, so it cannot be deleted"})
			return nil
		}
		st.exists = false
		return nil
	case fp.Create:
		a.create(st, fp)
	case fp.Format == FormatWholeFile:
		a.whole(st, fp)
	case fp.Format == FormatSearchReplace:
		for _, b := range fp.Blocks {
			a.block(st, b)
		}
	default:
		drift := 0
		for _, h := range fp.Hunks {
			drift = a.hunk(st, h, drift)
		}
	}
	if fp.Rename {
		dst, err := a.load(fp.Path)
		if err != nil {
			return err
		}
		if dst.exists {
			a.fail(&Error{Kind: BadPath, Path: dst.path, Detail: "it already exists, so the file cannot be renamed to it"})
			return nil
		}
		if !st.exists {
			a.fail(&Error{Kind: BadPath, Path: st.path, Detail: "it does not exist, so it cannot be renamed"})
			return nil
		}
		dst.setContent(st.t)
		dst.eol = st.eol
		st.exists = false
	}
	return nil
}
