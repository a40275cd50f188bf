package govet

import (
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"testing"
)

const selfAssignSrc = `package a

type T struct{ f int }

func F(x, y int, t *T) (int, int) {
	x = x
	x, y = x, y
	x, y = x, 2
	t.f = t.f
	return x, y
}
`

// TestMatchesGoVet compares findings, positions and fixes with `go vet -json`
// on the same module, then checks that every assign fix, applied to the
// analysed content, yields valid code without that finding.
func TestMatchesGoVet(t *testing.T) {
	dir := writeModule(t, map[string]string{"a/a.go": selfAssignSrc})
	file := filepath.Join(dir, "a", "a.go")
	e := newEngine(t, Options{Dir: dir})
	res := analyzeFiles(t, e, nil, file)
	checkPositions(t, res, nil)

	vet := goVetJSON(t, dir)
	if len(vet) == 0 {
		t.Fatal("go vet -json reported nothing")
	}
	var want, got []string
	for a, ds := range vet {
		for _, d := range ds {
			want = append(want, a+" "+d.Posn+" "+d.End+" "+d.Message+" "+vetFixes(d))
		}
	}
	for _, f := range res.Findings {
		got = append(got, f.Analyzer+" "+posString(f.File, f.Start)+" "+posString(f.File, f.End)+" "+f.Message+" "+ourFixes(f))
	}
	slices.Sort(want)
	slices.Sort(got)
	if !slices.Equal(got, want) {
		t.Fatalf("findings differ from go vet\n got: %q\nwant: %q", got, want)
	}

	assigns := byAnalyzer(res.Findings, "assign")
	if len(assigns) != 4 {
		t.Fatalf("want 4 assign findings, got %d: %v", len(assigns), res.Findings)
	}
	// Exact location of the plain `x = x`: line 6, column 2.
	if s := assigns[0].Start; s.Line != 6 || s.Column != 2 || s.Offset != strings.Index(selfAssignSrc, "x = x") {
		t.Errorf("x = x at %+v", s)
	}
	content := []byte(selfAssignSrc)
	for _, f := range assigns {
		if len(f.Fixes) != 1 {
			t.Fatalf("%s: want 1 fix, got %+v", f, f.Fixes)
		}
		fixed := applyEdits(t, content, f.Fixes[0].Edits)
		res2 := analyzeFiles(t, e, Overlay{file: fixed}, file)
		if errs := byAnalyzer(res2.Findings, CompilerAnalyzer); len(errs) > 0 {
			t.Fatalf("fix %q of %s gives invalid code %q: %v", f.Fixes[0].Message, f, fixed, errs)
		}
		for _, g := range byAnalyzer(res2.Findings, "assign") {
			if g.Message == f.Message && g.Start.Line == f.Start.Line {
				t.Errorf("finding %s survives its fix; fixed content:\n%s", f, fixed)
			}
		}
		if n := len(byAnalyzer(res2.Findings, "assign")); n != len(assigns)-1 {
			t.Errorf("after fixing %s: %d assign findings, want %d", f, n, len(assigns)-1)
		}
	}
	// All fixes together.
	var all []Edit
	for _, f := range assigns {
		all = append(all, f.Fixes[0].Edits...)
	}
	fixed := applyEdits(t, content, all)
	res3 := analyzeFiles(t, e, Overlay{file: fixed}, file)
	if len(res3.Findings) != 0 {
		t.Errorf("after all fixes: %v\n%s", res3.Findings, fixed)
	}
}

func vetFixes(d vetDiag) string {
	var b strings.Builder
	for _, fx := range d.SuggestedFixes {
		b.WriteString("[" + fx.Message)
		for _, e := range fx.Edits {
			b.WriteString(" " + e.Filename + ":" + itoa(e.Start) + "-" + itoa(e.End) + "=" + e.New)
		}
		b.WriteString("]")
	}
	return b.String()
}

func ourFixes(f Finding) string {
	var b strings.Builder
	for _, fx := range f.Fixes {
		b.WriteString("[" + fx.Message)
		for _, e := range fx.Edits {
			b.WriteString(" " + e.File + ":" + itoa(e.Start) + "-" + itoa(e.End) + "=" + e.NewText)
		}
		b.WriteString("]")
	}
	return b.String()
}

func itoa(i int) string { return strings.TrimSpace(strings.Repeat(" ", 0) + fmtInt(i)) }

func fmtInt(i int) string {
	if i == 0 {
		return "0"
	}
	neg := i < 0
	if neg {
		i = -i
	}
	var d []byte
	for i > 0 {
		d = append([]byte{byte('0' + i%10)}, d...)
		i /= 10
	}
	if neg {
		d = append([]byte{'-'}, d...)
	}
	return string(d)
}

func TestPrintf(t *testing.T) {
	dir := writeModule(t, map[string]string{
		"p/p.go": "package p\n\nimport (\n\t\"fmt\"\n\n\t\"example.com/m/q\"\n)\n\nfunc P() {\n\tfmt.Printf(\"%d\\n\", \"s\")\n\tq.Logf(\"%d\", \"s\")\n}\n",
		// q.Logf is a printf wrapper: the printf analyzer learns that from
		// a fact exported while analysing q as a dependency of p.
		"q/q.go": "package q\n\nimport \"fmt\"\n\nfunc Logf(format string, args ...any) { fmt.Printf(format, args...) }\n",
	})
	file := filepath.Join(dir, "p", "p.go")
	e := newEngine(t, Options{Dir: dir})
	// The editor's mode has no facts about dependencies: it finds the
	// direct misuse only.
	fast := analyzeFiles(t, e, nil, file)
	if got := byAnalyzer(fast.Findings, "printf"); len(got) != 1 || got[0].Start.Line != 10 {
		t.Fatalf("AnalyzeFiles: want the fmt.Printf finding, got %v", fast.Findings)
	}
	res := analyzePatterns(t, e, nil, "./p")
	checkPositions(t, res, nil)
	got := byAnalyzer(res.Findings, "printf")
	if len(got) != 2 {
		t.Fatalf("want 2 printf findings, got %v", res.Findings)
	}
	want := []string{
		file + `:10:14: fmt.Printf format %d has arg "s" of wrong type string (printf)`,
		file + `:11:10: example.com/m/q.Logf format %d has arg "s" of wrong type string (printf)`,
	}
	for i, f := range got {
		if f.String() != want[i] || f.Severity != SeverityWarning || f.URL == "" || f.End.Column != f.Start.Column+2 {
			t.Errorf("finding %d: %s %+v, want %s", i, f, f, want[i])
		}
	}
	// Same text as go vet.
	vet := goVetJSON(t, dir)["printf"]
	slices.SortFunc(vet, func(a, b vetDiag) int { return strings.Compare(a.Posn, b.Posn) })
	for i, v := range vet {
		if i >= len(got) || v.Posn != posString(file, got[i].Start) || v.End != posString(file, got[i].End) || v.Message != got[i].Message {
			t.Errorf("go vet printf %d: %+v, we have %+v", i, v, got)
		}
	}
	if len(vet) != 2 {
		t.Errorf("go vet printf: %+v", vet)
	}
}

func TestOverlayWinsOverDisk(t *testing.T) {
	clean := "package a\n\nfunc F(x int) int {\n\treturn x\n}\n"
	dirty := "package a\n\n// Shifted by a comment line.\nfunc F(x int) int {\n\tx = x\n\treturn x\n}\n"
	tests := []struct {
		name, disk, overlay string
		want                int
	}{
		{"clean disk, dirty overlay", clean, dirty, 1},
		{"dirty disk, clean overlay", dirty, clean, 0},
		{"dirty disk, no overlay", dirty, "", 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := writeModule(t, map[string]string{"a/a.go": tt.disk})
			file := filepath.Join(dir, "a", "a.go")
			var ov Overlay
			analysed := tt.disk
			if tt.overlay != "" {
				ov = Overlay{file: []byte(tt.overlay)}
				analysed = tt.overlay
			}
			e := newEngine(t, Options{Dir: dir})
			res := analyzeFiles(t, e, ov, file)
			checkPositions(t, res, ov)
			got := byAnalyzer(res.Findings, "assign")
			if len(got) != tt.want {
				t.Fatalf("got %v, want %d assign findings", res.Findings, tt.want)
			}
			if tt.want == 1 {
				f := got[0]
				if f.Start.Offset != strings.Index(analysed, "x = x") || f.Start.Line != 5 {
					t.Errorf("finding at %+v, not at x = x of the analysed content", f.Start)
				}
				fixed := applyEdits(t, []byte(analysed), f.Fixes[0].Edits)
				if strings.Contains(string(fixed), "x = x") {
					t.Errorf("fix did not remove the self-assignment:\n%s", fixed)
				}
			}
		})
	}
}

func TestTypeErrors(t *testing.T) {
	src := "package a\n\nfunc F() int {\n\tvar s int = \"x\"\n\treturn s\n\tprintln(\"dead\")\n}\n"
	dir := writeModule(t, map[string]string{"a/a.go": src})
	file := filepath.Join(dir, "a", "a.go")
	e := newEngine(t, Options{Dir: dir})
	res := analyzeFiles(t, e, nil, file)
	checkPositions(t, res, nil)
	errs := byAnalyzer(res.Findings, CompilerAnalyzer)
	// Two type errors: the bad initialiser and the missing return.
	if len(errs) != 2 || errs[1].Message != "missing return" {
		t.Fatalf("want 2 compiler findings, got %v", res.Findings)
	}
	f := errs[0]
	// go vet prints "vet: a/a.go:4:14: <message>" for the first type error.
	var vetLine string
	for _, l := range goVetText(t, dir) {
		if strings.HasPrefix(l, "vet: ") {
			vetLine = strings.TrimPrefix(l, "vet: ")
		}
	}
	if want := "a/a.go:4:14: " + f.Message; vetLine != want {
		t.Errorf("go vet says %q, we say %q", vetLine, want)
	}
	if f.Severity != SeverityError || f.File != file || f.Start.Line != 4 || f.Start.Column != 14 ||
		f.Start.Offset != strings.Index(src, `"x"`) || f.End.Offset != f.Start.Offset+3 {
		t.Errorf("compiler finding %+v", f)
	}
	// unreachable runs despite type errors.
	if u := byAnalyzer(res.Findings, "unreachable"); len(u) != 1 || u[0].Start.Line != 6 {
		t.Errorf("unreachable findings: %v", u)
	}
}

func TestErrorKinds(t *testing.T) {
	tests := []struct {
		name, src, analyzer string
		line                int
	}{
		{"parse error", "package a\n\nfunc F() {\n\tx := \n}\n", CompilerAnalyzer, 5},
		{"missing import", "package a\n\nimport _ \"example.com/m/nope\"\n", GoListAnalyzer, 3},
		{"invalid UTF-8", "package a\n\nvar s = \"\xff\"\n", CompilerAnalyzer, 3},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := writeModule(t, map[string]string{"a/a.go": "package a\n"})
			file := filepath.Join(dir, "a", "a.go")
			e := newEngine(t, Options{Dir: dir})
			ov := Overlay{file: []byte(tt.src)}
			res := analyzeFiles(t, e, ov, file)
			checkPositions(t, res, ov)
			found := false
			for _, f := range res.Findings {
				if f.Severity != SeverityError {
					continue
				}
				t.Logf("%s %+v", f, f.Start)
				if f.Start.Offset < 0 || f.Start.Offset > len(tt.src) || f.End.Offset < f.Start.Offset || f.End.Offset > len(tt.src) {
					t.Errorf("range %+v-%+v outside the file", f.Start, f.End)
				}
				if (tt.analyzer == "" || f.Analyzer == tt.analyzer) && f.File == file && f.Start.Line == tt.line {
					found = true
				}
			}
			if !found {
				t.Errorf("no %q error at line %d: %v", tt.analyzer, tt.line, res.Findings)
			}
		})
	}
}

func TestTestVariantsDeduplicated(t *testing.T) {
	dir := writeModule(t, map[string]string{
		"a/a.go":        "package a\n\nfunc F(x int) int {\n\tx = x\n\treturn x\n}\n",
		"a/a_test.go":   "package a\n\nfunc helper() int { return F(1) }\n",
		"a/ext_test.go": "package a_test\n\nimport \"example.com/m/a\"\n\nvar _ = a.F\n",
	})
	e := newEngine(t, Options{Dir: dir, Tests: true})
	res := analyzeFiles(t, e, nil, filepath.Join(dir, "a", "a.go"))
	want := []string{"example.com/m/a", "example.com/m/a [example.com/m/a.test]"}
	if !slices.Equal(res.Packages, want) {
		t.Errorf("packages %q, want %q", res.Packages, want)
	}
	if got := byAnalyzer(res.Findings, "assign"); len(got) != 1 || len(got[0].Fixes) != 1 {
		t.Errorf("want the finding exactly once with one fix, got %+v", got)
	}
	checkPositions(t, res, nil)

	// Without Tests, like go vet, no package compiles a test file.
	e2 := newEngine(t, Options{Dir: dir})
	testFile := filepath.Join(dir, "a", "a_test.go")
	for i, wantCounts := range []string{"analyzed=0 cached=0 shared=0 loads=1", "analyzed=0 cached=0 shared=0 loads=0"} {
		r := analyzeFiles(t, e2, nil, testFile)
		if len(r.Packages) != 0 || counts(r) != wantCounts || len(r.Findings) != 0 {
			t.Errorf("no Tests, call %d: %q %s %v", i, r.Packages, counts(r), r.Findings)
		}
	}

	res = analyzePatterns(t, e, nil, "./...")
	want = append(want, "example.com/m/a_test [example.com/m/a.test]")
	if !slices.Equal(res.Packages, want) || len(res.Findings) != 1 {
		t.Errorf("patterns: packages %q, findings %v", res.Packages, res.Findings)
	}
	if res.Cached != 0 || res.Analyzed != 3 {
		t.Errorf("patterns: %s, want all three variants analysed in full mode", counts(res))
	}
}

func TestAnalyzePatterns(t *testing.T) {
	dir := writeModule(t, map[string]string{
		"a/a.go": "package a\n\nfunc F(x int) int {\n\tx = x\n\treturn x\n}\n",
		"b/b.go": "package b\n\nfunc G(y int) int {\n\ty = y\n\treturn y\n}\n",
	})
	e := newEngine(t, Options{Dir: dir})
	res := analyzePatterns(t, e, nil, "./...")
	if want := []string{"example.com/m/a", "example.com/m/b"}; !slices.Equal(res.Packages, want) {
		t.Errorf("packages %q, want %q", res.Packages, want)
	}
	var got []string
	for _, f := range res.Findings {
		rel, _ := filepath.Rel(dir, f.File)
		got = append(got, filepath.ToSlash(rel)+":"+itoa(f.Start.Line)+":"+itoa(f.Start.Column)+" "+f.Message)
	}
	want := []string{"a/a.go:4:2 self-assignment of x", "b/b.go:4:2 self-assignment of y"}
	if !slices.Equal(got, want) {
		t.Errorf("findings %q, want %q", got, want)
	}
	if res.Analyzed != 2 || res.Cached != 0 {
		t.Errorf("%s", counts(res))
	}
	res = analyzePatterns(t, e, nil, "./b")
	if res.Cached != 1 || res.Analyzed != 0 || res.Loads != 1 || len(res.Findings) != 1 {
		t.Errorf("./b again: %s, %v", counts(res), res.Findings)
	}
}

// TestOverlayReadFile checks that analyzers reading files through
// Pass.ReadFile (asmdecl reads assembly files) see overlay content.
func TestOverlayReadFile(t *testing.T) {
	if runtime.GOARCH != "amd64" {
		t.Skip("assembly fixture is amd64")
	}
	asm := "#include \"textflag.h\"\n\nTEXT ·Add(SB),NOSPLIT,$0-24\n\tMOVQ x+0(FP), AX\n\tMOVQ y+8(FP), BX\n\tADDQ BX, AX\n\tMOVQ AX, ret+16(FP)\n\tRET\n"
	dir := writeModule(t, map[string]string{
		"a/a.go":        "package a\n\nfunc Add(x, y int64) int64\n",
		"a/add_amd64.s": asm,
	})
	sfile := filepath.Join(dir, "a", "add_amd64.s")
	e := newEngine(t, Options{Dir: dir})
	res := analyzeFiles(t, e, nil, filepath.Join(dir, "a", "a.go"))
	if len(res.Findings) != 0 {
		t.Fatalf("disk content: %v", res.Findings)
	}
	bad := strings.Replace(asm, "y+8(FP)", "z+8(FP)", 1)
	res = analyzeFiles(t, e, Overlay{sfile: []byte(bad)}, filepath.Join(dir, "a", "a.go"))
	got := byAnalyzer(res.Findings, "asmdecl")
	if len(got) != 1 || got[0].File != sfile || got[0].Start.Line != 5 || !strings.Contains(got[0].Message, "unknown variable z") {
		t.Fatalf("want an asmdecl finding at add_amd64.s:5, got %v", res.Findings)
	}
	checkPositions(t, res, Overlay{sfile: []byte(bad)})
}
