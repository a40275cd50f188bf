package edit

import (
	"fmt"
	"slices"
	"strings"
)

// codeBlock is a fenced block of an answer.
type codeBlock struct {
	f    fence
	body []string
	path string
	line int
}

// parseWhole reads whole-file answers: fenced blocks naming their file, or
// else the one block of the answer, for Options.DefaultPath.
func parseWhole(lines []string, opts Options) ([]FilePatch, error) {
	var blocks []codeBlock
	for i := 0; i < len(lines); i++ {
		f, ok := openFence(lines[i], 3)
		if !ok {
			continue
		}
		j := i + 1
		for j < len(lines) && !f.closes(lines[j]) {
			j++
		}
		if j == len(lines) {
			return nil, &Error{Kind: Malformed, Detail: fmt.Sprintf("the code block opened at line %d is not closed (was the answer cut off?)", i+1)}
		}
		b := codeBlock{f: f, body: slices.Clip(lines[i+1 : j]), path: f.path(), line: i + 1}
		if b.path == "" {
			b.path = nameBefore(lines, i, 0, opts.DefaultPath)
		}
		blocks = append(blocks, b)
		i = j
	}
	if len(blocks) == 0 {
		return nil, nil
	}
	var chosen []codeBlock
	for _, b := range blocks {
		if b.path != "" {
			chosen = append(chosen, b)
		}
	}
	if len(chosen) == 0 {
		var code []codeBlock
		for _, b := range blocks {
			switch b.f.lang() {
			case "sh", "bash", "shell", "console", "zsh", "text", "txt", "output":
			default:
				code = append(code, b)
			}
		}
		if len(code) == 0 {
			code = blocks
		}
		if len(code) != 1 {
			return nil, &Error{Kind: Malformed, Detail: fmt.Sprintf("the answer has %d code blocks and none names its file; answer with exactly one code block holding the complete file", len(code))}
		}
		if opts.DefaultPath == "" {
			return nil, &Error{Kind: Malformed, Detail: "the code block names no file; put the file path alone on the line before it"}
		}
		code[0].path = opts.DefaultPath
		chosen = code
	}
	var files []FilePatch
	for _, b := range chosen {
		fp, err := newPatch(b.path, opts, FormatWholeFile)
		if err != nil {
			return nil, err
		}
		fp.Whole = b.body
		// A later block for the same file replaces an earlier one.
		if k := slices.IndexFunc(files, func(x FilePatch) bool { return x.Path == fp.Path }); k >= 0 {
			files[k] = fp
			continue
		}
		if strings.TrimSpace(strings.Join(b.body, "")) == "" && len(chosen) > 1 {
			continue
		}
		files = append(files, fp)
	}
	return files, nil
}
