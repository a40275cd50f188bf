package syntax

import (
	"strings"
	"testing"
)

// TestLineIndex checks lineIndex against pointOracle at every offset (and
// beyond both ends, where it clamps) of texts with empty, CRLF and
// multi-byte lines.
func TestLineIndex(t *testing.T) {
	for _, src := range []string{
		"", "\n", "\n\n", "a", "a\n", "ab\ncd", "ab\ncd\n", "\r\n\r\nx\r\n",
		"héllo\n東京\n\n😀 end", goSample, strings.Repeat("line\n", 100),
	} {
		li := newLineIndex([]byte(src))
		oracle := pointOracle([]byte(src))
		for off := -2; off <= len(src)+2; off++ {
			want := oracle(max(0, min(off, len(src))))
			if got := li.point(off); got != want {
				t.Fatalf("%q: point(%d) = %+v, want %+v", src, off, got, want)
			}
			if got := li.lineOf(off); got != want.Line-1 {
				t.Fatalf("%q: lineOf(%d) = %d, want %d", src, off, got, want.Line-1)
			}
			if got, want := li.lineStart(off), want.Byte-want.Column+1; got != want {
				t.Fatalf("%q: lineStart(%d) = %d, want %d", src, off, got, want)
			}
		}
	}
}
