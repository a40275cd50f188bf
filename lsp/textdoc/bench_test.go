package textdoc

import (
	"strings"
	"testing"
)

// doc1MB returns about 1 MB of source-like text: 60-byte lines, some with
// non-ASCII runes, and the number of lines.
func doc1MB() ([]byte, int) {
	lines := []string{
		"\tif err := m.Offset(p); err != nil { return err } // ascii",
		"\t// 世界 — é and an emoji \U0001F600 inside a comment line....",
		"func example(a, b int) (int, error) { return a + b, nil }   ",
	}
	var sb strings.Builder
	n := 0
	for sb.Len() < 1<<20 {
		sb.WriteString(lines[n%len(lines)])
		sb.WriteByte('\n')
		n++
	}
	return []byte(sb.String()), n + 1
}

func BenchmarkApplySmallEdit1MB(b *testing.B) {
	doc, lines := doc1MB()
	mid := uint32(lines / 2)
	changes := []Change{{Range: &Range{Position{mid, 10}, Position{mid, 10}}, Text: "x"}}
	b.SetBytes(int64(len(doc)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Apply(doc, changes); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkApplyTenEdits1MB(b *testing.B) {
	doc, lines := doc1MB()
	var changes []Change
	for i := range 10 {
		l := uint32(lines * i / 10)
		changes = append(changes, Change{Range: &Range{Position{l, 1}, Position{l, 3}}, Text: "xyz"})
	}
	b.SetBytes(int64(len(doc)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Apply(doc, changes); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkNewMapper1MB(b *testing.B) {
	doc, _ := doc1MB()
	b.SetBytes(int64(len(doc)))
	b.ReportAllocs()
	for b.Loop() {
		NewMapper(doc)
	}
}

func BenchmarkOffset(b *testing.B) {
	doc, _ := doc1MB()
	m := NewMapper(doc)
	// Valid positions spread over the document, 0 to 60 units into a line.
	var ps []Position
	for o := 0; o < len(doc); o += 997 {
		if p, err := m.Position(o); err == nil {
			ps = append(ps, p)
		}
	}
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		if _, err := m.Offset(ps[i%len(ps)]); err != nil {
			b.Fatal(err)
		}
		i++
	}
}

func BenchmarkPosition(b *testing.B) {
	doc, _ := doc1MB()
	m := NewMapper(doc)
	// Offsets at line starts, which are always rune boundaries, plus a few
	// bytes into the (ASCII-prefixed) line.
	offsets := make([]int, 0, len(m.starts))
	for _, s := range m.starts {
		offsets = append(offsets, min(s+1, len(doc)))
	}
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		if _, err := m.Position(offsets[(i*7919)%len(offsets)]); err != nil {
			b.Fatal(err)
		}
		i++
	}
}

// BenchmarkCopy1MB is the floor for an edit: allocating and copying the
// document once.
func BenchmarkCopy1MB(b *testing.B) {
	doc, _ := doc1MB()
	b.SetBytes(int64(len(doc)))
	b.ReportAllocs()
	for b.Loop() {
		out := make([]byte, len(doc)+1)
		copy(out, doc)
	}
}
