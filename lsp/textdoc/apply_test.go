package textdoc

import (
	"bytes"
	"errors"
	"testing"
)

func rng(sl, sc, el, ec uint32) *Range {
	return &Range{Position{sl, sc}, Position{el, ec}}
}

func TestApply(t *testing.T) {
	tests := []struct {
		name    string
		content string
		changes []Change
		want    string
		err     error
	}{
		{"no changes", "abc", nil, "abc", nil},
		{"insert", "hello world", []Change{{rng(0, 5, 0, 5), ","}}, "hello, world", nil},
		{"insert at start of empty document", "", []Change{{rng(0, 0, 0, 0), "x"}}, "x", nil},
		{"delete", "hello world", []Change{{rng(0, 5, 0, 11), ""}}, "hello", nil},
		{"replace across lines", "one\ntwo\nthree\n", []Change{{rng(0, 1, 2, 2), "NE\nTH"}}, "oNE\nTHree\n", nil},
		{"delete line with crlf", "a\r\nb\r\nc", []Change{{rng(1, 0, 2, 0), ""}}, "a\r\nc", nil},
		{"append at end after trailing newline", "a\n", []Change{{rng(1, 0, 1, 0), "b"}}, "a\nb", nil},
		{"clamped end deletes to line end, not the terminator", "abc\r\ndef", []Change{{rng(0, 1, 0, 99), ""}}, "a\r\ndef", nil},
		{"insert after emoji", "\U0001F600!", []Change{{rng(0, 2, 0, 2), "?"}}, "\U0001F600?!", nil},
		{"replace emoji", "a\U0001F600b", []Change{{rng(0, 1, 0, 3), "é"}}, "aéb", nil},
		{"delete 3-byte rune", "x世y", []Change{{rng(0, 1, 0, 2), ""}}, "xy", nil},
		{"lone cr lines", "a\rb\rc", []Change{{rng(1, 0, 1, 1), "B"}}, "a\rB\rc", nil},
		{"insert \\n after \\r merges into one terminator", "a\rb", []Change{
			{rng(0, 1, 0, 1), ""},   // no-op
			{rng(1, 0, 1, 0), "\n"}, // "a\r\nb": still two lines
			{rng(1, 0, 1, 1), "c"},
		}, "a\r\nc", nil},
		{"invalid utf-8 byte is one unit", "a\xffb", []Change{{rng(0, 1, 0, 2), "-"}}, "a-b", nil},
		{"sequence: each change sees the previous result", "line1\nline2\nline3", []Change{
			{rng(1, 0, 1, 5), "LINE2"},
			{rng(0, 5, 1, 0), " "}, // join lines 0 and 1
			{rng(0, 0, 0, 0), ">"},
			{rng(1, 5, 1, 5), "!"},
		}, ">line1 LINE2\nline3!", nil},
		{"full replacement in the middle of a sequence", "old\ntext", []Change{
			{rng(0, 0, 0, 3), "OLD"},
			{nil, "fresh\n\U0001D11E"},
			{rng(1, 2, 1, 2), "x"},
			{rng(0, 0, 0, 1), "F"},
		}, "Fresh\n\U0001D11Ex", nil},
		{"full replacement with empty text", "abc", []Change{{nil, ""}}, "", nil},
		{"inserts after a full replacement", "ab", []Change{
			{nil, ""},
			{rng(0, 0, 0, 0), "0123456789"},
			{rng(0, 10, 0, 10), "0123456789"},
		}, "01234567890123456789", nil},

		{"reversed range", "abc", []Change{{rng(0, 2, 0, 1), ""}}, "", ErrBadRange},
		{"surrogate half", "\U0001F600", []Change{{rng(0, 1, 0, 1), "x"}}, "", ErrBadPosition},
		{"line beyond", "a\nb", []Change{{rng(2, 0, 2, 0), "x"}}, "", ErrBadPosition},
		{"end line beyond", "a\nb", []Change{{rng(0, 0, 5, 0), "x"}}, "", ErrBadPosition},
		{"error after good changes is all or nothing", "abc", []Change{
			{rng(0, 0, 0, 0), "x"},
			{nil, "y"},
			{rng(1, 0, 1, 0), "z"},
		}, "", ErrBadPosition},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := []byte(tt.content)
			orig := bytes.Clone(in)
			got, err := Apply(in, tt.changes)
			if !bytes.Equal(in, orig) {
				t.Fatalf("input modified: %q", in)
			}
			if !errors.Is(err, tt.err) {
				t.Fatalf("Apply error = %v, want %v", err, tt.err)
			}
			if tt.err != nil {
				if got != nil {
					t.Fatalf("Apply = %q on error, want nil", got)
				}
				t.Logf("error: %v", err)
				return
			}
			if string(got) != tt.want {
				t.Fatalf("Apply = %q, want %q", got, tt.want)
			}
			if want, _ := refApply(in, tt.changes); !bytes.Equal(got, want) {
				t.Fatalf("Apply = %q, reference = %q", got, want)
			}
		})
	}
}

func TestApplyDoesNotAlias(t *testing.T) {
	in := []byte("abc")
	out, err := Apply(in, nil)
	if err != nil {
		t.Fatal(err)
	}
	out[0] = 'X'
	if string(in) != "abc" {
		t.Fatalf("Apply with no changes returned its input: %q", in)
	}
	// An edit that fits in the input's spare capacity must not write there.
	in = make([]byte, 3, 16)
	copy(in, "abc")
	spare := in[:16]
	if _, err := Apply(in, []Change{{rng(0, 1, 0, 1), "123456"}}); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(spare[3:], make([]byte, 13)) {
		t.Fatalf("Apply wrote into the input's spare capacity: %q", spare)
	}
}

// TestResolveLarge checks the block-skipping line search against the Mapper
// on documents much larger than skipBlock, with stretches of every kind of
// terminator and of multi-byte runes.
func TestResolveLarge(t *testing.T) {
	pieces := []string{"abc", "世界", "\U0001F600", "\xff", ""}
	terms := [][]string{{"\n"}, {"\r\n"}, {"\r"}, {"\n", "\r\n", "\r"}}
	var b []byte
	seed := uint32(1)
	rand := func(n int) int { seed = seed*1664525 + 1013904223; return int(seed>>8) % n }
	for i := range 3 * len(terms) {
		kinds := terms[i%len(terms)]
		for end := len(b) + skipBlock*(1+rand(4)); len(b) < end; {
			for range rand(40) {
				b = append(b, pieces[rand(len(pieces))]...)
			}
			b = append(b, kinds[rand(len(kinds))]...)
		}
	}
	m := NewMapper(b)
	for i := range 2000 {
		var r Range
		r.Start.Line = uint32(rand(m.LineCount() + 2))
		r.Start.Character = uint32(rand(30))
		r.End.Line = r.Start.Line + uint32(rand(3)*rand(400))
		r.End.Character = uint32(rand(30))
		if i%100 == 0 {
			r.End.Line = uint32(m.LineCount() - 1 + rand(2))
		}
		s, e, err := resolve(b, r)
		ws, we, werr := m.OffsetRange(r)
		if sentinel(err) != sentinel(werr) || s != ws || e != we {
			t.Fatalf("resolve(%v) = %d, %d, %v; Mapper says %d, %d, %v", r, s, e, err, ws, we, werr)
		}
	}
}

func TestSplice(t *testing.T) {
	tests := []struct {
		b          string
		extra      int // spare capacity
		start, end int
		text, want string
	}{
		{"abcdef", 0, 2, 4, "", "abef"},
		{"abcdef", 0, 2, 4, "XYZW", "abXYZWef"}, // must grow
		{"abcdef", 2, 2, 4, "XYZW", "abXYZWef"}, // exactly fits
		{"abcdef", 9, 0, 0, "XY", "XYabcdef"},
		{"abcdef", 0, 6, 6, "", "abcdef"},
		{"abcdef", 0, 0, 6, "Z", "Z"},
		{"abcdef", 4, 1, 2, "123", "a123cdef"},
		{"", 0, 0, 0, "xyz", "xyz"},
	}
	for _, tt := range tests {
		b := make([]byte, len(tt.b), len(tt.b)+tt.extra)
		copy(b, tt.b)
		if got := splice(b, tt.start, tt.end, tt.text); string(got) != tt.want {
			t.Errorf("splice(%q[cap %d], %d, %d, %q) = %q, want %q", tt.b, cap(b), tt.start, tt.end, tt.text, got, tt.want)
		}
	}
}
