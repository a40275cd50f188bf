package critic

import (
	"errors"
	"os"
	"strings"
	"testing"
)

func TestApplyEdits(t *testing.T) {
	src := []byte("hello, world")
	tests := []struct {
		name  string
		edits []Edit
		want  string
		err   error
	}{
		{"replace", []Edit{{Start: 7, End: 12, NewText: "gophers"}}, "hello, gophers", nil},
		{"unordered", []Edit{{Start: 7, End: 12, NewText: "there"}, {Start: 0, End: 5, NewText: "hi"}}, "hi, there", nil},
		{"insert at end", []Edit{{Start: 12, End: 12, NewText: "!"}}, "hello, world!", nil},
		{"two inserts same offset", []Edit{{Start: 0, End: 0, NewText: "a"}, {Start: 0, End: 0, NewText: "b"}}, "abhello, world", nil},
		{"delete all", []Edit{{Start: 0, End: 12}}, "", nil},
		{"out of range", []Edit{{Start: 5, End: 13}}, "", ErrEditOutOfRange},
		{"negative", []Edit{{Start: -1, End: 2}}, "", ErrEditOutOfRange},
		{"inverted", []Edit{{Start: 4, End: 2}}, "", ErrEditOutOfRange},
		{"overlap", []Edit{{Start: 0, End: 5}, {Start: 3, End: 7}}, "", ErrEditsOverlap},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ApplyEdits(src, tt.edits)
			if !errors.Is(err, tt.err) {
				t.Fatalf("err = %v, want %v", err, tt.err)
			}
			if err == nil && string(got) != tt.want {
				t.Fatalf("got %q, want %q", got, tt.want)
			}
			if string(src) != "hello, world" {
				t.Fatal("input modified")
			}
		})
	}
}

func TestCheckEdits(t *testing.T) {
	files := map[string]string{
		"/w/a.go":      "package a\n\nfunc f() {\n\tx := 1\n\tx = x\n\t_ = x\n}\n",
		"/w/broken.go": "package a\nfunc {",
	}
	read := func(p string) ([]byte, error) {
		s, ok := files[p]
		if !ok {
			return nil, os.ErrNotExist
		}
		return []byte(s), nil
	}
	start := strings.Index(files["/w/a.go"], "\tx = x\n")
	good := CheckEdits([]Edit{{File: "/w/a.go", Start: start, End: start + len("\tx = x\n")}}, read)
	if !good.OK || strings.Contains(string(good.Result["/w/a.go"]), "x = x") {
		t.Fatalf("good edit vetoed: %+v", good)
	}
	bad := CheckEdits([]Edit{{File: "/w/a.go", Start: 0, End: len("package a")}}, read)
	if bad.OK || !strings.Contains(bad.Reasons[0], "syntax") {
		t.Fatalf("syntax-breaking edit accepted: %+v", bad)
	}
	// A file that was already broken does not veto an unrelated edit.
	pre := CheckEdits([]Edit{{File: "/w/broken.go", Start: 0, End: 0, NewText: "// c\n"}}, read)
	if !pre.OK {
		t.Fatalf("edit of a broken file vetoed: %+v", pre)
	}
	for _, c := range []struct {
		name  string
		edits []Edit
	}{
		{"missing file", []Edit{{File: "/w/none.go"}}},
		{"relative", []Edit{{File: "a.go"}}},
		{"empty", nil},
		{"out of range", []Edit{{File: "/w/a.go", Start: 0, End: 1 << 20}}},
	} {
		if v := CheckEdits(c.edits, read); v.OK || len(v.Reasons) == 0 {
			t.Errorf("%s: accepted: %+v", c.name, v)
		}
	}
}
