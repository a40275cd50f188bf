package memory

import (
	"unicode"
	"unicode/utf8"
)

// maxWordBytes bounds the words the tokenizer looks at: longer runs of
// identifier characters (minified code, base64, hashes) are skipped whole
// rather than flooding the vocabulary.
const maxWordBytes = 64

// isStopWord reports prose words dropped from chunks and queries alike.
// The list is small on purpose: words that carry meaning in code (get,
// set, new, error, string) stay.
func isStopWord(tok []byte) bool {
	switch string(tok) {
	case "a", "an", "and", "are", "as", "at", "be", "by", "can", "do", "does", "for", "from",
		"has", "have", "how", "i", "if", "in", "into", "is", "it", "its", "me", "my", "of", "on",
		"or", "our", "so", "that", "the", "their", "then", "there", "these", "this", "those", "to",
		"was", "we", "were", "what", "when", "where", "which", "who", "why", "will", "with", "you",
		"your":
		return true
	}
	return false
}

// maxStopWord is the length of the longest stop word.
const maxStopWord = 5

// Tokenize splits text into the lower-case tokens that the sparse index
// and the feedback index use, for chunks and queries alike.
//
// A word is a run of letters, digits and underscores (and hyphens between
// two letters, for kebab-case). Each word yields itself, lower-cased, and
// then its parts when it has more than one: parts split at underscores and
// hyphens, at lower-to-upper changes (camelCase), before the last capital
// of an acronym followed by a lower-case letter (HTTPServer → http,
// server) and between letters and digits (parseURL2 → parse, url, 2).
// Stop words and single letters are dropped; words over 64 bytes are
// skipped.
func Tokenize(text string) []string {
	var out []string
	var t tokenizer
	t.each(text, func(tok []byte) { out = append(out, string(tok)) })
	return out
}

// tokenizer holds the scratch space of one tokenizing goroutine, so that
// indexing and queries allocate nothing per token.
type tokenizer struct {
	whole  []byte
	part   []byte
	bounds [][2]int
}

// runeClass classifies the runes of a word for splitting.
type runeClass uint8

const (
	classSep runeClass = iota
	classLower
	classUpper
	classDigit
)

// asciiWord marks the ASCII bytes that belong to words: letters, digits
// and the underscore.
var asciiWord = func() (t [utf8.RuneSelf]bool) {
	for c := range t {
		t[c] = c == '_' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
	}
	return t
}()

func classOf(r rune) runeClass {
	switch {
	case r >= 'a' && r <= 'z':
		return classLower
	case r >= 'A' && r <= 'Z':
		return classUpper
	case r >= '0' && r <= '9':
		return classDigit
	case r == '_' || r == '-':
		return classSep
	case r < utf8.RuneSelf:
		return classSep
	case unicode.IsUpper(r):
		return classUpper
	case unicode.IsDigit(r):
		return classDigit
	}
	return classLower
}

// isWordRune reports whether r belongs to a word (hyphens are handled by
// the caller).
func isWordRune(r rune) bool {
	if r < utf8.RuneSelf {
		return asciiWord[r]
	}
	return unicode.IsLetter(r) || unicode.IsDigit(r)
}

func isLetterRune(r rune) bool {
	if r < utf8.RuneSelf {
		return r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z'
	}
	return unicode.IsLetter(r)
}

// each calls emit for every token of text, in order. The slice passed to
// emit is only valid during the call.
func (t *tokenizer) each(text string, emit func([]byte)) {
	i := 0
	for i < len(text) {
		if c := text[i]; c < utf8.RuneSelf && !asciiWord[c] {
			i++
			continue
		}
		r, size := decodeRune(text, i)
		if !isWordRune(r) {
			i += size
			continue
		}
		start := i
		prevLetter := false
		for i < len(text) {
			if c := text[i]; c < utf8.RuneSelf && asciiWord[c] {
				prevLetter = c|0x20 >= 'a' && c|0x20 <= 'z'
				i++
				continue
			}
			r, size = decodeRune(text, i)
			if isWordRune(r) {
				prevLetter = isLetterRune(r)
				i += size
				continue
			}
			if r == '-' && prevLetter && i+1 < len(text) {
				if next, _ := decodeRune(text, i+1); isLetterRune(next) {
					i++
					continue
				}
			}
			break
		}
		if i-start <= maxWordBytes {
			t.word(text[start:i], emit)
		}
	}
}

func decodeRune(s string, i int) (rune, int) {
	if c := s[i]; c < utf8.RuneSelf {
		return rune(c), 1
	}
	return utf8.DecodeRuneInString(s[i:])
}

// word emits the whole word and, when it differs from its only part or
// has several, its parts.
func (t *tokenizer) word(w string, emit func([]byte)) {
	if simpleWord(w) {
		t.whole = append(t.whole[:0], w...)
		t.keep(t.whole, emit)
		return
	}
	t.bounds = t.bounds[:0]
	t.parts(w, func(s, e int) { t.bounds = append(t.bounds, [2]int{s, e}) })
	t.whole = appendLower(t.whole[:0], w)
	t.keep(t.whole, emit)
	if len(t.bounds) == 1 && t.bounds[0] == [2]int{0, len(w)} {
		return
	}
	for _, b := range t.bounds {
		t.part = appendLower(t.part[:0], w[b[0]:b[1]])
		t.keep(t.part, emit)
	}
}

// simpleWord reports an all-lower-case ASCII word: its own only part.
func simpleWord(w string) bool {
	for i := 0; i < len(w); i++ {
		if c := w[i]; c < 'a' || c > 'z' {
			return false
		}
	}
	return true
}

// keep emits tok unless it is a stop word or a single letter.
func (t *tokenizer) keep(tok []byte, emit func([]byte)) {
	if len(tok) == 0 || len(tok) == 1 && !(tok[0] >= '0' && tok[0] <= '9') {
		return
	}
	if len(tok) <= maxStopWord && isStopWord(tok) {
		return
	}
	emit(tok)
}

// parts calls fn with the byte range of each part of the word w.
func (t *tokenizer) parts(w string, fn func(start, end int)) {
	start := -1
	var prev runeClass = classSep
	for i := 0; i < len(w); {
		r, size := rune(w[i]), 1
		if r >= utf8.RuneSelf {
			r, size = utf8.DecodeRuneInString(w[i:])
		}
		c := classOf(r)
		if c == classSep {
			if start >= 0 {
				fn(start, i)
				start = -1
			}
			prev = c
			i += size
			continue
		}
		if start >= 0 && boundary(prev, c, w, i+size) {
			fn(start, i)
			start = i
		}
		if start < 0 {
			start = i
		}
		prev = c
		i += size
	}
	if start >= 0 {
		fn(start, len(w))
	}
}

// boundary reports whether a new part starts at a rune of class c that
// follows a rune of class prev; next is the index of the rune after it.
func boundary(prev, c runeClass, w string, next int) bool {
	switch {
	case prev == classLower && c == classUpper:
		return true
	case prev == classDigit && c != classDigit, prev != classDigit && c == classDigit:
		return true
	case prev == classUpper && c == classUpper && next < len(w):
		r, _ := decodeRune(w, next)
		return classOf(r) == classLower
	}
	return false
}

// appendLower appends the lower-case form of s to dst.
func appendLower(dst []byte, s string) []byte {
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			if c >= 'A' && c <= 'Z' {
				c += 'a' - 'A'
			}
			dst = append(dst, c)
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		dst = utf8.AppendRune(dst, unicode.ToLower(r))
		i += size
	}
	return dst
}
