package memory

import (
	"math"
	"sync"
	"time"

	"github.com/aios-dev/aios/memory/store"
)

// Feedback is one user reaction to something aios proposed.
type Feedback struct {
	ID       string    // empty: RecordFeedback assigns one
	Time     time.Time // zero: now
	Query    string    // what was asked (the request, the diagnostic)
	Action   string    // what aios proposed: "quickfix", "ai-fix", ...
	Accepted bool
	Detail   string   // what the proposal was
	Files    []string // the files it concerned
	TaskID   string
}

// How feedback moves retrieval. For a query, the feedback items most
// similar to it (BM25 over their query and detail) each weigh
// sim = the share of the query's distinct tokens they contain, when that
// share is at least FeedbackMinSimilarity. A file's balance is the sum of
// +sim for accepted and −sim for rejected items naming it, clamped to
// [−1, 1]; its chunks are multiplied by 1 + FeedbackWeight × balance, a
// factor in [0.7, 1.3]: feedback reorders close candidates but never
// outweighs a clearly better match on its own.
const (
	FeedbackWeight        = 0.3
	FeedbackMinSimilarity = 0.34
	feedbackCandidates    = 20
)

func toStoreFeedback(f Feedback) store.Feedback   { return store.Feedback(f) }
func fromStoreFeedback(f store.Feedback) Feedback { return Feedback(f) }

// feedbackIndex holds every feedback item in memory, searchable by text.
type feedbackIndex struct {
	sparse *Sparse
	mu     sync.RWMutex
	items  map[string]Feedback
}

func newFeedbackIndex() *feedbackIndex {
	return &feedbackIndex{sparse: NewSparse(), items: map[string]Feedback{}}
}

func (x *feedbackIndex) add(f Feedback) {
	x.mu.Lock()
	x.items[f.ID] = f
	x.mu.Unlock()
	x.sparse.Replace(f.ID, []SparseDoc{{ID: f.ID, Text: f.Query + "\n" + f.Detail}})
}

func (x *feedbackIndex) len() int {
	x.mu.RLock()
	defer x.mu.RUnlock()
	return len(x.items)
}

// similar returns the k items most similar to query, best first.
func (x *feedbackIndex) similar(query string, k int) []Feedback {
	hits := x.sparse.Search(query, k)
	x.mu.RLock()
	defer x.mu.RUnlock()
	out := make([]Feedback, 0, len(hits))
	for _, h := range hits {
		if f, ok := x.items[h.ID]; ok {
			out = append(out, f)
		}
	}
	return out
}

// balance returns the feedback balance of each file for a query with the
// given distinct tokens (see FeedbackWeight).
func (x *feedbackIndex) balance(query string, qtokens map[string]bool) map[string]float64 {
	if len(qtokens) == 0 || x.len() == 0 {
		return nil
	}
	out := map[string]float64{}
	for _, f := range x.similar(query, feedbackCandidates) {
		seen := map[string]bool{}
		for _, t := range Tokenize(f.Query + "\n" + f.Detail) {
			if qtokens[t] && !seen[t] {
				seen[t] = true
			}
		}
		sim := float64(len(seen)) / float64(len(qtokens))
		if sim < FeedbackMinSimilarity {
			continue
		}
		if !f.Accepted {
			sim = -sim
		}
		for _, p := range f.Files {
			out[p] += sim
		}
	}
	for p, b := range out {
		out[p] = math.Max(-1, math.Min(1, b))
	}
	return out
}
