package memory

import (
	"strconv"
	"strings"
)

// EstimateTokens estimates how many model tokens s takes: one per four
// bytes, rounded up. Byte-pair tokenizers average three to four bytes per
// token on source code; the estimate errs on the generous side for prose
// and is cheap enough to run on every candidate. It is subadditive, so the
// estimate of a concatenation never exceeds the sum of its parts.
func EstimateTokens(s string) int { return (len(s) + 3) / 4 }

// cutMarker is the line that replaces the lines of a chunk that did not fit.
func cutMarker(from, to int) string {
	return "… [cut: lines " + strconv.Itoa(from) + "-" + strconv.Itoa(to) + " not shown]\n"
}

// renderChunk renders a chunk for the packed context: a header naming the
// file, lines and symbol, then the text (or its first keep lines, then a
// cut marker) in a fenced block. keep < 0 renders every line.
func renderChunk(c *Chunk, lines []string, keep int) string {
	var b strings.Builder
	b.WriteString(c.Path)
	b.WriteByte(':')
	b.WriteString(strconv.Itoa(c.StartLine))
	b.WriteByte('-')
	b.WriteString(strconv.Itoa(c.EndLine))
	if c.Symbol != "" {
		b.WriteByte(' ')
		b.WriteString(c.Symbol)
	}
	b.WriteString("\n```")
	b.WriteString(c.Lang)
	b.WriteByte('\n')
	if keep < 0 || keep >= len(lines) {
		for _, l := range lines {
			b.WriteString(l)
		}
	} else {
		for _, l := range lines[:keep] {
			b.WriteString(l)
		}
		b.WriteString(cutMarker(c.StartLine+keep, c.StartLine+len(lines)-1))
	}
	b.WriteString("```\n\n")
	return b.String()
}

// splitLines splits text into lines that keep their newline; the last
// line gets one when it has none.
func splitLines(text string) []string {
	if text == "" {
		return nil
	}
	lines := strings.SplitAfter(text, "\n")
	if lines[len(lines)-1] == "" {
		lines = lines[:len(lines)-1]
	} else {
		lines[len(lines)-1] += "\n"
	}
	return lines
}

// packItems renders items, in order, within budget tokens. An item that
// does not fit whole keeps as many of its first lines as fit, followed by
// a cut marker; an item of which not even one line fits is left out (and
// later, smaller items may still fit). It returns the packed text, its
// tokens, the items packed (Cut and Tokens set) and how many were left out.
func packItems(items []Item, budget int) (string, int, []Item, int) {
	var b strings.Builder
	left := budget
	kept := items[:0:0]
	omitted := 0
	for _, it := range items {
		lines := splitLines(it.Text)
		full := renderChunk(&it.Chunk, lines, -1)
		if t := EstimateTokens(full); t <= left {
			it.Tokens = t
			b.WriteString(full)
			left -= t
			kept = append(kept, it)
			continue
		}
		// The longest prefix of whole lines that fits: token counts grow
		// with the number of lines kept, so binary search.
		lo, hi := 0, len(lines)-1 // lo fits (or is 0), hi+1 does not
		for lo < hi {
			mid := (lo + hi + 1) / 2
			if EstimateTokens(renderChunk(&it.Chunk, lines, mid)) <= left {
				lo = mid
			} else {
				hi = mid - 1
			}
		}
		if lo == 0 {
			omitted++
			continue
		}
		part := renderChunk(&it.Chunk, lines, lo)
		it.Tokens = EstimateTokens(part)
		it.Cut = true
		b.WriteString(part)
		left -= it.Tokens
		kept = append(kept, it)
	}
	out := b.String()
	return out, EstimateTokens(out), kept, omitted
}
