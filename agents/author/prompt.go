package author

import (
	"fmt"
	"path"
	"strings"

	"github.com/aios-dev/aios/memory"
)

// systemPrompt tells the model the one edit format aios reads best.
const systemPrompt = `You are aios, an expert software engineer working inside the user's repository.
Answer with the edit only, as SEARCH/REPLACE blocks:

path/to/file.go
<<<<<<< SEARCH
the exact lines to replace, copied from the file
=======
the new lines
>>>>>>> REPLACE

Rules: SEARCH must match the file exactly, with enough lines to be unique. To create a file, use an empty SEARCH.
Change as little as needed. Keep the code compiling, gofmt-formatted and its tests passing.
Never touch .git, never add secrets, never delete or skip tests.`

// excerptLines is how many lines around the task's lines the prompt shows.
const excerptLines = 40

// fileExcerpt is the part of the task's file a prompt shows.
type fileExcerpt struct {
	from, to int
	text     string
}

// excerptOf cuts the lines around line..endLine out of content; lines 0
// means excerptLines.
func excerptOf(content []byte, line, endLine, lines int) *fileExcerpt {
	if content == nil {
		return nil
	}
	if lines == 0 {
		lines = excerptLines
	}
	from, to, text := excerpt(content, line, endLine, lines)
	return &fileExcerpt{from, to, text}
}

// buildPrompt writes the user message of a task: the task's working
// memory (the request, what went wrong last time, the open buffer around
// the task, the retrieved context), packed by priority into budget tokens.
func buildPrompt(t *Task, file *fileExcerpt, context string, budget int) string {
	wm, err := memory.NewWorkingMemory(budget)
	if err != nil { // promptSizes' budgets are positive: not reached
		return requestText(t)
	}
	wm.Add(memory.WorkRequest, requestText(t), 100)
	if t.Feedback != "" {
		wm.Add(memory.WorkFeedback, "Your previous answer could not be used:\n"+t.Feedback+"\nAnswer again with corrected SEARCH/REPLACE blocks.", 90)
	}
	if file != nil && t.File != "" {
		wm.Add(memory.WorkBuffer, fmt.Sprintf("%s, lines %d-%d:\n```\n%s```", t.File, file.from, file.to, file.text), 80)
	}
	if context != "" {
		wm.Add(memory.WorkRetrieval, "Related code from the repository:\n"+context, 50)
	}
	text, _ := wm.Pack()
	return text
}

// requestText says what the task asks.
func requestText(t *Task) string {
	var b strings.Builder
	switch t.Kind {
	case KindFix:
		if t.Target != nil {
			fmt.Fprintf(&b, "Fix this problem reported in %s:%d: %s", t.Target.File, t.Target.Line, t.Target.Message)
			if t.Target.Source != "" {
				fmt.Fprintf(&b, " (%s)", t.Target.Source)
			}
			b.WriteString(".")
		} else {
			fmt.Fprintf(&b, "Fix the problem at %s:%d.", t.File, t.Line)
		}
	case KindTodo:
		fmt.Fprintf(&b, "Implement the TODO at %s:%d.", t.File, t.Line)
	case KindTests:
		fmt.Fprintf(&b, "Write Go tests for %s in %s. Put them in %s (create it with an empty SEARCH if it does not exist).",
			orWhat(t.Symbol, "the code at line "+fmt.Sprint(t.Line)), t.File, testFile(t.File))
	case KindDoc:
		fmt.Fprintf(&b, "Add a doc comment to %s in %s: a full sentence that starts with its name.", orWhat(t.Symbol, "the declaration"), t.File)
	default:
		b.WriteString(t.Instruction)
	}
	if t.Kind != KindInstruction && t.Instruction != "" {
		fmt.Fprintf(&b, "\n%s", t.Instruction)
	}
	return b.String()
}

func orWhat(s, alt string) string {
	if s != "" {
		return s
	}
	return alt
}

// testFile is the Go test file beside file.
func testFile(file string) string {
	if strings.HasSuffix(file, "_test.go") {
		return file
	}
	return strings.TrimSuffix(file, path.Ext(file)) + "_test.go"
}

// excerpt returns the lines of content around line..endLine (1-based;
// the whole file when it is shorter than 2×around), and their range.
func excerpt(content []byte, line, endLine, around int) (from, to int, text string) {
	lines := strings.SplitAfter(string(content), "\n")
	if n := len(lines); n > 0 && lines[n-1] == "" {
		lines = lines[:n-1]
	}
	if len(lines) == 0 {
		return 1, 1, ""
	}
	if endLine < line {
		endLine = line
	}
	from, to = 1, len(lines)
	if len(lines) > 2*around {
		from = max(1, line-around/2)
		to = min(len(lines), max(endLine, line)+around/2)
	}
	text = strings.Join(lines[from-1:to], "")
	if !strings.HasSuffix(text, "\n") {
		text += "\n"
	}
	return from, to, text
}
