package memory

import (
	"path"
	"strings"
)

// IsTestFile reports whether p names a test file: Go's x_test.go,
// Python's test_x.py, x_test.py and conftest.py, JavaScript's and
// TypeScript's x.test.ts, x.spec.js and anything under __tests__/.
func IsTestFile(p string) bool {
	base := path.Base(p)
	switch ext := path.Ext(base); ext {
	case ".go":
		return strings.HasSuffix(base, "_test.go")
	case ".py":
		return strings.HasPrefix(base, "test_") || strings.HasSuffix(base, "_test.py") || base == "conftest.py"
	case ".js", ".jsx", ".ts", ".tsx", ".mjs", ".cjs", ".mts", ".cts":
		stem := strings.TrimSuffix(base, ext)
		return strings.HasSuffix(stem, ".test") || strings.HasSuffix(stem, ".spec") ||
			strings.Contains("/"+p, "/__tests__/")
	}
	return false
}

var jsExts = []string{".ts", ".tsx", ".js", ".jsx", ".mjs", ".cjs", ".mts", ".cts"}

// testTargets returns where the file under test of the test file p may
// be: exact workspace paths (tried in order, the first that exists wins),
// then path suffixes to look for anywhere (the closest wins), and for Go
// whether the test covers its whole package directory.
func testTargets(p string) (exact, suffixes []string, pkgDir bool) {
	dir, base := path.Dir(p), path.Base(p)
	ext := path.Ext(base)
	stem := strings.TrimSuffix(base, ext)
	switch ext {
	case ".go":
		return []string{path.Join(dir, strings.TrimSuffix(stem, "_test")+".go")}, nil, true
	case ".py":
		name := strings.TrimSuffix(strings.TrimPrefix(stem, "test_"), "_test")
		if name == "" || base == "conftest.py" {
			return nil, nil, false
		}
		f := name + ".py"
		return []string{path.Join(dir, f), path.Join(path.Dir(dir), f)}, []string{f}, false
	}
	for _, suf := range []string{".test", ".spec"} {
		stem = strings.TrimSuffix(stem, suf)
	}
	parent := dir
	if path.Base(dir) == "__tests__" {
		parent = path.Dir(dir)
	}
	for _, e := range jsExts {
		exact = append(exact, path.Join(dir, stem+e))
		if parent != dir {
			exact = append(exact, path.Join(parent, stem+e))
		}
		suffixes = append(suffixes, stem+e)
	}
	return exact, suffixes, false
}

// testedSymbols returns the (container, name) pairs a test function's
// name points at: Go's TestServer_Close → (Server, Close) and
// ("", Server_Close); TestParse → ("", Parse); Python's test_parse_url →
// ("", parse_url); TestParser (a class) → ("", Parser).
func testedSymbols(name string) [][2]string {
	for _, prefix := range []string{"Test", "Benchmark", "Fuzz", "Example", "test_"} {
		rest, ok := strings.CutPrefix(name, prefix)
		if !ok || rest == "" {
			continue
		}
		rest = strings.TrimPrefix(rest, "_")
		if rest == "" {
			return nil
		}
		out := [][2]string{{"", rest}}
		if prefix != "test_" {
			if c, n, ok := strings.Cut(rest, "_"); ok && c != "" && n != "" {
				out = append(out, [2]string{c, n}, [2]string{"", c})
			}
		}
		return out
	}
	return nil
}
