package memory

import "math"

// sparseScratch is the per-search working space.
type sparseScratch struct {
	acc     []float64
	touched []uint32
	terms   []uint32
	tok     tokenizer
	heap    hitHeap
}

// Search returns the k best documents for query, best first (ties by ID).
func (s *Sparse) Search(query string, k int) []Hit {
	if k <= 0 {
		return nil
	}
	sc := s.scratch()
	defer s.pool.Put(sc)
	s.mu.RLock()
	defer s.mu.RUnlock()
	sc.terms = sc.terms[:0]
	sc.tok.each(query, func(tok []byte) {
		if term, ok := s.terms[string(tok)]; ok {
			sc.terms = appendUnique(sc.terms, term)
		}
	})
	return s.score(sc, k)
}

// SearchTokens is Search for a query already tokenized with Tokenize.
func (s *Sparse) SearchTokens(tokens []string, k int) []Hit {
	if k <= 0 {
		return nil
	}
	sc := s.scratch()
	defer s.pool.Put(sc)
	s.mu.RLock()
	defer s.mu.RUnlock()
	sc.terms = sc.terms[:0]
	for _, tok := range tokens {
		if term, ok := s.terms[tok]; ok {
			sc.terms = appendUnique(sc.terms, term)
		}
	}
	return s.score(sc, k)
}

func (s *Sparse) scratch() *sparseScratch {
	if sc, ok := s.pool.Get().(*sparseScratch); ok {
		return sc
	}
	return &sparseScratch{}
}

func appendUnique(terms []uint32, term uint32) []uint32 {
	for _, t := range terms {
		if t == term {
			return terms
		}
	}
	return append(terms, term)
}

// score accumulates BM25 over sc.terms and returns the top k. Called with
// s.mu held for reading.
func (s *Sparse) score(sc *sparseScratch, k int) []Hit {
	if s.live == 0 || len(sc.terms) == 0 {
		return nil
	}
	if len(sc.acc) < len(s.docLen) {
		sc.acc = make([]float64, len(s.docLen))
	}
	acc := sc.acc[:len(s.docLen)]
	sc.touched = sc.touched[:0]
	n := float64(s.live)
	avgdl := s.total / n
	c0 := BM25K1 * (1 - BM25B)
	c1 := BM25K1 * BM25B / avgdl
	for _, term := range sc.terms {
		df := float64(s.df[term])
		if df <= 0 {
			continue
		}
		idf := math.Log(1 + (n-df+0.5)/(df+0.5))
		num := idf * (BM25K1 + 1)
		docs, tfs := s.postDoc[term], s.postTF[term]
		for i, slot := range docs {
			l := s.docLen[slot]
			if l < 0 {
				continue
			}
			tf := float64(tfs[i])
			if acc[slot] == 0 {
				sc.touched = append(sc.touched, slot)
			}
			acc[slot] += num * tf / (tf + c0 + c1*float64(l))
		}
	}
	sc.heap.reset(k)
	for _, slot := range sc.touched {
		sc.heap.offer(s.docID[slot], acc[slot])
		acc[slot] = 0
	}
	return sc.heap.sorted()
}
