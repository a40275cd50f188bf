package textdoc

import (
	"errors"
	"testing"
)

// mixed holds 1-, 2-, 3- and 4-byte runes: a é 世 𝄞 😀.
const mixed = "a\u00e9\u4e16\U0001D11E\U0001F600\n"

// endings mixes every terminator: "ab" \r\n "cd" \r "x" \n "" \r\n "".
const endings = "ab\r\ncd\rx\n\r\n"

func TestOffset(t *testing.T) {
	tests := []struct {
		name    string
		content string
		pos     Position
		want    int
		err     error
	}{
		{"ascii start", "hello\nworld", Position{0, 0}, 0, nil},
		{"ascii mid", "hello\nworld", Position{1, 3}, 9, nil},
		{"ascii line end no trailing newline", "hello\nworld", Position{1, 5}, 11, nil},
		{"ascii clamp", "hello\nworld", Position{0, 99}, 5, nil},
		{"clamp max uint32", "hello\nworld", Position{1, 1<<32 - 1}, 11, nil},
		{"line beyond no trailing newline", "hello\nworld", Position{2, 0}, 0, ErrBadPosition},
		{"huge line", "hello", Position{1<<32 - 1, 0}, 0, ErrBadPosition},

		{"2-byte rune", mixed, Position{0, 1}, 1, nil},
		{"after 2-byte rune", mixed, Position{0, 2}, 3, nil},
		{"after 3-byte rune", mixed, Position{0, 3}, 6, nil},
		{"inside surrogate pair of 4-byte rune", mixed, Position{0, 4}, 0, ErrBadPosition},
		{"after 4-byte rune", mixed, Position{0, 5}, 10, nil},
		{"inside emoji surrogate pair", mixed, Position{0, 6}, 0, ErrBadPosition},
		{"line end after emoji", mixed, Position{0, 7}, 14, nil},
		{"clamp after emoji", mixed, Position{0, 8}, 14, nil},
		{"empty line after trailing newline is end of document", mixed, Position{1, 0}, 15, nil},
		{"clamp on final empty line", mixed, Position{1, 3}, 15, nil},
		{"line count beyond with trailing newline", mixed, Position{2, 0}, 0, ErrBadPosition},

		{"crlf line end", endings, Position{0, 2}, 2, nil},
		{"crlf clamp stops before \\r", endings, Position{0, 3}, 2, nil},
		{"after crlf", endings, Position{1, 0}, 4, nil},
		{"lone cr line end", endings, Position{1, 2}, 6, nil},
		{"lone cr clamp", endings, Position{1, 9}, 6, nil},
		{"after lone cr", endings, Position{2, 0}, 7, nil},
		{"lf line end", endings, Position{2, 1}, 8, nil},
		{"empty crlf line", endings, Position{3, 0}, 9, nil},
		{"empty crlf line clamp", endings, Position{3, 1}, 9, nil},
		{"final empty line", endings, Position{4, 0}, 11, nil},
		{"beyond final empty line", endings, Position{5, 0}, 0, ErrBadPosition},
		{"lone cr at end", "a\r", Position{1, 0}, 2, nil},
		{"cr cr lf", "\r\r\n", Position{1, 5}, 1, nil},
		{"lf cr", "\n\r", Position{2, 0}, 2, nil},

		{"empty document", "", Position{0, 0}, 0, nil},
		{"empty document clamp", "", Position{0, 4}, 0, nil},
		{"empty document line 1", "", Position{1, 0}, 0, ErrBadPosition},

		{"invalid byte counts one unit", "a\xffb", Position{0, 2}, 2, nil},
		{"truncated 3-byte sequence counts per byte", "\xe4\xb8c", Position{0, 2}, 2, nil},
		{"truncated 4-byte sequence counts per byte", "\xf0\x9f\x98x", Position{0, 3}, 3, nil},
		{"encoded surrogate counts per byte", "\xed\xa0\x80x", Position{0, 3}, 3, nil},
		{"U+FFFF is one unit", "\uffffx", Position{0, 1}, 3, nil},
		{"U+10000 is two units", "\U00010000x", Position{0, 2}, 4, nil},
		{"inside U+10000", "\U00010000x", Position{0, 1}, 0, ErrBadPosition},
		{"valid U+FFFD is one unit", "\ufffdx", Position{0, 1}, 3, nil},
		{"invalid byte before newline", "\xe4\n\xb8", Position{1, 1}, 3, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := NewMapper([]byte(tt.content))
			got, err := m.Offset(tt.pos)
			if !errors.Is(err, tt.err) || (tt.err == nil && got != tt.want) {
				t.Fatalf("Offset(%v) = %d, %v; want %d, %v", tt.pos, got, err, tt.want, tt.err)
			}
			if err != nil {
				t.Logf("error: %v", err)
			}
		})
	}
}

func TestPosition(t *testing.T) {
	tests := []struct {
		name    string
		content string
		offset  int
		want    Position
		err     error
	}{
		{"start", "hello\nworld", 0, Position{0, 0}, nil},
		{"newline is end of line", "hello\nworld", 5, Position{0, 5}, nil},
		{"next line", "hello\nworld", 6, Position{1, 0}, nil},
		{"end", "hello\nworld", 11, Position{1, 5}, nil},
		{"negative", "hello", -1, Position{}, ErrBadOffset},
		{"past end", "hello", 6, Position{}, ErrBadOffset},

		{"after é", mixed, 3, Position{0, 2}, nil},
		{"inside é", mixed, 2, Position{}, ErrBadOffset},
		{"inside 世", mixed, 4, Position{}, ErrBadOffset},
		{"after 世", mixed, 6, Position{0, 3}, nil},
		{"inside 𝄞", mixed, 7, Position{}, ErrBadOffset},
		{"inside 𝄞 last byte", mixed, 9, Position{}, ErrBadOffset},
		{"after 𝄞", mixed, 10, Position{0, 5}, nil},
		{"after emoji", mixed, 14, Position{0, 7}, nil},
		{"end after trailing newline", mixed, 15, Position{1, 0}, nil},

		{"before crlf", endings, 2, Position{0, 2}, nil},
		{"between cr and lf", endings, 3, Position{}, ErrBadOffset},
		{"after crlf", endings, 4, Position{1, 0}, nil},
		{"before lone cr", endings, 6, Position{1, 2}, nil},
		{"after lone cr", endings, 7, Position{2, 0}, nil},
		{"empty crlf line", endings, 9, Position{3, 0}, nil},
		{"between cr and lf of empty line", endings, 10, Position{}, ErrBadOffset},
		{"end", endings, 11, Position{4, 0}, nil},

		{"empty", "", 0, Position{0, 0}, nil},
		{"empty past end", "", 1, Position{}, ErrBadOffset},

		{"after invalid byte", "a\xffb", 2, Position{0, 2}, nil},
		{"inside truncated sequence is a boundary", "\xe4\xb8c", 1, Position{0, 1}, nil},
		{"inside U+FFFD", "\ufffdx", 1, Position{}, ErrBadOffset},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := NewMapper([]byte(tt.content))
			got, err := m.Position(tt.offset)
			if !errors.Is(err, tt.err) || (tt.err == nil && got != tt.want) {
				t.Fatalf("Position(%d) = %v, %v; want %v, %v", tt.offset, got, err, tt.want, tt.err)
			}
			if err != nil {
				t.Logf("error: %v", err)
			}
		})
	}
}

func TestLineCount(t *testing.T) {
	tests := []struct {
		content string
		want    int
	}{
		{"", 1},
		{"a", 1},
		{"a\n", 2},
		{"a\r\n", 2},
		{"a\r", 2},
		{"\r\r\n", 3},
		{"\n\r", 3},
		{"\r\n\r\n", 3},
		{endings, 5},
		{mixed, 2},
	}
	for _, tt := range tests {
		if got := NewMapper([]byte(tt.content)).LineCount(); got != tt.want {
			t.Errorf("LineCount(%q) = %d, want %d", tt.content, got, tt.want)
		}
	}
}

func TestRanges(t *testing.T) {
	m := NewMapper([]byte(mixed))
	tests := []struct {
		name       string
		r          Range
		start, end int
		err        error
	}{
		{"empty", Range{Position{0, 1}, Position{0, 1}}, 1, 1, nil},
		{"whole", Range{Position{0, 0}, Position{1, 0}}, 0, 15, nil},
		{"clamped both", Range{Position{0, 10}, Position{0, 20}}, 14, 14, nil},
		{"reversed", Range{Position{0, 3}, Position{0, 2}}, 0, 0, ErrBadRange},
		{"reversed lines", Range{Position{1, 0}, Position{0, 9}}, 0, 0, ErrBadRange},
		{"reversed though both clamp", Range{Position{0, 20}, Position{0, 10}}, 0, 0, ErrBadRange},
		{"bad start", Range{Position{0, 4}, Position{0, 5}}, 0, 0, ErrBadPosition},
		{"bad end", Range{Position{0, 0}, Position{3, 0}}, 0, 0, ErrBadPosition},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, e, err := m.OffsetRange(tt.r)
			if !errors.Is(err, tt.err) || (tt.err == nil && (s != tt.start || e != tt.end)) {
				t.Fatalf("OffsetRange(%v) = %d, %d, %v; want %d, %d, %v", tt.r, s, e, err, tt.start, tt.end, tt.err)
			}
			if err != nil {
				return
			}
			r, err := m.Range(s, e)
			if err != nil {
				t.Fatalf("Range(%d, %d): %v", s, e, err)
			}
			if s2, e2, _ := m.OffsetRange(r); s2 != s || e2 != e {
				t.Errorf("Range(%d, %d) = %v, which maps back to %d, %d", s, e, r, s2, e2)
			}
		})
	}
	if _, err := m.Range(3, 1); !errors.Is(err, ErrBadRange) {
		t.Errorf("Range(3, 1) error = %v, want ErrBadRange", err)
	}
	if _, err := m.Range(0, 2); !errors.Is(err, ErrBadOffset) {
		t.Errorf("Range(0, 2) error = %v, want ErrBadOffset", err)
	}
	if _, err := m.Range(0, 16); !errors.Is(err, ErrBadOffset) {
		t.Errorf("Range(0, 16) error = %v, want ErrBadOffset", err)
	}
}

func TestLineColPosition(t *testing.T) {
	tests := []struct {
		name      string
		content   string
		line, col int
		want      Position
		err       error
	}{
		{"first", "x := 1\n世界\n", 1, 1, Position{0, 0}, nil},
		{"newline column", "x := 1\n世界\n", 1, 7, Position{0, 6}, nil},
		{"beyond newline", "x := 1\n世界\n", 1, 8, Position{}, ErrBadPosition},
		{"after 3-byte rune", "x := 1\n世界\n", 2, 4, Position{1, 1}, nil},
		{"inside rune", "x := 1\n世界\n", 2, 2, Position{}, ErrBadOffset},
		{"final empty line", "x := 1\n世界\n", 3, 1, Position{2, 0}, nil},
		{"beyond last line", "x := 1\n世界\n", 4, 1, Position{}, ErrBadPosition},
		{"end without newline", "ab", 1, 3, Position{0, 2}, nil},
		{"zero line", "ab", 0, 1, Position{}, ErrBadPosition},
		{"zero column", "ab", 1, 0, Position{}, ErrBadPosition},
		{"4-byte rune", "\U0001F600x", 1, 5, Position{0, 2}, nil},

		{"crlf: at cr", "ab\r\ncd", 1, 3, Position{0, 2}, nil},
		{"crlf: newline token at lf maps to line end", "ab\r\ncd", 1, 4, Position{0, 2}, nil},
		{"crlf: next line", "ab\r\ncd", 2, 2, Position{1, 1}, nil},
		{"crlf: beyond", "ab\r\ncd", 1, 5, Position{}, ErrBadPosition},

		// go/token does not end lines at a lone \r.
		{"lone cr: same go line", "ab\r\ncd\rx\n", 2, 4, Position{2, 0}, nil},
		{"lone cr: at cr", "ab\r\ncd\rx\n", 2, 3, Position{1, 2}, nil},
		{"lone cr: lf", "ab\r\ncd\rx\n", 2, 5, Position{2, 1}, nil},
		{"lone cr: end", "ab\r\ncd\rx\n", 3, 1, Position{3, 0}, nil},
		{"lone cr: beyond", "ab\r\ncd\rx\n", 4, 1, Position{}, ErrBadPosition},
		{"lone cr: beyond column", "ab\r\ncd\rx\n", 2, 6, Position{}, ErrBadPosition},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := NewMapper([]byte(tt.content))
			got, err := m.LineColPosition(tt.line, tt.col)
			if !errors.Is(err, tt.err) || (tt.err == nil && got != tt.want) {
				t.Fatalf("LineColPosition(%d, %d) = %v, %v; want %v, %v", tt.line, tt.col, got, err, tt.want, tt.err)
			}
		})
	}
}

// TestRoundTripTables checks both round trips exhaustively on the documents
// the tables use.
func TestRoundTripTables(t *testing.T) {
	for _, c := range []string{"", "hello\nworld", mixed, endings, "a\xffb\xe4\xb8c\r", "\r\r\n\n\r", "\ufffd\U0001F600"} {
		checkRoundTrip(t, []byte(c))
	}
}
