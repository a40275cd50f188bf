package textdoc

import (
	"bytes"
	"errors"
	"testing"
)

// checkRoundTrip compares a Mapper of b with the reference model at every
// offset and at every position (plus some beyond each line), and checks both
// round trips and LineColPosition.
func checkRoundTrip(t *testing.T, b []byte) {
	t.Helper()
	m := NewMapper(b)
	d := newRefDoc(b)
	if m.LineCount() != d.lineCount() {
		t.Fatalf("%q: LineCount = %d, want %d", b, m.LineCount(), d.lineCount())
	}
	for o := -1; o <= len(b)+1; o++ {
		p, err := m.Position(o)
		if o < 0 || o > len(b) || d.pos[o] == nil {
			if !errors.Is(err, ErrBadOffset) {
				t.Fatalf("%q: Position(%d) = %v, %v; want ErrBadOffset", b, o, p, err)
			}
			continue
		}
		if err != nil || p != *d.pos[o] {
			t.Fatalf("%q: Position(%d) = %v, %v; want %v", b, o, p, err, *d.pos[o])
		}
		if back, err := m.Offset(p); err != nil || back != o {
			t.Fatalf("%q: Offset(Position(%d) = %v) = %d, %v", b, o, p, back, err)
		}
	}
	for line := uint32(0); line <= uint32(d.lineCount()); line++ {
		var max uint32
		if int(line) < d.lineCount() {
			max = d.lineLen[line]
		}
		chars := []uint32{1<<32 - 1, 1 << 31}
		for c := uint32(0); c <= max+2; c++ {
			chars = append(chars, c)
		}
		for _, c := range chars {
			p := Position{line, c}
			got, err := m.Offset(p)
			want, werr := d.offsetOf(p)
			if sentinel(err) != werr || (err == nil && got != want) {
				t.Fatalf("%q: Offset(%v) = %d, %v; want %d, %v", b, p, got, err, want, werr)
			}
			if err == nil && c <= max {
				if back, err := m.Position(got); err != nil || back != p {
					t.Fatalf("%q: Position(Offset(%v) = %d) = %v, %v", b, p, got, back, err)
				}
			}
		}
	}
	checkLineCol(t, m, d)
}

// checkLineCol checks LineColPosition at every offset, numbering lines and
// columns as go/token does: lines end at "\n" only.
func checkLineCol(t *testing.T, m *Mapper, d *refDoc) {
	t.Helper()
	b := m.Content()
	line, col := 1, 1
	for o := 0; o <= len(b); o++ {
		p, err := m.LineColPosition(line, col)
		want := d.pos[o]
		if o > 0 && o < len(b) && b[o] == '\n' && b[o-1] == '\r' {
			want = d.pos[o-1]
		}
		switch {
		case want == nil:
			if !errors.Is(err, ErrBadOffset) {
				t.Fatalf("%q: LineColPosition(%d, %d) [offset %d] = %v, %v; want ErrBadOffset", b, line, col, o, p, err)
			}
		case err != nil || p != *want:
			t.Fatalf("%q: LineColPosition(%d, %d) [offset %d] = %v, %v; want %v", b, line, col, o, p, err, *want)
		}
		if o < len(b) && b[o] == '\n' {
			if _, err := m.LineColPosition(line, col+1); !errors.Is(err, ErrBadPosition) {
				t.Fatalf("%q: LineColPosition(%d, %d) beyond the line: err = %v", b, line, col+1, err)
			}
			line, col = line+1, 1
		} else {
			col++
		}
	}
	if _, err := m.LineColPosition(line+1, 1); !errors.Is(err, ErrBadPosition) {
		t.Fatalf("%q: LineColPosition(%d, 1) beyond the document: err = %v", b, line+1, err)
	}
}

// fuzzTexts are the replacement texts edits draw from: terminators that can
// merge with neighbours into "\r\n", multi-byte and astral runes, and bytes
// that are not UTF-8 or that complete a neighbour into a rune.
var fuzzTexts = []string{
	"", "x", "\n", "\r", "\r\n", "\n\r", "é", "世", "\U0001D11E", "\U0001F600",
	"\xff", "\xe4", "\xb8\x96", "\xf0\x9f", "a\r\nb", "\U0001F600\r", "\r\r\n\n",
}

// decodeChanges turns fuzz bytes into a sequence of at most 8 changes, five
// bytes each: kind, start line, start character, end line delta or line,
// end character. Numbers are kept small so that most positions exist, with
// 255 standing for the largest uint32.
func decodeChanges(ops []byte) []Change {
	num := func(b byte, mod uint32) uint32 {
		if b == 255 {
			return 1<<32 - 1
		}
		return uint32(b) % mod
	}
	var changes []Change
	for len(ops) >= 5 && len(changes) < 8 {
		kind, o := ops[0], ops[1:5]
		ops = ops[5:]
		text := fuzzTexts[int(kind>>3)%len(fuzzTexts)]
		if kind&7 == 0 {
			// Full replacement, by pool text or by raw fuzz bytes.
			if o[0]&1 == 1 {
				text = string(o[1:])
			}
			changes = append(changes, Change{Text: text})
			continue
		}
		start := Position{num(o[0], 6), num(o[1], 9)}
		end := Position{num(o[2], 6), num(o[3], 9)}
		if kind&4 == 0 && o[2] != 255 {
			// Mostly well ordered: end line relative to start line.
			end.Line = start.Line + uint32(o[2])%3
		}
		changes = append(changes, Change{Range: &Range{start, end}, Text: text})
	}
	return changes
}

func FuzzApply(f *testing.F) {
	seeds := []struct{ content, ops string }{
		{"", ""},
		{"", "\x01\x00\x00\x00\x00"},
		{"hello\nworld", "\x09\x00\x02\x01\x03"},
		{"a\u00e9\u4e16\U0001D11E\U0001F600\n", "\x11\x00\x04\x00\x05\x01\x00\x03\x00\x07"},
		{"ab\r\ncd\rx\n\r\n", "\x19\x00\x02\x01\x00\x21\x01\x02\x01\x00\x09\x03\x00\x01\x00"},
		{"a\r", "\x11\x00\x01\x00\x01\x19\x01\x00\x00\x00"},
		{"x\ny\nz", "\x00\x00\x00\x00\x00\x09\x00\x00\x02\x00"},
		{"x\ny", "\x00\x01\xff\xfe\x0a\x09\x00\x01\x00\x00"},
		{"\xe4x\xb8\x96", "\x01\x00\x01\x00\x02"},
		{"\ufffd\U0001F600", "\x01\x00\x01\x00\x03\x01\xff\x00\xff\x00"},
		{"abc", "\x05\x00\x02\x00\x01"},
		{"abc\ndef", "\x01\x00\x63\x01\x63\x01\x02\x00\x00\x00"},
	}
	for _, s := range seeds {
		f.Add([]byte(s.content), []byte(s.ops))
	}
	f.Fuzz(func(t *testing.T, content, ops []byte) {
		changes := decodeChanges(ops)
		orig := bytes.Clone(content)
		got, err := Apply(content, changes)
		if !bytes.Equal(content, orig) {
			t.Fatalf("Apply modified its input: %q became %q", orig, content)
		}
		want, werr := refApply(content, changes)
		if sentinel(err) != sentinel(werr) {
			t.Fatalf("Apply(%q, %v) error = %v, reference error = %v", content, changes, err, werr)
		}
		if err != nil {
			if got != nil {
				t.Fatalf("Apply(%q, %v) = %q with error %v; want nil", content, changes, got, err)
			}
			return
		}
		if !bytes.Equal(got, want) {
			t.Fatalf("Apply(%q, %v) = %q, want %q", content, changes, got, want)
		}
		if len(got) > 0 && len(content) > 0 && &got[0] == &content[0] {
			t.Fatalf("Apply(%q, %v) returned memory shared with its input", content, changes)
		}
	})
}

func FuzzRoundTrip(f *testing.F) {
	for _, s := range []string{
		"", "a", "\n", "\r", "\r\n", "\n\r", "\r\r\n", "hello\nworld", mixed, endings,
		"\xff", "\xe4\xb8", "\xed\xa0\x80", "\xf0\x9f\x98", "\ufffd", "\xc0\x80",
		"\U0001F600\r\n\U0001F600\r", "x\r\xe4\n\xb8\x96", "\uffff\U00010000\U0010FFFF\xf4\x90\x80\x80",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		if len(b) > 1024 {
			return // the reference checks are quadratic: 4 KiB takes 0.1-0.3 s, which stalls minimization
		}
		checkRoundTrip(t, b)
	})
}
