package memory

import (
	"path"
	"strings"
)

// importCandidates returns, for one import of the file p, the exact paths
// and the path suffixes it may name, and for a Go-style import path its
// package and directory suffixes (of at least two elements).
func importCandidates(p, lang, imp string) (exact, suffixes, pkgs, dirs []string) {
	if imp == "" {
		return nil, nil, nil, nil
	}
	dir := path.Dir(p)
	switch lang {
	case "python":
		n := len(imp) - len(strings.TrimLeft(imp, "."))
		rest := strings.ReplaceAll(imp[n:], ".", "/")
		if n == 0 {
			return nil, []string{rest + ".py", rest + "/__init__.py"}, nil, nil
		}
		base := dir
		for range n - 1 {
			base = path.Dir(base)
		}
		if rest == "" {
			return []string{path.Join(base, "__init__.py")}, nil, nil, nil
		}
		j := path.Join(base, rest)
		return []string{j + ".py", path.Join(j, "__init__.py")}, nil, nil, nil
	case "javascript", "typescript":
		if !strings.HasPrefix(imp, "./") && !strings.HasPrefix(imp, "../") {
			return nil, nil, nil, nil
		}
		j := path.Join(dir, imp)
		exact = append(exact, j)
		for _, e := range jsExts {
			exact = append(exact, j+e)
		}
		for _, e := range jsExts {
			exact = append(exact, path.Join(j, "index"+e))
		}
		return exact, nil, nil, nil
	}
	pkgs = []string{imp}
	parts := strings.Split(imp, "/")
	for i := 0; i+2 <= len(parts); i++ {
		dirs = append(dirs, strings.Join(parts[i:], "/"))
	}
	return nil, nil, pkgs, dirs
}

// importName returns the names a file uses to qualify what it imported
// through imp: a Go package's last element (skipping a /vN suffix), a
// Python module's dotted path and its last element, a JavaScript module's
// base name.
func importName(lang, imp string) []string {
	switch lang {
	case "python":
		trimmed := strings.TrimLeft(imp, ".")
		if i := strings.LastIndexByte(trimmed, '.'); i >= 0 {
			return []string{trimmed, trimmed[i+1:]}
		}
		return []string{trimmed}
	case "javascript", "typescript":
		base := path.Base(imp)
		return []string{strings.TrimSuffix(base, path.Ext(base))}
	}
	parts := strings.Split(imp, "/")
	last := parts[len(parts)-1]
	if len(parts) > 1 && len(last) > 1 && last[0] == 'v' && strings.Trim(last[1:], "0123456789") == "" {
		last = parts[len(parts)-2]
	}
	if i := strings.IndexByte(last, '.'); i > 0 {
		last = last[:i] // gopkg.in/yaml.v3
	}
	return []string{strings.ReplaceAll(last, "-", "_")}
}
