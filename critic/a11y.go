package critic

import (
	"fmt"
	"path"
	"regexp"
	"sort"
	"strings"
)

// Accessibility rules (WCAG 2.x success criteria in brackets). The first
// three leave a control or image without an accessible name, which makes it
// unusable with a screen reader (level A): a patch that introduces one gets
// a Safety finding and is vetoed. The last two degrade the page (html-lang
// is level A but only affects pronunciation; contrast is AA): they cost
// Style points.
const (
	A11yImgAlt     = "img-alt"     // <img> (or <input type=image>) without alt [1.1.1]
	A11yFormLabel  = "form-label"  // input/select/textarea without a label [1.3.1, 4.1.2]
	A11yButtonName = "button-name" // <button> without an accessible name [4.1.2]
	A11yHTMLLang   = "html-lang"   // <html> without lang [3.1.1]
	A11yContrast   = "contrast"    // inline colours with a contrast ratio below 4.5:1 [1.4.3]
)

// a11yIssue is one accessibility problem in one file.
type a11yIssue struct {
	rule   string
	line   int
	key    string // rule and normalised element text: stable across line moves
	msg    string
	severe bool // a missing accessible name (Safety) rather than Style
}

// a11yFile reports whether the accessibility checker reads rel, and
// whether as JSX (.jsx, .tsx) rather than HTML.
func a11yFile(rel string) (ok, jsx bool) {
	switch strings.ToLower(path.Ext(rel)) {
	case ".html", ".htm", ".xhtml":
		return true, false
	case ".jsx", ".tsx":
		return true, true
	}
	return false, false
}

// newA11yIssues returns the issues of after that before did not have
// (compared as multisets of element texts, so moved markup is not new).
func newA11yIssues(before, after []byte, jsx bool) []a11yIssue {
	had := make(map[string]int)
	for _, is := range checkA11y(string(before), jsx) {
		had[is.key]++
	}
	var out []a11yIssue
	for _, is := range checkA11y(string(after), jsx) {
		if had[is.key] > 0 {
			had[is.key]--
			continue
		}
		out = append(out, is)
	}
	return out
}

// element is one start tag.
type element struct {
	name       string
	attrs      map[string]string // lower-case names; JSX expressions keep their braces
	spread     bool              // JSX {...props}: attributes unknown
	start, end int               // byte offsets of the tag text
	selfClose  bool
}

func (e *element) has(name string) bool {
	_, ok := e.attrs[name]
	return ok
}

// nonEmpty reports whether attribute name is present with a value.
func (e *element) nonEmpty(name string) bool {
	v, ok := e.attrs[name]
	v = strings.TrimSpace(v)
	return ok && v != "" && v != `{""}` && v != "{''}"
}

type closeTag struct {
	name       string
	start, end int
}

// checkA11y runs every rule over src.
func checkA11y(src string, jsx bool) []a11yIssue {
	els, closes := scanTags(src, jsx)
	lines := lineStarts(src)
	var out []a11yIssue
	report := func(e *element, rule string, severe bool, format string, args ...any) {
		text := strings.Join(strings.Fields(src[e.start:e.end]), " ")
		out = append(out, a11yIssue{
			rule: rule, line: lineOf(lines, e.start), key: rule + "\x00" + text, severe: severe,
			msg: fmt.Sprintf(format, args...) + ": " + clip(text, 120),
		})
	}
	// Labels: by for/htmlFor, and by wrapping.
	labelFor := make(map[string]bool)
	var labelRanges [][2]int
	for i := range els {
		e := &els[i]
		if e.name != "label" {
			continue
		}
		for _, a := range []string{"for", "htmlfor"} {
			if v := unquoteAttr(e.attrs[a]); v != "" {
				labelFor[v] = true
			}
		}
		if !e.selfClose {
			if c := matchClose(els, closes, i); c >= 0 {
				labelRanges = append(labelRanges, [2]int{e.end, c})
			}
		}
	}
	inLabel := func(off int) bool {
		for _, r := range labelRanges {
			if off >= r[0] && off < r[1] {
				return true
			}
		}
		return false
	}
	named := func(e *element) bool {
		return e.spread || e.nonEmpty("aria-label") || e.nonEmpty("aria-labelledby") || e.nonEmpty("title")
	}
	for i := range els {
		e := &els[i]
		switch e.name {
		case "img":
			if !e.has("alt") && !named(e) && !decorative(e) {
				report(e, A11yImgAlt, true, "image without alt text")
			}
		case "input":
			switch typ := strings.ToLower(unquoteAttr(e.attrs["type"])); typ {
			case "hidden", "submit", "reset":
			case "image":
				if !e.has("alt") && !named(e) {
					report(e, A11yImgAlt, true, "image button without alt text")
				}
			case "button":
				if !e.nonEmpty("value") && !named(e) {
					report(e, A11yButtonName, true, "button without an accessible name")
				}
			default:
				if !named(e) && !labelFor[unquoteAttr(e.attrs["id"])] && !inLabel(e.start) {
					report(e, A11yFormLabel, true, "form field without a label")
				}
			}
		case "select", "textarea":
			if !named(e) && !labelFor[unquoteAttr(e.attrs["id"])] && !inLabel(e.start) {
				report(e, A11yFormLabel, true, "form field without a label")
			}
		case "button":
			if !named(e) && !buttonHasContentName(src, els, closes, i) {
				report(e, A11yButtonName, true, "button without an accessible name")
			}
		case "html":
			if !e.nonEmpty("lang") && !e.spread {
				report(e, A11yHTMLLang, false, "<html> without a lang attribute")
			}
		}
		if style, ok := e.attrs["style"]; ok {
			if fg, bg, ok := inlineColours(style, jsx); ok {
				if r := contrastRatio(fg, bg); r < 4.5 {
					report(e, A11yContrast, false, "contrast ratio %.2f:1 is below 4.5:1", r)
				}
			}
		}
	}
	return out
}

// decorative reports whether an image is hidden from assistive technology.
func decorative(e *element) bool {
	role := strings.ToLower(unquoteAttr(e.attrs["role"]))
	return role == "presentation" || role == "none" || strings.ToLower(unquoteAttr(e.attrs["aria-hidden"])) == "true"
}

// buttonHasContentName reports whether the button els[i] has text (or a
// named image or a JSX expression) between its tags.
func buttonHasContentName(src string, els []element, closes []closeTag, i int) bool {
	e := &els[i]
	if e.selfClose {
		return false
	}
	end := matchClose(els, closes, i)
	if end < 0 {
		return true // unterminated: do not guess
	}
	for j := i + 1; j < len(els) && els[j].start < end; j++ {
		in := &els[j]
		if in.spread || in.nonEmpty("alt") || in.nonEmpty("aria-label") || in.nonEmpty("title") {
			return true
		}
	}
	inner := src[e.end:end]
	inner = htmlComment.ReplaceAllString(inner, "")
	inner = tagText.ReplaceAllString(inner, " ")
	inner = strings.ReplaceAll(inner, "&nbsp;", " ")
	return strings.TrimSpace(inner) != ""
}

var (
	htmlComment = regexp.MustCompile(`(?s)<!--.*?-->|\{/\*.*?\*/\}`)
	tagText     = regexp.MustCompile(`(?s)<[^>]*>`)
)

// matchClose returns the offset of the close tag matching the start tag
// els[i] (nested tags of the same name counted), or -1.
func matchClose(els []element, closes []closeTag, i int) int {
	e := &els[i]
	depth := 0
	ei := i + 1
	for _, c := range closes {
		if c.start < e.end || c.name != e.name {
			continue
		}
		for ; ei < len(els) && els[ei].start < c.start; ei++ {
			if els[ei].name == e.name && !els[ei].selfClose {
				depth++
			}
		}
		if depth == 0 {
			return c.start
		}
		depth--
	}
	return -1
}

// scanTags finds start and end tags. It is tolerant: text that only looks
// like a tag (a TypeScript generic, a comparison) yields an element no rule
// asks about, or is skipped.
func scanTags(src string, jsx bool) ([]element, []closeTag) {
	var els []element
	var closes []closeTag
	for i := 0; i < len(src); {
		lt := strings.IndexByte(src[i:], '<')
		if lt < 0 {
			break
		}
		i += lt
		rest := src[i:]
		switch {
		case strings.HasPrefix(rest, "<!--"):
			end := strings.Index(rest, "-->")
			if end < 0 {
				return els, closes
			}
			i += end + 3
			continue
		case strings.HasPrefix(rest, "<!") || strings.HasPrefix(rest, "<?"):
			end := strings.IndexByte(rest, '>')
			if end < 0 {
				return els, closes
			}
			i += end + 1
			continue
		case strings.HasPrefix(rest, "</"):
			n := tagName(rest[2:])
			end := strings.IndexByte(rest, '>')
			if n == "" || end < 0 {
				i++
				continue
			}
			if !jsx {
				n = strings.ToLower(n)
			}
			closes = append(closes, closeTag{name: n, start: i, end: i + end + 1})
			i += end + 1
			continue
		}
		n := tagName(rest[1:])
		if n == "" {
			i++
			continue
		}
		e, ok := parseStartTag(src, i, 1+len(n))
		if !ok {
			i++
			continue
		}
		e.name = n
		if !jsx {
			e.name = strings.ToLower(n)
		}
		els = append(els, e)
		i = e.end
		if !e.selfClose && (e.name == "script" || e.name == "style") {
			if end := strings.Index(strings.ToLower(src[i:]), "</"+e.name); end >= 0 {
				i += end
			}
		}
	}
	return els, closes
}

// tagName returns the element name at the start of s.
func tagName(s string) string {
	n := 0
	for n < len(s) {
		c := s[n]
		if c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || n > 0 && (c >= '0' && c <= '9' || c == '-' || c == ':' || c == '.' || c == '_') {
			n++
			continue
		}
		break
	}
	return s[:n]
}

// maxTagLen bounds a start tag; anything longer is not markup.
const maxTagLen = 8 << 10

// parseStartTag parses the attributes of the tag starting at src[start]
// whose name ends at start+skip.
func parseStartTag(src string, start, skip int) (element, bool) {
	e := element{start: start, attrs: make(map[string]string)}
	i := start + skip
	limit := min(len(src), start+maxTagLen)
	for i < limit {
		c := src[i]
		switch {
		case c == ' ' || c == '\t' || c == '\n' || c == '\r':
			i++
		case c == '>':
			e.end = i + 1
			return e, true
		case c == '/' && i+1 < len(src) && src[i+1] == '>':
			e.end, e.selfClose = i+2, true
			return e, true
		case c == '/':
			i++
		case c == '{':
			end := skipBraces(src, i)
			if end < 0 {
				return e, false
			}
			if strings.HasPrefix(strings.TrimSpace(src[i+1:end]), "...") {
				e.spread = true
			}
			i = end + 1
		default:
			j := i
			for j < limit && !strings.ContainsRune(" \t\r\n=>/{", rune(src[j])) {
				j++
			}
			if j == i {
				return e, false
			}
			name := strings.ToLower(src[i:j])
			i = j
			for i < limit && (src[i] == ' ' || src[i] == '\t' || src[i] == '\n' || src[i] == '\r') {
				i++
			}
			if i >= limit || src[i] != '=' {
				e.attrs[name] = ""
				continue
			}
			i++
			for i < limit && (src[i] == ' ' || src[i] == '\t' || src[i] == '\n' || src[i] == '\r') {
				i++
			}
			if i >= limit {
				return e, false
			}
			switch q := src[i]; q {
			case '"', '\'':
				end := strings.IndexByte(src[i+1:limit], q)
				if end < 0 {
					return e, false
				}
				e.attrs[name] = src[i+1 : i+1+end]
				i += end + 2
			case '{':
				end := skipBraces(src, i)
				if end < 0 {
					return e, false
				}
				e.attrs[name] = src[i : end+1]
				i = end + 1
			default:
				j := i
				for j < limit && !strings.ContainsRune(" \t\r\n>", rune(src[j])) {
					j++
				}
				e.attrs[name] = src[i:j]
				i = j
			}
		}
	}
	return e, false
}

// skipBraces returns the offset of the brace closing the one at src[i],
// skipping string literals, or -1.
func skipBraces(src string, i int) int {
	depth := 0
	limit := min(len(src), i+maxTagLen)
	for j := i; j < limit; j++ {
		switch c := src[j]; c {
		case '{':
			depth++
		case '}':
			depth--
			if depth == 0 {
				return j
			}
		case '"', '\'', '`':
			end := strings.IndexByte(src[j+1:limit], c)
			if end < 0 {
				return -1
			}
			j += end + 1
		}
	}
	return -1
}

// unquoteAttr turns a JSX expression holding one string literal ({"x"},
// {'x'}, {`x`}) into its text; other values are returned as they are.
func unquoteAttr(v string) string {
	v = strings.TrimSpace(v)
	if len(v) >= 4 && v[0] == '{' && v[len(v)-1] == '}' {
		in := strings.TrimSpace(v[1 : len(v)-1])
		if len(in) >= 2 && strings.ContainsRune(`"'`+"`", rune(in[0])) && in[len(in)-1] == in[0] {
			return in[1 : len(in)-1]
		}
	}
	return v
}

func lineStarts(src string) []int {
	starts := []int{0}
	for i := 0; i < len(src); i++ {
		if src[i] == '\n' {
			starts = append(starts, i+1)
		}
	}
	return starts
}

func lineOf(starts []int, off int) int {
	return sort.SearchInts(starts, off+1)
}

func clip(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "…"
}
