package memory

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"
)

// Retrieval tuning.
const (
	// retrieverDepth is how many candidates each retriever contributes.
	retrieverDepth = 100
	// graphFileShare is the share of a file node's PageRank score that
	// each of its chunks gets, on top of its own symbol's score.
	graphFileShare = 0.25
	// maxSeedDefinitions: an identifier defined more often than this seeds
	// nothing (it says too little about where to look).
	maxSeedDefinitions = 10
	// WeightGraph is the fusion weight of the graph list seeded by the
	// open file or given identifiers (the text lists weigh 1): a chunk
	// that the text matches comes before one that is only near the open
	// file at the same rank.
	WeightGraph = 0.8
	// WeightTextSeededGraph is the fusion weight of the graph list when
	// only code-like words of the query's text seed it (no open file, no
	// identifier given): such seeds are weaker evidence than a text match.
	// On the golang.org/x/tools evaluation (BenchmarkRetrievalQuality in
	// agents/knowledge) weight 1 cost fused recall@5 2 points against
	// sparse alone; 0.4 gains 1.
	WeightTextSeededGraph = 0.4
	// graphTol is the forward-push tolerance of the graph retriever: about
	// a thousand nodes reached, a millisecond or two on 150k symbols.
	graphTol = 1e-5
)

// Retrieve finds the chunks most relevant to q: the sparse, dense (with an
// Embedder) and graph (with a seed: the open file or a known identifier)
// retrievers each rank candidates; reciprocal rank fusion (k = RRFK)
// merges their lists; the rerank factors (identifier match, proximity to
// the open file, test files, feedback) adjust the fused scores; identical
// and overlapping chunks and chunks beyond MaxPerFile of one file are
// dropped; the best K are packed into TokenBudget tokens.
func (m *Memory) Retrieve(ctx context.Context, q Query) (*Result, error) {
	if err := validateQuery(&q); err != nil {
		return nil, err
	}
	if err := m.checkOpen(); err != nil {
		return nil, err
	}
	qtokens := Tokenize(q.Text + " " + strings.Join(q.Identifiers, " "))
	idents := identifiers(&q)
	res := &Result{}

	var wg sync.WaitGroup
	var sparse, graph, dense []Hit
	var graphNote, denseNote string
	runSparse := len(qtokens) > 0 && q.wants(RetrieverSparse)
	if runSparse {
		wg.Go(func() { sparse = m.sparse.SearchTokens(qtokens, retrieverDepth) })
	}
	switch {
	case !q.wants(RetrieverGraph):
		graphNote = "graph: not requested"
	case m.graphLoaded():
		wg.Go(func() { graph, graphNote = m.graphList(&q, seedIdentifiers(&q, idents)) })
	default:
		graphNote = "graph: still loading the knowledge graph"
	}
	if q.wants(RetrieverDense) {
		dense, denseNote = m.denseList(ctx, &q)
	} else {
		denseNote = "dense: not requested"
	}
	wg.Wait()
	if err := ctx.Err(); err != nil {
		return nil, err
	}

	lists := map[string][]Hit{}
	switch {
	case runSparse:
		lists[RetrieverSparse] = sparse
		res.Retrievers = append(res.Retrievers, RetrieverSparse)
	case !q.wants(RetrieverSparse):
		res.Notes = append(res.Notes, "sparse: not requested")
	default:
		res.Notes = append(res.Notes, "sparse: the query has no searchable words")
	}
	if denseNote == "" {
		lists[RetrieverDense] = dense
		res.Retrievers = append(res.Retrievers, RetrieverDense)
	} else {
		res.Notes = append(res.Notes, denseNote)
	}
	if m.queue != nil {
		if n := m.queue.len(); n > 0 && denseNote == "" {
			res.Notes = append(res.Notes, fmt.Sprintf("dense: %d chunks are not embedded yet", n))
		}
	}
	if graphNote == "" {
		lists[RetrieverGraph] = graph
		res.Retrievers = append(res.Retrievers, RetrieverGraph)
	} else {
		res.Notes = append(res.Notes, graphNote)
	}

	weights := map[string]float64{RetrieverGraph: WeightGraph}
	if q.OpenFile == "" && len(q.Identifiers) == 0 {
		weights[RetrieverGraph] = WeightTextSeededGraph
	}
	fb := m.feedback.balance(q.Text, distinct(qtokens))
	cands := m.rank(lists, weights, newReranker(&q, idents, qtokens, fb))
	items, err := m.selectItems(cands, q.K, q.MaxPerFile)
	if err != nil {
		return nil, err
	}
	res.Packed, res.Tokens, res.Items, res.Omitted = packItems(items, q.TokenBudget)
	return res, nil
}

func validateQuery(q *Query) error {
	switch {
	case q.K < 0 || q.TokenBudget < 0 || q.MaxPerFile < 0:
		return fmt.Errorf("%w: K %d, TokenBudget %d, MaxPerFile %d", ErrInvalidQuery, q.K, q.TokenBudget, q.MaxPerFile)
	case strings.TrimSpace(q.Text) == "" && q.OpenFile == "" && len(q.Identifiers) == 0:
		return fmt.Errorf("%w: no text, open file or identifier to search for", ErrInvalidQuery)
	}
	for _, r := range q.Retrievers {
		switch r {
		case RetrieverSparse, RetrieverDense, RetrieverGraph:
		default:
			return fmt.Errorf("%w: unknown retriever %q (want %s, %s or %s)", ErrInvalidQuery, r, RetrieverSparse, RetrieverDense, RetrieverGraph)
		}
	}
	if q.K == 0 {
		q.K = DefaultK
	}
	if q.TokenBudget == 0 {
		q.TokenBudget = DefaultTokenBudget
	}
	if q.MaxPerFile == 0 {
		q.MaxPerFile = DefaultMaxPerFile
	}
	return nil
}

// seedIdentifiers returns the identifiers that seed the graph retriever:
// the query's own and the words of its text that look like code
// (codeLike). Ordinary words that happen to name a symbol somewhere
// ("parse", "Close" at the start of a sentence) would scatter the walk.
func seedIdentifiers(q *Query, idents []string) []string {
	out := slices.Clone(q.Identifiers)
	for _, id := range idents {
		if !slices.Contains(q.Identifiers, id) && codeLike(q.Text, id) {
			out = append(out, id)
		}
	}
	return out
}

// codeLike reports whether word, as it appears in text, looks like an
// identifier rather than prose: it has a dot, an underscore or a digit, an
// upper-case letter after its first, or it starts with one where no
// sentence starts.
func codeLike(text, word string) bool {
	for i, r := range word {
		switch {
		case r == '.' || r == '_' || (r >= '0' && r <= '9'):
			return true
		case i > 0 && unicode.IsUpper(r):
			return true
		}
	}
	r, _ := utf8.DecodeRuneInString(word)
	if !unicode.IsUpper(r) {
		return false
	}
	for at := 0; ; {
		i := strings.Index(text[at:], word)
		if i < 0 {
			return false
		}
		i += at
		at = i + len(word)
		next, _ := utf8.DecodeRuneInString(text[at:])
		prev, _ := utf8.DecodeLastRuneInString(text[:i])
		if (at < len(text) && (next == '_' || isWordRune(next))) || (i > 0 && (prev == '_' || isWordRune(prev))) {
			continue // part of a longer word
		}
		if i > 0 && text[i-1] == '.' {
			return true // a qualified name's last part
		}
		before := strings.TrimRight(text[:i], " \t\n\"'(`")
		if before != "" && !strings.HasSuffix(before, ".") && !strings.HasSuffix(before, "!") && !strings.HasSuffix(before, "?") && !strings.HasSuffix(before, ":") {
			return true
		}
	}
}

// wants reports whether the query asks for the retriever name.
func (q *Query) wants(name string) bool {
	return len(q.Retrievers) == 0 || slices.Contains(q.Retrievers, name)
}

// identifiers returns the query's identifiers and the identifier-like
// words of its text (three characters or more, not stop words), as
// written.
func identifiers(q *Query) []string {
	seen := map[string]bool{}
	var out []string
	add := func(s string) {
		if s != "" && !seen[s] {
			seen[s] = true
			out = append(out, s)
		}
	}
	for _, id := range q.Identifiers {
		add(id)
	}
	for _, w := range strings.FieldsFunc(q.Text, func(r rune) bool {
		return !(r == '_' || r == '.' || isWordRune(r))
	}) {
		w = strings.Trim(w, ".")
		if len(w) < 3 {
			continue
		}
		if isStopWord([]byte(strings.ToLower(w))) {
			continue
		}
		add(w)
		if strings.Contains(w, ".") {
			add(w[strings.LastIndexByte(w, '.')+1:])
		}
	}
	return out
}

func distinct(tokens []string) map[string]bool {
	out := make(map[string]bool, len(tokens))
	for _, t := range tokens {
		out[t] = true
	}
	return out
}
