package edit

import (
	"bytes"
	"testing"
)

// FuzzParse: no answer makes Parse, Apply or the feedback panic.
func FuzzParse(f *testing.F) {
	seeds := []string{
		subDiff,
		"```diff\n" + subDiff + "```\n",
		"calc.go\n```go\n<<<<<<< SEARCH\n\treturn a - b\n=======\n\tr := a - b\n>>>>>>> REPLACE\n```\n",
		"<<<<<<< SEARCH\n=======\nx\n>>>>>>> REPLACE\n",
		"diff --git a/x b/y\nrename from x\nrename to y\n",
		"--- /dev/null\n+++ b/n.go\n@@ -0,0 +1 @@\n+x\n\\ No newline at end of file\n",
		"```go\npackage calc\n```\n",
		"@@ -1,2 +1 @@\n-a\n b\n",
		"````\n```\n````\n",
		"x.go\n<<<<<<<<< SEARCH\n\n=====\n\n>>>>> REPLACE",
	}
	for _, s := range seeds {
		f.Add(s, true)
		f.Add(s, false)
	}
	src := mapSource{"calc.go": calc, "x.go": "package x\n\nfunc a() {}\n", "b.txt": "\x00\x01"}
	f.Fuzz(func(t *testing.T, answer string, whole bool) {
		opts := Options{DefaultPath: "calc.go", AllowWholeFile: whole, Root: "/ws"}
		p, err := Parse(answer, opts)
		if err != nil {
			_ = RetryPrompt(err)
			return
		}
		edits, err := Apply(p, SourceFunc(func(path string) ([]byte, error) {
			return src.Read(path[len("/ws/"):])
		}))
		_ = RetryPrompt(err)
		for _, e := range edits {
			if e.Delete != (e.Content == nil) {
				t.Fatalf("edit %+v: Delete and Content disagree", e)
			}
		}
	})
}

// FuzzDiffRoundTrip: for any two texts, UnifiedDiff parsed and applied to
// old gives new.
func FuzzDiffRoundTrip(f *testing.F) {
	f.Add([]byte("a\nb\nc\n"), []byte("a\nB\nc"))
	f.Add([]byte(""), []byte("x\n"))
	f.Add([]byte("--- a\n+++ b\n"), []byte("-- a\n++ b\n@@\n"))
	f.Fuzz(func(t *testing.T, old, new []byte) {
		if bytes.ContainsAny(old, "\r\x00") || bytes.ContainsAny(new, "\r\x00") || bytes.Equal(old, new) {
			return
		}
		d := UnifiedDiff("f.txt", old, new)
		got, err := applyTo(t, d, old)
		if err != nil || !bytes.Equal(got, new) {
			t.Fatalf("err %v\nold %q\nnew %q\ngot %q\n%s", err, old, new, got, d)
		}
	})
}
