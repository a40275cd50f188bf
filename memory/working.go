package memory

import (
	"cmp"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"sync"
)

// Kinds of working-memory entries aios uses (any string is accepted).
const (
	WorkRequest   = "request"   // the user's request
	WorkBuffer    = "buffer"    // an excerpt of an open buffer
	WorkRetrieval = "retrieval" // retrieved context (Result.Packed)
	WorkFeedback  = "feedback"  // notes from earlier feedback
)

// WorkingMemory is the context of one task: entries with priorities,
// packed into a token budget. It is safe for concurrent use.
type WorkingMemory struct {
	budget int

	mu      sync.Mutex
	entries []workEntry
	seq     int
}

type workEntry struct {
	kind, text string
	priority   int
	seq        int
}

// NewWorkingMemory returns an empty working memory packing into
// budgetTokens (EstimateTokens) tokens.
func NewWorkingMemory(budgetTokens int) (*WorkingMemory, error) {
	if budgetTokens <= 0 {
		return nil, fmt.Errorf("%w: working memory budget %d", ErrInvalidBudget, budgetTokens)
	}
	return &WorkingMemory{budget: budgetTokens}, nil
}

// Budget returns the token budget.
func (w *WorkingMemory) Budget() int { return w.budget }

// Add records an entry; a higher priority is packed first. Empty text is
// ignored.
func (w *WorkingMemory) Add(kind, text string, priority int) {
	if text == "" {
		return
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	w.entries = append(w.entries, workEntry{kind: kind, text: text, priority: priority, seq: w.seq})
	w.seq++
}

// Len returns the number of entries.
func (w *WorkingMemory) Len() int {
	w.mu.Lock()
	defer w.mu.Unlock()
	return len(w.entries)
}

// Reset drops every entry.
func (w *WorkingMemory) Reset() {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.entries = nil
}

// Pack renders the entries, highest priority first and in the order they
// were added among equal priorities, each under a "## kind" heading, as
// long as they fit in the budget. An entry that does not fit keeps its
// first whole lines and a cut marker; one of which no line fits is left
// out, and lower-priority entries may still fit after it. It returns the
// text and its EstimateTokens.
func (w *WorkingMemory) Pack() (string, int) {
	w.mu.Lock()
	entries := slices.Clone(w.entries)
	w.mu.Unlock()
	slices.SortStableFunc(entries, func(a, b workEntry) int {
		return cmp.Or(cmp.Compare(b.priority, a.priority), cmp.Compare(a.seq, b.seq))
	})
	var b strings.Builder
	left := w.budget
	for _, e := range entries {
		lines := splitLines(e.text)
		s := renderEntry(e.kind, lines, -1)
		if t := EstimateTokens(s); t <= left {
			b.WriteString(s)
			left -= t
			continue
		}
		lo, hi := 0, len(lines)-1
		for lo < hi {
			mid := (lo + hi + 1) / 2
			if EstimateTokens(renderEntry(e.kind, lines, mid)) <= left {
				lo = mid
			} else {
				hi = mid - 1
			}
		}
		if lo == 0 {
			continue
		}
		s = renderEntry(e.kind, lines, lo)
		b.WriteString(s)
		left -= EstimateTokens(s)
	}
	out := b.String()
	return out, EstimateTokens(out)
}

func renderEntry(kind string, lines []string, keep int) string {
	var b strings.Builder
	b.WriteString("## ")
	b.WriteString(kind)
	b.WriteByte('\n')
	if keep < 0 || keep >= len(lines) {
		for _, l := range lines {
			b.WriteString(l)
		}
	} else {
		for _, l := range lines[:keep] {
			b.WriteString(l)
		}
		b.WriteString("… [cut: " + strconv.Itoa(len(lines)-keep) + " more lines]\n")
	}
	b.WriteByte('\n')
	return b.String()
}
