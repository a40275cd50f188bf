package syntax

import (
	"path/filepath"
	"strings"
)

// Lang names a language that Parse understands.
type Lang string

// The languages Parse understands. LangText is everything else: no syntax
// analysis, line chunks only.
const (
	LangGo         Lang = "go"
	LangPython     Lang = "python"
	LangJavaScript Lang = "javascript"
	LangTypeScript Lang = "typescript"
	LangTSX        Lang = "tsx"
	LangText       Lang = "text"
)

// LangForPath returns the language of path, decided by its extension
// (case-insensitive): .go; .py and .pyi; .js, .mjs, .cjs and .jsx; .ts, .mts
// and .cts; .tsx. Every other path is LangText.
func LangForPath(path string) Lang {
	switch strings.ToLower(filepath.Ext(path)) {
	case ".go":
		return LangGo
	case ".py", ".pyi":
		return LangPython
	case ".js", ".mjs", ".cjs", ".jsx":
		return LangJavaScript
	case ".ts", ".mts", ".cts":
		return LangTypeScript
	case ".tsx":
		return LangTSX
	}
	return LangText
}
