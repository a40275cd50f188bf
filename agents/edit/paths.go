package edit

import (
	"path/filepath"
	"strings"
)

// resolvePath validates a path written in an answer (or Options.DefaultPath)
// and resolves it against opts.Root. It returns the resolved path and the
// cleaned path as written (slash-separated).
func resolvePath(raw string, opts Options) (resolved, clean string, err error) {
	bad := func(detail string) (string, string, error) {
		return "", "", &Error{Kind: BadPath, Path: raw, Detail: detail}
	}
	p := strings.TrimSpace(raw)
	if p == "" {
		return bad("the path is empty")
	}
	if strings.ContainsAny(p, "\x00\r\n") {
		return bad("the path contains control characters")
	}
	if strings.HasPrefix(p, "~") {
		return bad("the path starts with ~; write it relative to the workspace root")
	}
	p = filepath.Clean(filepath.FromSlash(p))
	var rel string
	if filepath.IsAbs(p) {
		if opts.Root == "" {
			rel = p
		} else {
			root := filepath.Clean(opts.Root)
			r, e := filepath.Rel(root, p)
			if e != nil || r == ".." || strings.HasPrefix(r, ".."+string(filepath.Separator)) {
				return bad("it is outside the workspace " + root)
			}
			rel = r
		}
	} else {
		rel = p
		if rel == ".." || strings.HasPrefix(rel, ".."+string(filepath.Separator)) {
			return bad("it escapes the workspace root")
		}
		if opts.Root != "" {
			p = filepath.Join(opts.Root, rel)
		}
	}
	if rel == "." || rel == string(filepath.Separator) {
		return bad("it names a directory, not a file")
	}
	for _, c := range strings.Split(filepath.ToSlash(rel), "/") {
		if strings.EqualFold(c, ".git") {
			return bad("files under .git must not be edited")
		}
	}
	return p, filepath.ToSlash(rel), nil
}

// pathSuffix reports whether the slash path short names the tail of long:
// "x.go" or "pkg/x.go" for "/ws/pkg/x.go".
func pathSuffix(long, short string) bool {
	long, short = filepath.ToSlash(long), filepath.ToSlash(short)
	if short == "" || strings.HasPrefix(short, "/") {
		return false
	}
	return long == short || strings.HasSuffix(long, "/"+short)
}
