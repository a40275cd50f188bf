package syntax

import "testing"

func TestLangForPath(t *testing.T) {
	cases := map[string]Lang{
		"a/b/main.go":  LangGo,
		"X.GO":         LangGo,
		"s.py":         LangPython,
		"types.pyi":    LangPython,
		"app.js":       LangJavaScript,
		"m.mjs":        LangJavaScript,
		"c.cjs":        LangJavaScript,
		"v.jsx":        LangJavaScript,
		"t.ts":         LangTypeScript,
		"t.d.ts":       LangTypeScript,
		"t.mts":        LangTypeScript,
		"t.cts":        LangTypeScript,
		"c.tsx":        LangTSX,
		"README.md":    LangText,
		"Makefile":     LangText,
		"go.mod":       LangText,
		"archive.go.z": LangText,
		"":             LangText,
		".go":          LangGo,
	}
	for path, want := range cases {
		if got := LangForPath(path); got != want {
			t.Errorf("LangForPath(%q) = %q, want %q", path, got, want)
		}
	}
}
