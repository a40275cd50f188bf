package author

import (
	"fmt"
	"slices"
	"strings"
	"unicode/utf8"
)

// Bounds of the edit grammar. Every answer the grammar allows is finite
// and fits the answer's token budget at one byte a token (the worst case:
// a model forced off its own preferences spells with byte tokens, as
// stories260k does at 1.1 bytes a token): even a model that never
// chooses to stop reaches the end of its last block. The price is length:
// REPLACE lines are at most a little longer than the file's longest line,
// and their number is what the budget leaves (about 30 lines of 40 bytes
// for MaxAnswerTokens).
const (
	grammarBlocks      = 3   // blocks in one answer, at most
	grammarSearchLines = 30  // lines in one SEARCH, at most
	grammarMinWidth    = 60  // bytes a REPLACE line may hold, at least
	grammarMaxWidth    = 160 // and at most
	grammarMaxLines    = 120 // REPLACE lines, at most
	grammarMaxChoices  = 400 // distinct file lines SEARCH may choose from
	grammarBytesPerTok = 1
)

// editGrammar returns a GBNF grammar (llama.cpp's format) for an answer of
// SEARCH/REPLACE blocks that edit the task's file: every SEARCH line is a
// line of the file as the prompt shows it, so a SEARCH can only fail by
// choosing lines out of order, never by misquoting them. answerTokens
// bounds the REPLACE part. Only the tasks that edit one place of one file
// are constrained (a fix, a TODO, a doc comment); it returns "" for the
// others (tests go to a file of their own, an instruction may touch any
// file), when the task has no file, the file's excerpt is unusable, or the
// budget is too small for a one-line edit.
//
// A backend that cannot apply grammars answers as it would without one;
// the parser checks every answer the same way.
func editGrammar(t *Task, file *fileExcerpt, answerTokens int) string {
	switch t.Kind {
	case KindFix, KindTodo, KindDoc:
	default:
		return "" // tests go to a file of their own; an instruction may touch any file
	}
	if t.File == "" || file == nil || strings.ContainsAny(t.File, "\n\x00") {
		return ""
	}
	seen := map[string]bool{}
	var lines []string
	for l := range strings.Lines(file.text) {
		l = strings.TrimSuffix(l, "\n")
		if strings.TrimSpace(l) == "" || seen[l] || !utf8.ValidString(l) || strings.ContainsRune(l, 0) {
			continue
		}
		seen[l] = true
		lines = append(lines, l)
	}
	if len(lines) == 0 || len(lines) > grammarMaxChoices {
		return ""
	}
	slices.Sort(lines)
	longest := 0
	for _, l := range lines {
		longest = max(longest, len(l)+1)
	}
	header := len(t.File) + 1 + len("<<<<<<< SEARCH\n=======\n>>>>>>> REPLACE\n\n")
	budget := answerTokens * grammarBytesPerTok
	blocks := min(grammarBlocks, max(1, budget/1000))
	per := max(0, budget/blocks-header)
	searchLines := min(grammarSearchLines, max(1, per/4/longest))
	rest := max(0, per-searchLines*longest)
	width := min(max(longest+20, grammarMinWidth), grammarMaxWidth, max(rest, 20))
	replaceLines := min(grammarMaxLines, max(1, rest/(width+1)))
	if blocks*(header+searchLines*longest+replaceLines*(width+1)) > budget {
		return "" // not even one line of each fits: leave the answer free
	}
	var b strings.Builder
	fmt.Fprintf(&b, "root ::= block{1,%d}\n", blocks)
	fmt.Fprintf(&b, "block ::= %s \"<<<<<<< SEARCH\\n\" search \"=======\\n\" replace \">>>>>>> REPLACE\\n\" \"\\n\"?\n", gbnfString(t.File+"\n"))
	fmt.Fprintf(&b, "search ::= line{1,%d}\n", searchLines)
	fmt.Fprintf(&b, "replace ::= free{0,%d}\n", replaceLines)
	fmt.Fprintf(&b, "free ::= [^\\n]{0,%d} \"\\n\"\n", width)
	b.WriteString("line ::= ")
	for i, l := range lines {
		if i > 0 {
			b.WriteString(" | ")
		}
		b.WriteString(gbnfString(l + "\n"))
	}
	b.WriteString("\n")
	return b.String()
}

// gbnfString quotes s as a GBNF string literal.
func gbnfString(s string) string {
	var b strings.Builder
	b.WriteByte('"')
	for _, r := range s {
		switch r {
		case '"':
			b.WriteString(`\"`)
		case '\\':
			b.WriteString(`\\`)
		case '\n':
			b.WriteString(`\n`)
		case '\r':
			b.WriteString(`\r`)
		case '\t':
			b.WriteString(`\t`)
		default:
			if r < 0x20 || r == 0x7f {
				fmt.Fprintf(&b, `\x%02X`, r)
				continue
			}
			b.WriteRune(r)
		}
	}
	b.WriteByte('"')
	return b.String()
}
