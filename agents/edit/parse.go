package edit

import (
	"fmt"
	"strings"
)

// Parse finds the edit in a model's answer and splits it per file. It
// detects the format (the first SEARCH marker or diff header decides
// between SEARCH/REPLACE blocks and a diff; a whole-file code block is
// considered only when neither occurs), validates every path against opts.Root and
// returns an *Error of kind NoEdit, Malformed or BadPath on failure. It
// reads no file: Apply does.
func Parse(answer string, opts Options) (*Parsed, error) {
	if len(answer) > maxAnswerBytes {
		return nil, &Error{Kind: Malformed, Detail: fmt.Sprintf("the answer is %d bytes long; at most %d bytes are accepted", len(answer), maxAnswerBytes)}
	}
	if strings.IndexByte(answer, 0) >= 0 {
		return nil, &Error{Kind: Malformed, Detail: "the answer contains binary data (NUL bytes)"}
	}
	if opts.DefaultPath != "" {
		if _, _, err := resolvePath(opts.DefaultPath, opts); err != nil {
			return nil, err
		}
	}
	lines := answerLines(answer)
	p := &Parsed{opts: opts}
	var err error
	sr, df := firstMarker(lines, '<', "SEARCH"), firstDiffLine(lines)
	switch {
	case sr >= 0 && (df < 0 || sr < df):
		p.Format = FormatSearchReplace
		p.Files, err = parseBlocks(lines, opts)
	case df >= 0:
		p.Format = FormatUnifiedDiff
		p.Files, err = parseDiff(lines, opts)
	case firstMarker(lines, '>', "REPLACE") >= 0:
		return nil, &Error{Kind: Malformed, Detail: "the answer has >>>>>>> REPLACE lines but no <<<<<<< SEARCH line"}
	case opts.AllowWholeFile:
		p.Format = FormatWholeFile
		p.Files, err = parseWhole(lines, opts)
	}
	if err != nil {
		return nil, setShown(err, opts.Root)
	}
	if len(p.Files) == 0 {
		e := &Error{Kind: NoEdit}
		if !opts.AllowWholeFile && hasFence(lines) {
			e.Detail = "the answer has a code block but no SEARCH/REPLACE block and no diff"
		}
		return nil, e
	}
	return p, nil
}

func setShown(err error, root string) error {
	if e, ok := err.(*Error); ok && e.Path != "" {
		e.shown = shownPath(e.Path, root)
	}
	return err
}

// newPatch starts the FilePatch of a path written in the answer.
func newPatch(raw string, opts Options, f Format) (FilePatch, error) {
	res, clean, err := resolvePath(raw, opts)
	if err != nil {
		return FilePatch{}, err
	}
	return FilePatch{Path: res, raw: clean, Format: f}, nil
}

// marker reports whether l is a SEARCH/REPLACE marker: 5 to 9 c characters
// followed by word ("" for the ======= divider), whitespace tolerated.
func marker(l string, c byte, word string) bool {
	t := strings.TrimSpace(l)
	n := 0
	for n < len(t) && t[n] == c {
		n++
	}
	if n < 5 || n > 9 {
		return false
	}
	return strings.EqualFold(strings.TrimSpace(t[n:]), word)
}

// firstMarker returns the index of the first marker line, -1 if none.
func firstMarker(lines []string, c byte, word string) int {
	for i, l := range lines {
		if marker(l, c, word) {
			return i
		}
	}
	return -1
}

func hasFence(lines []string) bool {
	for _, l := range lines {
		if _, ok := openFence(l, 3); ok {
			return true
		}
	}
	return false
}
