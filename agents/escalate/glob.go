package escalate

import (
	"path"
	"strings"
)

// Match reports whether the file path name matches the glob pattern.
//
// Patterns are slash-separated. Within a segment, * matches any run of
// characters, ? one character and [...] a class, as in path.Match; a
// segment ** matches any number of segments (a trailing ** at least one).
// Matching ignores case. A pattern starting with / is anchored at the root
// and only matches relative paths; any other pattern matches at any depth,
// like a .gitignore pattern: "go.mod" matches "sub/go.mod" and
// ".github/workflows/**" matches "/ws/.github/workflows/ci.yml". A
// malformed pattern matches nothing.
func Match(pattern, name string) bool {
	pattern = strings.ToLower(strings.TrimSpace(pattern))
	segs := splitPath(strings.ToLower(name))
	if pattern == "" || len(segs) == 0 {
		return false
	}
	if strings.HasPrefix(pattern, "/") {
		if strings.HasPrefix(strings.ReplaceAll(name, `\`, "/"), "/") {
			return false
		}
		return matchSegs(strings.Split(strings.Trim(pattern, "/"), "/"), segs)
	}
	pat := strings.Split(strings.Trim(pattern, "/"), "/")
	for i := range segs {
		if matchSegs(pat, segs[i:]) {
			return true
		}
	}
	return false
}

// splitPath cleans name into its segments: slashes normalised, "." and
// empty segments dropped, ".." resolved where possible.
func splitPath(name string) []string {
	name = path.Clean(strings.ReplaceAll(name, `\`, "/"))
	var segs []string
	for _, s := range strings.Split(name, "/") {
		if s != "" && s != "." {
			segs = append(segs, s)
		}
	}
	return segs
}

func matchSegs(pat, segs []string) bool {
	for len(pat) > 0 {
		if pat[0] == "**" {
			for len(pat) > 0 && pat[0] == "**" {
				pat = pat[1:]
			}
			if len(pat) == 0 {
				return len(segs) > 0
			}
			for i := 0; i <= len(segs); i++ {
				if matchSegs(pat, segs[i:]) {
					return true
				}
			}
			return false
		}
		if len(segs) == 0 {
			return false
		}
		if ok, err := path.Match(pat[0], segs[0]); err != nil || !ok {
			return false
		}
		pat, segs = pat[1:], segs[1:]
	}
	return len(segs) == 0
}

// validPattern reports whether every segment of pattern is a well-formed
// path.Match pattern.
func validPattern(pattern string) bool {
	if strings.TrimSpace(pattern) == "" {
		return false
	}
	for _, s := range strings.Split(pattern, "/") {
		if _, err := path.Match(s, ""); err != nil {
			return false
		}
	}
	return true
}
