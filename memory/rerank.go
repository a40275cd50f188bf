package memory

import (
	"path"
	"strings"
)

// Rerank factors. The fused score of a candidate is multiplied by each
// factor that applies; Scores.Factors lists them. Reciprocal rank fusion
// is flat (with k = 60, rank 1 and rank 10 of one list differ by 15%), so
// the factors are small except for an exact identifier match, which is
// meant to win: ×0.85 moves a chunk about ten places down near the top of
// one list, ×1.5 lifts it above any chunk that only one retriever found.
const (
	// FactorIdentifier: the chunk's symbol (or its last part) is one of
	// the query's identifiers; FactorIdentifierFold: the same, ignoring case.
	FactorIdentifier     = 1.5
	FactorIdentifierFold = 1.25
	// FactorSameDir: the chunk is in the open file's directory;
	// FactorNearDir: in its parent, a child or a sibling directory.
	FactorSameDir = 1.1
	FactorNearDir = 1.05
	// FactorTest: the chunk is in a test file and neither the query nor the
	// open file is about tests.
	FactorTest = 0.85
)

// testWords mark a query as being about tests.
var testWords = map[string]bool{"test": true, "tests": true, "testing": true, "spec": true, "specs": true,
	"unittest": true, "pytest": true, "jest": true, "benchmark": true, "fixture": true, "fixtures": true,
	"mock": true, "mocks": true, "assert": true, "coverage": true}

// reranker holds what the factors need to know about one query.
type reranker struct {
	exact      map[string]bool
	folded     map[string]bool
	openDir    string
	hasOpen    bool
	aboutTests bool
	feedback   map[string]float64 // path → balance in [-1, 1]
}

func newReranker(q *Query, idents []string, qtokens []string, feedback map[string]float64) *reranker {
	r := &reranker{exact: map[string]bool{}, folded: map[string]bool{}, feedback: feedback}
	for _, id := range idents {
		r.exact[id] = true
		r.folded[strings.ToLower(id)] = true
	}
	if q.OpenFile != "" {
		r.hasOpen = true
		r.openDir = path.Dir(q.OpenFile)
		r.aboutTests = IsTestFile(q.OpenFile)
	}
	for _, t := range qtokens {
		if testWords[t] {
			r.aboutTests = true
		}
	}
	return r
}

// factors returns the product of the factors that apply to c, and them.
func (r *reranker) factors(c *chunkMeta) (float64, map[string]float64) {
	f := map[string]float64{}
	if c.symbol != "" {
		last := c.symbol
		if i := strings.LastIndexByte(last, '.'); i >= 0 {
			last = last[i+1:]
		}
		switch {
		case r.exact[c.symbol] || r.exact[last]:
			f["identifier"] = FactorIdentifier
		case r.folded[strings.ToLower(c.symbol)] || r.folded[strings.ToLower(last)]:
			f["identifier"] = FactorIdentifierFold
		}
	}
	if r.hasOpen {
		dir := path.Dir(c.path)
		switch {
		case dir == r.openDir:
			f["proximity"] = FactorSameDir
		case dir == path.Dir(r.openDir) || path.Dir(dir) == r.openDir || path.Dir(dir) == path.Dir(r.openDir):
			f["proximity"] = FactorNearDir
		}
	}
	if !r.aboutTests && IsTestFile(c.path) {
		f["test"] = FactorTest
	}
	if b := r.feedback[c.path]; b != 0 {
		f["feedback"] = 1 + FeedbackWeight*b
	}
	prod := 1.0
	for _, v := range f {
		prod *= v
	}
	return prod, f
}

// overlaps reports whether two chunks of one file share lines.
func overlaps(a, b *chunkMeta) bool {
	return a.path == b.path && a.startLine <= b.endLine && b.startLine <= a.endLine
}
