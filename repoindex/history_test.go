package repoindex

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
)

func day(d int) time.Time { return time.Date(2024, 1, d, 12, 0, 0, 0, time.UTC) }

func messages(cs []Commit) []string {
	var out []string
	for _, c := range cs {
		out = append(out, c.Message)
	}
	return out
}

// bigFile is long enough for content-similarity rename detection.
func bigFile(name string, n int) string {
	var b strings.Builder
	fmt.Fprintf(&b, "package p\n\n// %s\n", name)
	for i := range n {
		fmt.Fprintf(&b, "func %s%d() int { return %d }\n", name, i, i)
	}
	return b.String()
}

func TestHistory(t *testing.T) {
	root := newRepo(t)
	writeFile(t, root, "a.go", bigFile("A", 20))
	writeFile(t, root, "b.go", bigFile("B", 20))
	writeFile(t, root, "c.go", bigFile("C", 20))
	gitRun(t, root, "add", ".")
	commitAt(t, root, day(1), "c1: add a, b, c\n\nbody text")
	writeFile(t, root, "a.go", bigFile("A", 21))
	writeFile(t, root, "b.go", bigFile("B", 21))
	gitRun(t, root, "add", ".")
	commitAt(t, root, day(2), "c2: a and b")
	writeFile(t, root, "a.go", bigFile("A", 22))
	writeFile(t, root, "b.go", bigFile("B", 22))
	writeFile(t, root, "c.go", bigFile("C", 21))
	gitRun(t, root, "add", ".")
	commitAt(t, root, day(3), "c3: a, b and c")
	writeFile(t, root, "c.go", bigFile("C", 22))
	gitRun(t, root, "add", ".")
	commitAt(t, root, day(4), "c4: c alone")
	must(t, os.MkdirAll(filepath.Join(root, "lib"), 0o755))
	gitRun(t, root, "mv", "b.go", "lib/b2.go")
	writeFile(t, root, "a.go", bigFile("A", 23))
	gitRun(t, root, "add", ".")
	commitAt(t, root, day(5), "c5: rename b, touch a")
	for i := range 60 {
		writeFile(t, root, fmt.Sprintf("gen/g%02d.go", i), "package gen\n")
	}
	writeFile(t, root, "a.go", bigFile("A", 24))
	gitRun(t, root, "add", ".")
	commitAt(t, root, day(6), "c6: mass change")

	logs := &logBuffer{}
	ix := openIndex(t, root, func(o *Options) { o.Logger = logs.logger() })
	must(t, ix.History(t.Context(), HistoryOptions{}))

	if got, want := messages(ix.RecentEdits("a.go", 0)), []string{"c6: mass change", "c5: rename b, touch a", "c3: a, b and c", "c2: a and b", "c1: add a, b, c"}; !slices.Equal(got, want) {
		t.Errorf("a.go edits %q, want %q", got, want)
	}
	if got, want := messages(ix.RecentEdits("lib/b2.go", 0)), []string{"c5: rename b, touch a", "c3: a, b and c", "c2: a and b", "c1: add a, b, c"}; !slices.Equal(got, want) {
		t.Errorf("lib/b2.go edits (rename followed) %q, want %q", got, want)
	}
	if got := ix.RecentEdits("b.go", 0); len(got) != 0 {
		t.Errorf("b.go keeps history after its rename: %q", messages(got))
	}
	if got := ix.RecentEdits("a.go", 2); len(got) != 2 || got[0].Author != "Ada" || !got[0].Time.Equal(day(6)) || len(got[0].Hash) != 40 {
		t.Errorf("RecentEdits(a.go, 2) = %+v", got)
	}
	co := ix.CoChanged("a.go", 0)
	want := []CoChange{{Path: "lib/b2.go", Count: 4, Score: 1}, {Path: "c.go", Count: 2, Score: 2.0 / 5}}
	if !slices.Equal(co, want) {
		t.Errorf("CoChanged(a.go) = %+v, want %+v (the 61-file commit is skipped)", co, want)
	}
	if co := ix.CoChanged("gen/g00.go", 0); len(co) != 0 {
		t.Errorf("mass-change file has co-changes %+v", co)
	}

	// Incremental: a new commit is the only one walked.
	writeFile(t, root, "a.go", bigFile("A", 25))
	writeFile(t, root, "c.go", bigFile("C", 23))
	gitRun(t, root, "add", ".")
	commitAt(t, root, day(7), "c7: a and c")
	// And a rename with an edit (content similarity).
	gitRun(t, root, "mv", "c.go", "d.go")
	writeFile(t, root, "d.go", bigFile("C", 24))
	gitRun(t, root, "add", ".")
	commitAt(t, root, day(8), "c8: c becomes d")
	before := strings.Count(logs.String(), "repoindex: history")
	must(t, ix.History(t.Context(), HistoryOptions{}))
	if !strings.Contains(logs.String(), "commits=2 ") || strings.Count(logs.String(), "repoindex: history") != before+1 {
		t.Errorf("second History should walk exactly 2 commits; log:\n%s", logs)
	}
	if got := messages(ix.RecentEdits("d.go", 0)); !slices.Equal(got, []string{"c8: c becomes d", "c7: a and c", "c4: c alone", "c3: a, b and c", "c1: add a, b, c"}) {
		t.Errorf("d.go edits %q", got)
	}
	co = ix.CoChanged("a.go", 1)
	if len(co) != 1 || co[0] != (CoChange{Path: "lib/b2.go", Count: 4, Score: 4.0 / 5}) {
		t.Errorf("CoChanged(a.go, 1) = %+v", co)
	}
	if co := ix.CoChanged("a.go", 0); len(co) != 2 || co[1].Path != "d.go" || co[1].Count != 3 {
		t.Errorf("CoChanged(a.go) after the rename = %+v", co)
	}
	// Nothing new: nothing walked, nothing changed.
	must(t, ix.History(t.Context(), HistoryOptions{}))
	if !strings.Contains(logs.String(), "commits=0 ") {
		t.Errorf("third History walked commits; log:\n%s", logs)
	}

	// Bounds on a fresh store.
	ix2 := openIndex(t, root)
	must(t, ix2.History(t.Context(), HistoryOptions{MaxCommits: 2}))
	if got := messages(ix2.RecentEdits("a.go", 0)); !slices.Equal(got, []string{"c7: a and c"}) {
		t.Errorf("MaxCommits 2: a.go edits %q", got)
	}
	ix3 := openIndex(t, root)
	must(t, ix3.History(t.Context(), HistoryOptions{Since: day(6).Add(-time.Hour)}))
	if got := messages(ix3.RecentEdits("a.go", 0)); !slices.Equal(got, []string{"c7: a and c", "c6: mass change"}) {
		t.Errorf("Since day 6: a.go edits %q", got)
	}
	if err := ix3.History(t.Context(), HistoryOptions{MaxCommits: -1}); err == nil {
		t.Error("negative MaxCommits accepted")
	}
}
