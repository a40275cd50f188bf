package edit

import (
	"errors"
	"strings"
	"testing"
)

const calc = `package calc

import "fmt"

// Add returns a+b.
func Add(a, b int) int {
	return a + b
}

// Sub returns a-b.
func Sub(a, b int) int {
	return a - b
}

func main() {
	fmt.Println(Add(1, 2))
}
`

// calcSub is calc with Sub checking for overflow-free subtraction.
var calcSub = strings.Replace(calc, "\treturn a - b\n", "\tr := a - b\n\treturn r\n", 1)

const subDiff = `--- a/calc.go
+++ b/calc.go
@@ -10,4 +10,5 @@
 // Sub returns a-b.
 func Sub(a, b int) int {
-	return a - b
+	r := a - b
+	return r
 }
`

func TestTolerance(t *testing.T) {
	crlf := func(s string) string { return strings.ReplaceAll(s, "\n", "\r\n") }
	noNL := strings.TrimSuffix(calc, "\n")
	twice := calc + "\n// Sub returns a-b.\nfunc Sub2(a, b int) int {\n\treturn a - b\n}\n"
	tests := []struct {
		name   string
		answer string
		src    mapSource
		opts   Options
		want   map[string]string
	}{
		// Unified diffs.
		{"diff exact", subDiff, mapSource{"calc.go": calc}, Options{}, map[string]string{"calc.go": calcSub}},
		{"diff wrong line numbers", strings.Replace(subDiff, "@@ -10,4 +10,5 @@", "@@ -42,4 +42,5 @@", 1),
			mapSource{"calc.go": calc}, Options{}, map[string]string{"calc.go": calcSub}},
		{"diff no line numbers", strings.Replace(subDiff, "@@ -10,4 +10,5 @@", "@@ ... @@", 1),
			mapSource{"calc.go": calc}, Options{}, map[string]string{"calc.go": calcSub}},
		{"diff bare @@", strings.Replace(subDiff, "@@ -10,4 +10,5 @@", "@@", 1),
			mapSource{"calc.go": calc}, Options{}, map[string]string{"calc.go": calcSub}},
		{"diff wrong counts", strings.Replace(subDiff, "@@ -10,4 +10,5 @@", "@@ -10,9 +10,2 @@", 1),
			mapSource{"calc.go": calc}, Options{}, map[string]string{"calc.go": calcSub}},
		{"diff counts too small then blank", strings.Replace(subDiff, "@@ -10,4 +10,5 @@", "@@ -10,2 +10,2 @@", 1) + "\nThat is all.\n",
			mapSource{"calc.go": calc}, Options{}, map[string]string{"calc.go": calcSub}},
		{"diff without a/ b/", strings.NewReplacer("a/calc.go", "calc.go", "b/calc.go", "calc.go").Replace(subDiff),
			mapSource{"calc.go": calc}, Options{}, map[string]string{"calc.go": calcSub}},
		{"diff with timestamps", strings.NewReplacer("--- a/calc.go", "--- calc.go\t2024-05-01 10:00:00.000000000 +0200", "+++ b/calc.go", "+++ calc.go 2024-05-01 10:01:00").Replace(subDiff),
			mapSource{"calc.go": calc}, Options{}, map[string]string{"calc.go": calcSub}},
		{"diff fenced with prose", "Here is the fix; it keeps the result in a variable:\n\n```diff\n" + subDiff + "```\n\n- it is easier to debug\n- nothing else changes\n",
			mapSource{"calc.go": calc}, Options{}, map[string]string{"calc.go": calcSub}},
		{"diff unfenced with prose after", "The fix:\n\n" + subDiff + "\nThis keeps the result in a variable.\n",
			mapSource{"calc.go": calc}, Options{}, map[string]string{"calc.go": calcSub}},
		{"diff CRLF answer", crlf(subDiff), mapSource{"calc.go": calc}, Options{}, map[string]string{"calc.go": calcSub}},
		{"diff CRLF file", subDiff, mapSource{"calc.go": crlf(calc)}, Options{}, map[string]string{"calc.go": crlf(calcSub)}},
		{"diff spaces for tabs", strings.ReplaceAll(subDiff, "\t", "    "), mapSource{"calc.go": calc}, Options{}, map[string]string{"calc.go": calcSub}},
		{"diff trailing whitespace", strings.Replace(subDiff, " func Sub(a, b int) int {\n", " func Sub(a, b int) int {   \n", 1),
			mapSource{"calc.go": calc}, Options{}, map[string]string{"calc.go": calcSub}},
		{"diff blank context without space", "--- a/calc.go\n+++ b/calc.go\n@@ -7,6 +7,7 @@\n \treturn a + b\n }\n\n // Sub returns a-b.\n func Sub(a, b int) int {\n-\treturn a - b\n+\tr := a - b\n+\treturn r\n }\n",
			mapSource{"calc.go": calc}, Options{}, map[string]string{"calc.go": calcSub}},
		{"diff unprefixed context in fence", "```diff\n--- a/calc.go\n+++ b/calc.go\n@@ -10,4 +10,5 @@\n// Sub returns a-b.\nfunc Sub(a, b int) int {\n-\treturn a - b\n+\tr := a - b\n+\treturn r\n }\n```\n",
			mapSource{"calc.go": calc}, Options{}, map[string]string{"calc.go": calcSub}},
		{"diff hallucinated context (fuzz)", strings.Replace(subDiff, " // Sub returns a-b.\n", " // Sub returns the difference.\n", 1),
			mapSource{"calc.go": calc}, Options{}, map[string]string{"calc.go": calcSub}},
		{"diff without @@ after header", strings.Replace(subDiff, "@@ -10,4 +10,5 @@\n", "", 1),
			mapSource{"calc.go": calc}, Options{}, map[string]string{"calc.go": calcSub}},
		{"diff fence without headers", "```diff\n func Sub(a, b int) int {\n-\treturn a - b\n+\tr := a - b\n+\treturn r\n }\n```\n",
			mapSource{"calc.go": calc}, Options{DefaultPath: "calc.go"}, map[string]string{"calc.go": calcSub}},
		{"diff hunk only, default path", "@@ -11,3 +11,4 @@\n func Sub(a, b int) int {\n-\treturn a - b\n+\tr := a - b\n+\treturn r\n }\n",
			mapSource{"calc.go": calc}, Options{DefaultPath: "calc.go"}, map[string]string{"calc.go": calcSub}},
		{"diff basename of default path", strings.NewReplacer("a/calc.go", "calc.go", "b/calc.go", "calc.go").Replace(subDiff),
			mapSource{"pkg/calc.go": calc}, Options{DefaultPath: "pkg/calc.go"}, map[string]string{"pkg/calc.go": calcSub}},
		{"diff two hunks, shifted numbers", "--- a/calc.go\n+++ b/calc.go\n@@ -9,3 +9,3 @@ func Add(a, b int) int {\n \n-// Add returns a+b.\n+// Add returns the sum of a and b.\n func Add(a, b int) int {\n@@ -15,4 +15,5 @@\n // Sub returns a-b.\n func Sub(a, b int) int {\n-\treturn a - b\n+\tr := a - b\n+\treturn r\n }\n",
			mapSource{"calc.go": calc}, Options{}, map[string]string{"calc.go": strings.Replace(calcSub, "// Add returns a+b.", "// Add returns the sum of a and b.", 1)}},
		{"diff hunks out of order", "--- a/calc.go\n+++ b/calc.go\n@@ -11,3 +11,4 @@\n func Sub(a, b int) int {\n-\treturn a - b\n+\tr := a - b\n+\treturn r\n }\n@@ -4,3 +4,3 @@\n \n-// Add returns a+b.\n+// Add returns the sum of a and b.\n func Add(a, b int) int {\n",
			mapSource{"calc.go": calc}, Options{}, map[string]string{"calc.go": strings.Replace(calcSub, "// Add returns a+b.", "// Add returns the sum of a and b.", 1)}},
		{"diff line number picks the nearest duplicate", "--- a/calc.go\n+++ b/calc.go\n@@ -20,3 +20,3 @@\n func Sub2(a, b int) int {\n-\treturn a - b\n+\treturn b - a\n }\n",
			mapSource{"calc.go": twice}, Options{}, map[string]string{"calc.go": strings.Replace(twice, "Sub2(a, b int) int {\n\treturn a - b", "Sub2(a, b int) int {\n\treturn b - a", 1)}},
		{"diff line number picks the second of two equal texts", "--- a/calc.go\n+++ b/calc.go\n@@ -22,1 +22,1 @@\n-\treturn a - b\n+\treturn b - a\n",
			mapSource{"calc.go": twice}, Options{}, map[string]string{"calc.go": strings.Replace(twice, "Sub2(a, b int) int {\n\treturn a - b", "Sub2(a, b int) int {\n\treturn b - a", 1)}},
		{"diff multiple files with git headers", "diff --git a/calc.go b/calc.go\nindex 1234567..89abcde 100644\n" + subDiff + "diff --git a/README.md b/README.md\n--- a/README.md\n+++ b/README.md\n@@ -1 +1,2 @@\n # calc\n+Adds and subtracts.\n",
			mapSource{"calc.go": calc, "README.md": "# calc\n"}, Options{}, map[string]string{"calc.go": calcSub, "README.md": "# calc\nAdds and subtracts.\n"}},
		{"diff creates a file", "diff --git a/calc_test.go b/calc_test.go\nnew file mode 100644\nindex 0000000..1111111\n--- /dev/null\n+++ b/calc_test.go\n@@ -0,0 +1,3 @@\n+package calc\n+\n+import \"testing\"\n",
			mapSource{"calc.go": calc}, Options{}, map[string]string{"calc_test.go": "package calc\n\nimport \"testing\"\n"}},
		{"diff creates a file without /dev/null", "--- a/new.go\n+++ b/new.go\n@@ -0,0 +1,1 @@\n+package calc\n",
			mapSource{}, Options{}, map[string]string{"new.go": "package calc\n"}},
		{"diff deletes a file", "--- a/calc.go\n+++ /dev/null\n@@ -1,2 +0,0 @@\n-package calc\n-\n",
			mapSource{"calc.go": calc}, Options{}, map[string]string{"calc.go": "<deleted>"}},
		{"diff git rename", "diff --git a/calc.go b/math.go\nsimilarity index 90%\nrename from calc.go\nrename to math.go\n--- a/calc.go\n+++ b/math.go\n@@ -1 +1 @@\n-package calc\n+package math\n",
			mapSource{"calc.go": calc}, Options{}, map[string]string{"calc.go": "<deleted>", "math.go": strings.Replace(calc, "package calc", "package math", 1)}},
		{"diff git header straight to @@", "diff --git a/calc.go b/calc.go\n@@ -11,3 +11,4 @@\n func Sub(a, b int) int {\n-\treturn a - b\n+\tr := a - b\n+\treturn r\n }\n",
			mapSource{"calc.go": calc}, Options{}, map[string]string{"calc.go": calcSub}},
		{"diff git pure rename", "diff --git a/calc.go b/math/calc.go\nsimilarity index 100%\nrename from calc.go\nrename to math/calc.go\n",
			mapSource{"calc.go": calc}, Options{}, map[string]string{"calc.go": "<deleted>", "math/calc.go": calc}},
		{"diff git empty new file", "diff --git a/empty.go b/empty.go\nnew file mode 100644\nindex 0000000..e69de29\n",
			mapSource{}, Options{}, map[string]string{"empty.go": ""}},
		{"diff git mode change and a hunk", "diff --git a/run.sh b/run.sh\nold mode 100644\nnew mode 100755\n" + subDiff,
			mapSource{"calc.go": calc}, Options{}, map[string]string{"calc.go": calcSub}},
		{"diff no-newline markers", "--- a/calc.go\n+++ b/calc.go\n@@ -15,3 +15,3 @@\n func main() {\n \tfmt.Println(Add(1, 2))\n-}\n\\ No newline at end of file\n+}\n",
			mapSource{"calc.go": noNL}, Options{}, map[string]string{"calc.go": calc}},
		{"diff missing no-newline marker keeps the file's ending", "--- a/calc.go\n+++ b/calc.go\n@@ -15,3 +15,3 @@\n func main() {\n-\tfmt.Println(Add(1, 2))\n+\tfmt.Println(Add(3, 4))\n }\n",
			mapSource{"calc.go": noNL}, Options{}, map[string]string{"calc.go": strings.Replace(noNL, "Add(1, 2)", "Add(3, 4)", 1)}},
		{"diff append at end without newline", "--- a/calc.go\n+++ b/calc.go\n@@ -17,0 +18,1 @@\n+// end\n",
			mapSource{"calc.go": noNL}, Options{}, map[string]string{"calc.go": calc + "// end"}},

		// SEARCH/REPLACE blocks.
		{"blocks: name before fence", "calc.go\n```go\n<<<<<<< SEARCH\n\treturn a - b\n=======\n\tr := a - b\n\treturn r\n>>>>>>> REPLACE\n```\n",
			mapSource{"calc.go": calc}, Options{}, map[string]string{"calc.go": calcSub}},
		{"blocks: name inside fence", "```go\ncalc.go\n<<<<<<< SEARCH\n\treturn a - b\n=======\n\tr := a - b\n\treturn r\n>>>>>>> REPLACE\n```\n",
			mapSource{"calc.go": calc}, Options{}, map[string]string{"calc.go": calcSub}},
		{"blocks: name in fence info", "```go calc.go\n<<<<<<< SEARCH\n\treturn a - b\n=======\n\tr := a - b\n\treturn r\n>>>>>>> REPLACE\n```\n",
			mapSource{"calc.go": calc}, Options{}, map[string]string{"calc.go": calcSub}},
		{"blocks: bold name and prose", "I will change the subtraction.\n\n**calc.go**\n```\n<<<<<<< SEARCH\n\treturn a - b\n=======\n\tr := a - b\n\treturn r\n>>>>>>> REPLACE\n```\nDone.\n",
			mapSource{"calc.go": calc}, Options{}, map[string]string{"calc.go": calcSub}},
		{"blocks: name in backticks in prose", "Edit `calc.go`:\n```go\n<<<<<<< SEARCH\n\treturn a - b\n=======\n\tr := a - b\n\treturn r\n>>>>>>> REPLACE\n```\n",
			mapSource{"calc.go": calc}, Options{}, map[string]string{"calc.go": calcSub}},
		{"blocks: no name, default path", "```go\n<<<<<<< SEARCH\n\treturn a - b\n=======\n\tr := a - b\n\treturn r\n>>>>>>> REPLACE\n```\n",
			mapSource{"/ws/calc.go": calc}, Options{DefaultPath: "/ws/calc.go", Root: "/ws"}, map[string]string{"/ws/calc.go": calcSub}},
		{"blocks: relative name under root", "calc.go\n<<<<<<< SEARCH\n\treturn a - b\n=======\n\tr := a - b\n\treturn r\n>>>>>>> REPLACE\n",
			mapSource{"/ws/calc.go": calc}, Options{Root: "/ws"}, map[string]string{"/ws/calc.go": calcSub}},
		{"blocks: 5 and 9 marker characters", "calc.go\n<<<<< SEARCH\n\treturn a - b\n=========\n\tr := a - b\n\treturn r\n>>>>>>>>> REPLACE\n",
			mapSource{"calc.go": calc}, Options{}, map[string]string{"calc.go": calcSub}},
		{"blocks: indented markers", "calc.go\n  <<<<<<< SEARCH\n\treturn a - b\n  =======\n\tr := a - b\n\treturn r\n  >>>>>>> REPLACE\n",
			mapSource{"calc.go": calc}, Options{}, map[string]string{"calc.go": calcSub}},
		{"blocks: trailing whitespace in SEARCH", "calc.go\n<<<<<<< SEARCH\nfunc Sub(a, b int) int {  \n\treturn a - b \n=======\nfunc Sub(a, b int) int {\n\tr := a - b\n\treturn r\n>>>>>>> REPLACE\n",
			mapSource{"calc.go": calc}, Options{}, map[string]string{"calc.go": calcSub}},
		{"blocks: spaces for tabs, re-indented", "calc.go\n<<<<<<< SEARCH\nfunc Sub(a, b int) int {\n    return a - b\n}\n=======\nfunc Sub(a, b int) int {\n    if a < b {\n        return 0\n    }\n    return a - b\n}\n>>>>>>> REPLACE\n",
			mapSource{"calc.go": calc}, Options{}, map[string]string{"calc.go": strings.Replace(calc, "\treturn a - b\n", "\tif a < b {\n\t\treturn 0\n\t}\n\treturn a - b\n", 1)}},
		{"blocks: snippet without indentation", "calc.go\n<<<<<<< SEARCH\nreturn a - b\n=======\nif a < b {\n    return 0\n}\nreturn a - b\n>>>>>>> REPLACE\n",
			mapSource{"calc.go": calc}, Options{}, map[string]string{"calc.go": strings.Replace(calc, "\treturn a - b\n", "\tif a < b {\n\t\treturn 0\n\t}\n\treturn a - b\n", 1)}},
		{"blocks: spaces file, tab answer", "a.py\n<<<<<<< SEARCH\ndef f():\n\treturn 1\n=======\ndef f():\n\tif x:\n\t\treturn 2\n\treturn 1\n>>>>>>> REPLACE\n",
			mapSource{"a.py": "class A:\n    def f():\n        return 1\n"}, Options{}, map[string]string{"a.py": "class A:\n    def f():\n        if x:\n            return 2\n        return 1\n"}},
		{"blocks: gofmt alignment differs", "calc.go\n<<<<<<< SEARCH\nfunc Sub(a,  b int)   int {\n=======\nfunc Sub(a, b int64) int64 {\n>>>>>>> REPLACE\n",
			mapSource{"calc.go": calc}, Options{}, map[string]string{"calc.go": strings.Replace(calc, "func Sub(a, b int) int {", "func Sub(a, b int64) int64 {", 1)}},
		{"blocks: empty SEARCH creates", "calc_test.go\n```go\n<<<<<<< SEARCH\n=======\npackage calc\n>>>>>>> REPLACE\n```\n",
			mapSource{"calc.go": calc}, Options{}, map[string]string{"calc_test.go": "package calc\n"}},
		{"blocks: empty SEARCH appends", "calc.go\n<<<<<<< SEARCH\n=======\n\n// Mul returns a*b.\nfunc Mul(a, b int) int { return a * b }\n>>>>>>> REPLACE\n",
			mapSource{"calc.go": calc}, Options{}, map[string]string{"calc.go": calc + "\n// Mul returns a*b.\nfunc Mul(a, b int) int { return a * b }\n"}},
		{"blocks: applied in order", "calc.go\n<<<<<<< SEARCH\n\treturn a - b\n=======\n\tr := a - b\n\treturn r\n>>>>>>> REPLACE\n\ncalc.go\n<<<<<<< SEARCH\n\tr := a - b\n=======\n\tr := a - b // difference\n>>>>>>> REPLACE\n",
			mapSource{"calc.go": calc}, Options{}, map[string]string{"calc.go": strings.Replace(calcSub, "\tr := a - b\n", "\tr := a - b // difference\n", 1)}},
		{"blocks: second block reuses the file name", "calc.go\n```go\n<<<<<<< SEARCH\n\treturn a - b\n=======\n\tr := a - b\n\treturn r\n>>>>>>> REPLACE\n\n<<<<<<< SEARCH\n// Add returns a+b.\n=======\n// Add returns the sum.\n>>>>>>> REPLACE\n```\n",
			mapSource{"calc.go": calc}, Options{}, map[string]string{"calc.go": strings.Replace(calcSub, "// Add returns a+b.", "// Add returns the sum.", 1)}},
		{"blocks: two files", "calc.go\n```go\n<<<<<<< SEARCH\n\treturn a - b\n=======\n\tr := a - b\n\treturn r\n>>>>>>> REPLACE\n```\n\nAnd the readme:\n\nREADME.md\n```markdown\n<<<<<<< SEARCH\n# calc\n=======\n# calc\n\nAdds and subtracts.\n>>>>>>> REPLACE\n```\n",
			mapSource{"calc.go": calc, "README.md": "# calc\n"}, Options{}, map[string]string{"calc.go": calcSub, "README.md": "# calc\n\nAdds and subtracts.\n"}},
		{"blocks: delete lines", "calc.go\n<<<<<<< SEARCH\n// Sub returns a-b.\n=======\n>>>>>>> REPLACE\n",
			mapSource{"calc.go": calc}, Options{}, map[string]string{"calc.go": strings.Replace(calc, "// Sub returns a-b.\n", "", 1)}},
		{"blocks: CRLF file and answer", crlf("calc.go\n<<<<<<< SEARCH\n\treturn a - b\n=======\n\tr := a - b\n\treturn r\n>>>>>>> REPLACE\n"),
			mapSource{"calc.go": crlf(calc)}, Options{}, map[string]string{"calc.go": crlf(calcSub)}},
		{"blocks: markdown fences inside", "README.md\n````markdown\n<<<<<<< SEARCH\n```sh\ngo test\n```\n=======\n```sh\ngo test ./...\n```\n>>>>>>> REPLACE\n````\n",
			mapSource{"README.md": "# x\n\n```sh\ngo test\n```\n"}, Options{}, map[string]string{"README.md": "# x\n\n```sh\ngo test ./...\n```\n"}},
		{"blocks: extra blank line in SEARCH (fuzz)", "calc.go\n<<<<<<< SEARCH\n\n\nfunc main() {\n=======\n\n\nfunc main() { // entry\n>>>>>>> REPLACE\n",
			mapSource{"calc.go": calc}, Options{}, map[string]string{"calc.go": strings.Replace(calc, "func main() {", "func main() { // entry", 1)}},

		// Whole files.
		{"whole: one block, default path", "Here is the file:\n\n```go\npackage calc\n\nfunc One() int { return 1 }\n```\n",
			mapSource{"calc.go": calc}, Options{DefaultPath: "calc.go", AllowWholeFile: true}, map[string]string{"calc.go": "package calc\n\nfunc One() int { return 1 }\n"}},
		{"whole: named by the line before", "Updated `calc.go`:\n\n```go\npackage calc\n```\n\nRun it with:\n```sh\ngo test ./...\n```\n",
			mapSource{"calc.go": calc}, Options{AllowWholeFile: true}, map[string]string{"calc.go": "package calc\n"}},
		{"whole: keeps CRLF", "```go\npackage calc\n```\n",
			mapSource{"calc.go": crlf(calc)}, Options{DefaultPath: "calc.go", AllowWholeFile: true}, map[string]string{"calc.go": "package calc\r\n"}},
		{"whole: creates", "new.go\n```go\npackage calc\n```\n",
			mapSource{}, Options{AllowWholeFile: true}, map[string]string{"new.go": "package calc\n"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := applyAll(t, tc.answer, tc.src, tc.opts)
			if err != nil {
				t.Fatalf("error: %v\nfeedback:\n%s", err, RetryPrompt(err))
			}
			if len(got) != len(tc.want) {
				t.Errorf("edited %d files %v, want %d", len(got), keys(got), len(tc.want))
			}
			for p, w := range tc.want {
				if g, ok := got[p]; !ok {
					t.Errorf("%s not edited", p)
				} else if g != w {
					t.Errorf("%s:\n got %q\nwant %q", p, g, w)
				}
			}
		})
	}
}

func keys(m map[string]string) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	return out
}

func TestCreatedAndDeleteFlags(t *testing.T) {
	edits, err := ParseAndApply("diff --git a/old.go b/old.go\ndeleted file mode 100644\n--- a/old.go\n+++ /dev/null\n@@ -1 +0,0 @@\n-package x\n--- /dev/null\n+++ b/new.go\n@@ -0,0 +1 @@\n+package y\n",
		mapSource{"old.go": "package x\n"}, Options{})
	if err != nil {
		t.Fatal(err)
	}
	want := []FileEdit{{Path: "old.go", Delete: true}, {Path: "new.go", Content: []byte("package y\n"), Created: true}}
	if len(edits) != 2 {
		t.Fatalf("edits = %+v", edits)
	}
	for i := range want {
		g, w := edits[i], want[i]
		if g.Path != w.Path || g.Delete != w.Delete || g.Created != w.Created || string(g.Content) != string(w.Content) {
			t.Errorf("edit %d = %+v, want %+v", i, g, w)
		}
	}
}

func TestParseStructure(t *testing.T) {
	p, err := Parse("x.go\n<<<<<<< SEARCH\na\n=======\nb\n>>>>>>> REPLACE\n\n<<<<<<< SEARCH\nc\n=======\n>>>>>>> REPLACE\ny.go\n<<<<<<< SEARCH\n=======\nz\n>>>>>>> REPLACE\n", Options{})
	if err != nil {
		t.Fatal(err)
	}
	if p.Format != FormatSearchReplace || len(p.Files) != 2 || len(p.Files[0].Blocks) != 2 || len(p.Files[1].Blocks) != 1 {
		t.Fatalf("parsed %+v", p)
	}
	if b := p.Files[1].Blocks[0]; b.Search != nil || len(b.Replace) != 1 || b.AnswerLine != 13 {
		t.Errorf("block = %+v", b)
	}
	p, err = Parse("--- a/x.go\n+++ b/x.go\n@@ -3,2 +3,3 @@ func f() {\n a\n-b\n+c\n+d\n\\ No newline at end of file\n", Options{})
	if err != nil {
		t.Fatal(err)
	}
	h := p.Files[0].Hunks[0]
	if p.Format != FormatUnifiedDiff || !h.HasRange || h.OldStart != 3 || h.OldCount != 2 || h.NewStart != 3 || h.NewCount != 3 || len(h.Lines) != 4 || !h.NewNoNewline || h.OldNoNewline {
		t.Errorf("hunk = %+v", h)
	}
	if h.Header() != "@@ -3,2 +3,3 @@" {
		t.Errorf("header = %q", h.Header())
	}
}

func TestRetryPromptNonEditError(t *testing.T) {
	io := errors.New("disk on fire")
	_, err := ParseAndApply(subDiff, SourceFunc(func(string) ([]byte, error) { return nil, io }), Options{})
	if !errors.Is(err, io) {
		t.Fatalf("err = %v, want wrapping the source error", err)
	}
	var e *Error
	if errors.As(err, &e) {
		t.Errorf("source failure reported as *Error %v", e)
	}
	if p := RetryPrompt(err); !strings.Contains(p, "disk on fire") {
		t.Errorf("prompt = %q", p)
	}
}
