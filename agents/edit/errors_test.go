package edit

import (
	"errors"
	"strings"
	"testing"
)

func TestErrors(t *testing.T) {
	twice := "package x\n\nfunc a() {\n\tlog()\n\treturn\n}\n\nfunc b() {\n\tlog()\n\treturn\n}\n"
	tests := []struct {
		name     string
		answer   string
		src      mapSource
		opts     Options
		kind     ErrorKind
		path     string
		feedback []string // substrings of RetryPrompt
	}{
		{"prose only", "I think the function is fine as it is.", mapSource{}, Options{}, NoEdit, "",
			[]string{"no edit", "SEARCH/REPLACE"}},
		{"code block without whole-file permission", "```go\npackage x\n```\n", mapSource{}, Options{DefaultPath: "x.go"}, NoEdit, "",
			[]string{"code block"}},
		{"no change", "x.go\n<<<<<<< SEARCH\n\treturn\n=======\n\treturn\n>>>>>>> REPLACE\n", mapSource{"x.go": twice}, Options{}, Ambiguous, "x.go", nil},
		{"no change unique", "x.go\n<<<<<<< SEARCH\npackage x\n=======\npackage x\n>>>>>>> REPLACE\n", mapSource{"x.go": twice}, Options{}, NoEdit, "",
			[]string{"leaves every file as it was"}},
		{"ambiguous SEARCH", "x.go\n<<<<<<< SEARCH\n\tlog()\n\treturn\n=======\n\treturn\n>>>>>>> REPLACE\n", mapSource{"x.go": twice}, Options{}, Ambiguous, "x.go",
			[]string{"matches 2 places (lines 4, 9)", "more of the surrounding lines"}},
		{"ambiguous hunk without numbers", "--- a/x.go\n+++ b/x.go\n@@ @@\n \tlog()\n-\treturn\n+\treturn // done\n", mapSource{"x.go": twice}, Options{}, Ambiguous, "x.go",
			[]string{"hunk 1", "lines 4, 9"}},
		{"ambiguous tie with numbers", "--- a/x.go\n+++ b/x.go\n@@ -5,2 +5,2 @@\n \tlog()\n-\treturn\n+\treturn // done\n", mapSource{"x.go": "\tlog()\n\treturn\n\n\n\n\n\n\n\tlog()\n\treturn\n"}, Options{}, Ambiguous, "x.go", nil},
		{"no match", "x.go\n<<<<<<< SEARCH\nfunc b() {\n\tprintln()\n\treturn\n}\n=======\nfunc b() {}\n>>>>>>> REPLACE\n", mapSource{"x.go": twice}, Options{}, NoMatch, "x.go",
			[]string{"SEARCH/REPLACE block 1", "did not match", "closest lines in x.go", "     8 | func b() {", `your line 2 "\tprintln()" differs from line 9 of the file, "\tlog()"`, "Copy the lines"}},
		{"no match at all", "x.go\n<<<<<<< SEARCH\nnothing like it\n=======\nx\n>>>>>>> REPLACE\n", mapSource{"x.go": twice}, Options{}, NoMatch, "x.go",
			[]string{"None of its lines occur in x.go"}},
		{"no match relative to root", "x.go\n<<<<<<< SEARCH\nnothing like it\n=======\nx\n>>>>>>> REPLACE\n", mapSource{"/ws/x.go": twice}, Options{Root: "/ws"}, NoMatch, "/ws/x.go",
			[]string{"for x.go did not match"}},
		{"escapes root", "../etc/passwd\n<<<<<<< SEARCH\n=======\nx\n>>>>>>> REPLACE\n", mapSource{}, Options{Root: "/ws"}, BadPath, "../etc/passwd",
			[]string{"escapes the workspace root"}},
		{"escapes root via clean", "--- a/x/../../y.go\n+++ b/x/../../y.go\n@@ -1 +1 @@\n-a\n+b\n", mapSource{}, Options{Root: "/ws"}, BadPath, "", nil},
		{"absolute outside root", "/etc/passwd\n<<<<<<< SEARCH\n=======\nx\n>>>>>>> REPLACE\n", mapSource{}, Options{Root: "/ws"}, BadPath, "/etc/passwd",
			[]string{"outside the workspace"}},
		{"under .git", ".git/config\n<<<<<<< SEARCH\n=======\nx\n>>>>>>> REPLACE\n", mapSource{}, Options{}, BadPath, ".git/config",
			[]string{".git"}},
		{"under nested .git", "--- a/sub/.git/hooks/pre-commit\n+++ b/sub/.git/hooks/pre-commit\n@@ -1 +1 @@\n-a\n+b\n", mapSource{}, Options{}, BadPath, "", nil},
		{"default path under .git", "```go\n<<<<<<< SEARCH\n=======\nx\n>>>>>>> REPLACE\n```", mapSource{}, Options{DefaultPath: ".git/HEAD"}, BadPath, "", nil},
		{"missing file for SEARCH", "y.go\n<<<<<<< SEARCH\nfoo\n=======\nbar\n>>>>>>> REPLACE\n", mapSource{}, Options{}, BadPath, "y.go",
			[]string{"leave the SEARCH section empty"}},
		{"missing file for hunk", "--- a/y.go\n+++ b/y.go\n@@ -1 +1 @@\n-foo\n+bar\n", mapSource{}, Options{}, BadPath, "y.go",
			[]string{"from /dev/null"}},
		{"create over existing", "--- /dev/null\n+++ b/x.go\n@@ -0,0 +1 @@\n+package y\n", mapSource{"x.go": twice}, Options{}, BadPath, "x.go",
			[]string{"already exists"}},
		{"delete missing", "--- a/y.go\n+++ /dev/null\n@@ -1 +0,0 @@\n-a\n", mapSource{}, Options{}, BadPath, "y.go", nil},
		{"binary file", "x.bin\n<<<<<<< SEARCH\na\n=======\nb\n>>>>>>> REPLACE\n", mapSource{"x.bin": "a\x00b"}, Options{}, BadPath, "x.bin",
			[]string{"binary"}},
		{"binary answer", "x.go\n<<<<<<< SEARCH\na\x00\n=======\nb\n>>>>>>> REPLACE\n", mapSource{}, Options{}, Malformed, "", []string{"binary"}},
		{"missing REPLACE marker", "x.go\n<<<<<<< SEARCH\na\n=======\nb\n", mapSource{}, Options{}, Malformed, "",
			[]string{"no >>>>>>> REPLACE line", "cut off"}},
		{"missing divider", "x.go\n<<<<<<< SEARCH\na\nb\n>>>>>>> REPLACE\n", mapSource{}, Options{}, Malformed, "",
			[]string{"no ======= line"}},
		{"REPLACE without SEARCH", "x.go\n=======\nb\n>>>>>>> REPLACE\n", mapSource{}, Options{}, Malformed, "", nil},
		{"no file name", "<<<<<<< SEARCH\na\n=======\nb\n>>>>>>> REPLACE\n", mapSource{}, Options{}, Malformed, "",
			[]string{"names no file"}},
		{"hunk without file", "@@ -1 +1 @@\n-a\n+b\n", mapSource{}, Options{}, Malformed, "", []string{"--- a/path"}},
		{"insertion without anchor", "--- a/x.go\n+++ b/x.go\n@@ @@\n+// hello\n", mapSource{"x.go": twice}, Options{}, Malformed, "x.go",
			[]string{"says neither where"}},
		{"lazy REPLACE", "x.go\n<<<<<<< SEARCH\nfunc a() {\n\tlog()\n=======\nfunc a() {\n\t// ... existing code ...\n>>>>>>> REPLACE\n", mapSource{"x.go": twice}, Options{}, Malformed, "x.go",
			[]string{"elides code"}},
		{"lazy whole file", "```go\npackage x\n\n// ... rest of the file unchanged ...\n```\n", mapSource{"x.go": twice}, Options{DefaultPath: "x.go", AllowWholeFile: true}, Malformed, "x.go",
			[]string{"elides code", "complete file"}},
		{"unclosed whole-file block", "```go\npackage x\n", mapSource{}, Options{DefaultPath: "x.go", AllowWholeFile: true}, Malformed, "",
			[]string{"not closed"}},
		{"several unnamed code blocks", "```go\npackage x\n```\n```go\npackage y\n```\n", mapSource{}, Options{DefaultPath: "x.go", AllowWholeFile: true}, Malformed, "",
			[]string{"2 code blocks"}},
		{"binary patch", "diff --git a/x.png b/x.png\nBinary files a/x.png and b/x.png differ\n", mapSource{}, Options{}, Malformed, "", nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			edits, err := ParseAndApply(tc.answer, tc.src, tc.opts)
			if err == nil {
				t.Fatalf("no error; edits %+v", edits)
			}
			if edits != nil {
				t.Errorf("edits returned with an error: %+v", edits)
			}
			var e *Error
			if !errors.As(err, &e) {
				t.Fatalf("err %v is not an *Error", err)
			}
			if e.Kind != tc.kind {
				t.Errorf("kind = %v (%v), want %v", e.Kind, err, tc.kind)
			}
			if !errors.Is(err, &Error{Kind: tc.kind}) {
				t.Errorf("errors.Is(err, sentinel %v) = false", tc.kind)
			}
			if tc.path != "" && e.Path != tc.path {
				t.Errorf("path = %q, want %q", e.Path, tc.path)
			}
			prompt := RetryPrompt(err)
			for _, s := range tc.feedback {
				if !strings.Contains(prompt, s) {
					t.Errorf("retry prompt lacks %q:\n%s", s, prompt)
				}
			}
		})
	}
}

func TestSentinels(t *testing.T) {
	e := &Error{Kind: NoMatch, Path: "x.go", Detail: "d"}
	for _, s := range []*Error{ErrNoEdit, ErrMalformed, ErrNoMatch, ErrAmbiguous, ErrBadPath} {
		if got, want := errors.Is(e, s), s.Kind == NoMatch; got != want {
			t.Errorf("errors.Is(NoMatch error, %v) = %v", s, got)
		}
	}
	if errors.Is(ErrNoMatch, e) {
		t.Error("a sentinel matches a specific error")
	}
	if got := e.Error(); got != "edit: no match: x.go: d" {
		t.Errorf("Error() = %q", got)
	}
}

// Several failing blocks are all reported, joined, and nothing is applied.
func TestJoinedErrors(t *testing.T) {
	answer := "x.go\n<<<<<<< SEARCH\nmissing one\n=======\nx\n>>>>>>> REPLACE\n\nx.go\n<<<<<<< SEARCH\npackage x\n=======\npackage y\n>>>>>>> REPLACE\n\ny.go\n<<<<<<< SEARCH\nmissing two\n=======\ny\n>>>>>>> REPLACE\n"
	edits, err := ParseAndApply(answer, mapSource{"x.go": "package x\n", "y.go": "package y\n"}, Options{})
	if err == nil || edits != nil {
		t.Fatalf("edits %v err %v", edits, err)
	}
	if !errors.Is(err, ErrNoMatch) {
		t.Errorf("errors.Is(err, ErrNoMatch) = false for %v", err)
	}
	p := RetryPrompt(err)
	for _, s := range []string{"SEARCH/REPLACE block 1", "SEARCH/REPLACE block 3", "for x.go", "for y.go", "no file was changed", "all files and all blocks"} {
		if !strings.Contains(p, s) {
			t.Errorf("prompt lacks %q:\n%s", s, p)
		}
	}
	if strings.Contains(p, "block 2") {
		t.Errorf("prompt reports the block that applied:\n%s", p)
	}
}

func TestRetryPromptNil(t *testing.T) {
	if RetryPrompt(nil) != "" {
		t.Error("RetryPrompt(nil) != \"\"")
	}
}

func TestPaths(t *testing.T) {
	tests := []struct {
		raw, root, want string
		ok              bool
	}{
		{"x.go", "", "x.go", true},
		{"./a/../x.go", "", "x.go", true},
		{"a/b.go", "/ws", "/ws/a/b.go", true},
		{"/ws/a/b.go", "/ws", "/ws/a/b.go", true},
		{"/ws2/a.go", "/ws", "", false},
		{"../a.go", "/ws", "", false},
		{"..", "", "", false},
		{".", "", "", false},
		{"/ws", "/ws", "", false},
		{".git/config", "", "", false},
		{"a/.GIT/x", "", "", false},
		{".github/workflows/ci.yml", "", ".github/workflows/ci.yml", true},
		{".gitignore", "", ".gitignore", true},
		{"~/.bashrc", "", "", false},
		{"a\x00b", "", "", false},
		{"", "", "", false},
	}
	for _, tc := range tests {
		got, _, err := resolvePath(tc.raw, Options{Root: tc.root})
		if (err == nil) != tc.ok || got != tc.want {
			t.Errorf("resolvePath(%q, root %q) = %q, %v; want %q ok=%v", tc.raw, tc.root, got, err, tc.want, tc.ok)
		}
		if err != nil && !errors.Is(err, ErrBadPath) {
			t.Errorf("resolvePath(%q) error %v is not BadPath", tc.raw, err)
		}
	}
}

func TestFilenameLines(t *testing.T) {
	tests := []struct {
		line, want string
	}{
		{"path/to/file.go", "path/to/file.go"},
		{"`path/to/file.go`", "path/to/file.go"},
		{"**file.go**", "file.go"},
		{"# file.go", "file.go"},
		{"File: file.go", "file.go"},
		{"file.go:", "file.go"},
		{"Makefile", "Makefile"},
		{"Here is the change:", ""},
		{"Done.", ""},
		{"```go", ""},
		{"fix", ""},
		{"https://example.com/x.go", ""},
	}
	for _, tc := range tests {
		got, _ := cleanFilename(tc.line, "")
		if got != tc.want {
			t.Errorf("cleanFilename(%q) = %q, want %q", tc.line, got, tc.want)
		}
	}
}

func TestIsLazy(t *testing.T) {
	for _, l := range []string{"// ... existing code ...", "    # ... rest of the file unchanged", "/* ... */", "...", "<!-- ... remaining sections ... -->", "// …existing code…"} {
		if !isLazy(l) {
			t.Errorf("isLazy(%q) = false", l)
		}
	}
	for _, l := range []string{"// existing behaviour is kept", "x := y[1:]...", "fmt.Println(\"...\")", "// TODO: handle more cases"} {
		if isLazy(l) {
			t.Errorf("isLazy(%q) = true", l)
		}
	}
}

func TestDiffPathAndFences(t *testing.T) {
	for in, want := range map[string]string{
		"a/x.go":                    "a/x.go",
		"x.go\t2024-01-01 10:00:00": "x.go",
		"x.go 2024-01-01 10:00:00":  "x.go",
		"x.go (original)":           "x.go",
		`"a/with space.go"`:         "a/with space.go",
		"  y.go  ":                  "y.go",
		"x.go 20-01":                "x.go 20-01",
	} {
		if got := diffPath(in); got != want {
			t.Errorf("diffPath(%q) = %q, want %q", in, got, want)
		}
	}
	for info, want := range map[string]string{
		"go": "", "makefile": "", "go x/y.go": "x/y.go", "go:x/y.go": "x/y.go", "x/y.go": "x/y.go",
		`go title="y.go"`: "y.go", "Makefile": "", "text Makefile": "Makefile", "python": "",
	} {
		f, ok := openFence("```"+info, 3)
		if !ok {
			t.Fatalf("openFence(%q) failed", info)
		}
		if got := f.path(); got != want {
			t.Errorf("fence %q path = %q, want %q", info, got, want)
		}
	}
}

func TestStrings(t *testing.T) {
	for k, want := range map[ErrorKind]string{NoEdit: "no edit", Malformed: "malformed", NoMatch: "no match", Ambiguous: "ambiguous", BadPath: "bad path", 0: "ErrorKind(0)"} {
		if got := k.String(); got != want {
			t.Errorf("%d: %q", int(k), got)
		}
	}
	for f, want := range map[Format]string{FormatUnifiedDiff: "unified diff", FormatSearchReplace: "search/replace", FormatWholeFile: "whole file", FormatUnknown: "unknown"} {
		if got := f.String(); got != want {
			t.Errorf("%d: %q", int(f), got)
		}
	}
	if got := (Hunk{}).Header(); got != "@@ @@" {
		t.Errorf("Header() = %q", got)
	}
}
