package govet

import (
	"go/parser"
	"go/token"
	"testing"

	"golang.org/x/tools/go/analysis"
)

func TestPositionAt(t *testing.T) {
	content := []byte("ab\ncdé\n\nx")
	tests := []struct {
		line, col int
		want      Position
	}{
		{1, 1, Position{0, 1, 1}},
		{1, 3, Position{2, 1, 3}},
		{2, 3, Position{5, 2, 3}},
		{2, 5, Position{7, 2, 5}}, // after the 2-byte é: columns count bytes
		{2, 99, Position{7, 2, 5}},
		{3, 1, Position{8, 3, 1}},
		{4, 2, Position{10, 4, 2}},
		{9, 1, Position{10, 4, 2}}, // past the end: EOF
		{0, 0, Position{0, 1, 1}},
	}
	for _, tt := range tests {
		if got := positionAt(content, tt.line, tt.col); got != tt.want {
			t.Errorf("positionAt(%d, %d) = %+v, want %+v", tt.line, tt.col, got, tt.want)
		}
	}
}

func TestParsePos(t *testing.T) {
	tests := []struct {
		in        string
		file      string
		line, col int
		ok        bool
	}{
		{"/a/b.go:3:14", "/a/b.go", 3, 14, true},
		{"a/b.go:3", "a/b.go", 3, 1, true},
		{"C:/x/b.go:3:4", "C:/x/b.go", 3, 4, true},
		{"", "", 0, 0, false},
		{"-", "", 0, 0, false},
		{"b.go", "", 0, 0, false},
		{":3:4", "", 0, 0, false},
	}
	for _, tt := range tests {
		file, line, col, ok := parsePos(tt.in)
		if file != tt.file || line != tt.line || col != tt.col || ok != tt.ok {
			t.Errorf("parsePos(%q) = %q %d %d %v", tt.in, file, line, col, ok)
		}
	}
}

func TestNormalizeEdits(t *testing.T) {
	fset := token.NewFileSet()
	src := "package p\n\nvar x = 1\n"
	f, err := parser.ParseFile(fset, "/p.go", src, 0)
	if err != nil {
		t.Fatal(err)
	}
	base := f.FileStart
	size := token.Pos(len(src))
	tests := []struct {
		name  string
		edits []analysis.TextEdit
		ok    bool
	}{
		{"insert", []analysis.TextEdit{{Pos: base + 1}}, true},
		{"two inserts at one point", []analysis.TextEdit{{Pos: base + 1}, {Pos: base + 1}}, true},
		{"adjacent", []analysis.TextEdit{{Pos: base + 2, End: base + 4}, {Pos: base, End: base + 2}}, true},
		{"to EOF", []analysis.TextEdit{{Pos: base, End: base + size}}, true},
		{"slightly past EOF is truncated", []analysis.TextEdit{{Pos: base, End: base + size + 2}}, true},
		{"overlap", []analysis.TextEdit{{Pos: base, End: base + 3}, {Pos: base + 2, End: base + 4}}, false},
		{"backwards", []analysis.TextEdit{{Pos: base + 3, End: base + 1}}, false},
		{"no pos", []analysis.TextEdit{{End: base + 1}}, false},
		{"far past EOF", []analysis.TextEdit{{Pos: base, End: base + size + 100}}, false},
	}
	for _, tt := range tests {
		out, err := normalizeEdits(fset, tt.edits)
		if (err == nil) != tt.ok {
			t.Errorf("%s: err = %v", tt.name, err)
			continue
		}
		for i, e := range out {
			if !e.End.IsValid() || e.End < e.Pos || e.End > base+size || (i > 0 && e.Pos < out[i-1].End) {
				t.Errorf("%s: bad normalized edit %+v", tt.name, e)
			}
		}
	}
}

func TestMergeFindings(t *testing.T) {
	fix := Fix{Message: "m", Edits: []Edit{{File: "/a.go", Start: 1, End: 2}}}
	a := Finding{Analyzer: "x", File: "/a.go", Start: Position{Offset: 5}, Message: "m", Fixes: []Fix{fix}}
	b := a
	b.Fixes = []Fix{fix, {Message: "other"}}
	c := Finding{Analyzer: "a", File: "/a.go", Start: Position{Offset: 5}, Message: "m"}
	d := Finding{Analyzer: "z", File: "/0.go", Start: Position{Offset: 9}, Message: "m"}
	got := mergeFindings([]Finding{a, c}, []Finding{b, d})
	if len(got) != 3 || got[0].File != "/0.go" || got[1].Analyzer != "a" || got[2].Analyzer != "x" {
		t.Fatalf("order: %v", got)
	}
	if len(got[2].Fixes) != 2 {
		t.Errorf("fixes not merged and de-duplicated: %+v", got[2].Fixes)
	}
	got[2].Fixes[0].Edits[0].Start = 99
	if a.Fixes[0].Edits[0].Start != 1 {
		t.Error("merged findings alias their inputs")
	}
}

func TestSeverityString(t *testing.T) {
	for s, want := range map[Severity]string{SeverityError: "error", SeverityWarning: "warning", SeverityInfo: "info", 0: "Severity(0)"} {
		if s.String() != want {
			t.Errorf("%d.String() = %q", int(s), s.String())
		}
	}
}
