package edit

import (
	"fmt"
	"slices"
	"strings"
)

// parseBlocks reads SEARCH/REPLACE blocks. A block's file is the file name
// line just before it (or before its opening fence, or in the fence's info
// string); failing that, the previous block's file; failing that,
// Options.DefaultPath.
func parseBlocks(lines []string, opts Options) ([]FilePatch, error) {
	var files []FilePatch
	prev := "" // file name of the previous block
	floor := 0 // first line after the previous block
	for i := 0; i < len(lines); i++ {
		if !marker(lines[i], '<', "SEARCH") {
			if marker(lines[i], '>', "REPLACE") {
				return nil, &Error{Kind: Malformed, Detail: fmt.Sprintf("line %d: >>>>>>> REPLACE without a <<<<<<< SEARCH line before it", i+1)}
			}
			continue
		}
		name := nameBefore(lines, i, floor, opts.DefaultPath)
		switch {
		case name != "":
		case prev != "":
			name = prev
		case opts.DefaultPath != "":
			name = opts.DefaultPath
		default:
			return nil, &Error{Kind: Malformed, Detail: fmt.Sprintf("the SEARCH/REPLACE block at line %d names no file; put the file path alone on the line before <<<<<<< SEARCH", i+1)}
		}
		j := i + 1
		for ; j < len(lines) && !marker(lines[j], '=', ""); j++ {
			if marker(lines[j], '<', "SEARCH") || marker(lines[j], '>', "REPLACE") {
				return nil, &Error{Kind: Malformed, Detail: fmt.Sprintf("the SEARCH/REPLACE block at line %d has no ======= line between SEARCH and REPLACE", i+1)}
			}
		}
		if j == len(lines) {
			return nil, &Error{Kind: Malformed, Detail: fmt.Sprintf("the SEARCH/REPLACE block at line %d is not finished: ======= and >>>>>>> REPLACE are missing (was the answer cut off?)", i+1)}
		}
		k := j + 1
		for ; k < len(lines) && !marker(lines[k], '>', "REPLACE"); k++ {
			if marker(lines[k], '<', "SEARCH") {
				break
			}
		}
		if k == len(lines) || !marker(lines[k], '>', "REPLACE") {
			return nil, &Error{Kind: Malformed, Detail: fmt.Sprintf("the SEARCH/REPLACE block at line %d has no >>>>>>> REPLACE line (was the answer cut off?)", i+1)}
		}
		b := Block{Search: slices.Clip(lines[i+1 : j]), Replace: slices.Clip(lines[j+1 : k]), AnswerLine: i + 1}
		if allBlank(b.Search) {
			b.Search = nil
		}
		if n := len(files); n > 0 && files[n-1].raw == cleanRaw(name) {
			files[n-1].Blocks = append(files[n-1].Blocks, b)
		} else {
			fp, err := newPatch(name, opts, FormatSearchReplace)
			if err != nil {
				return nil, err
			}
			fp.Blocks = []Block{b}
			files = append(files, fp)
		}
		prev, floor, i = name, k+1, k
	}
	return files, nil
}

// cleanRaw is the cleaned form of a path as resolvePath records it.
func cleanRaw(p string) string {
	_, c, err := resolvePath(p, Options{})
	if err != nil {
		return p
	}
	return c
}

// nameBefore finds the file name written before the SEARCH marker at line
// i, looking no further up than floor: a file name line, a fence naming the
// file, or a prose line with one `path` in backticks.
func nameBefore(lines []string, i, floor int, def string) string {
	fences := 0
	for j := i - 1; j >= floor && j >= i-8; j-- {
		l := lines[j]
		if strings.TrimSpace(l) == "" {
			continue
		}
		if f, ok := openFence(l, 3); ok {
			if p := f.path(); p != "" {
				return p
			}
			if fences++; fences > 1 {
				return ""
			}
			continue
		}
		if p, ok := cleanFilename(l, def); ok {
			return p
		}
		if p, ok := pathInProse(l, def); ok {
			return p
		}
		return ""
	}
	return ""
}

func allBlank(lines []string) bool {
	for _, l := range lines {
		if strings.TrimSpace(l) != "" {
			return false
		}
	}
	return true
}
