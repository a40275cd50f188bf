package memory

import (
	"math"
	"sync"
)

// BM25 parameters and field boosts of the sparse index.
//
// A document is a chunk. Its fields are folded into one bag of tokens
// (BM25 with weighted term frequencies, a simple form of BM25F): every
// token of the text counts once, every token of the symbol name counts
// SymbolBoost times and every token of the file path PathBoost times. The
// document length |d| is the weighted token count, so the boosts also take
// part in length normalisation. Scores use Lucene's always-positive idf,
//
//	idf(t) = ln(1 + (N - df(t) + 0.5) / (df(t) + 0.5))
//	score(d, q) = Σ_{t ∈ q} idf(t) · tf·(k1+1) / (tf + k1·(1 - b + b·|d|/avgdl))
//
// with the query's distinct tokens (a repeated query token counts once).
const (
	BM25K1      = 1.2
	BM25B       = 0.75
	SymbolBoost = 3
	PathBoost   = 2
)

// Hit is one entry of a ranked list: an ID (a chunk ID, a feedback ID) and
// its score, higher is better.
type Hit struct {
	ID    string
	Score float64
}

// SparseDoc is a document of a Sparse index.
type SparseDoc struct {
	ID     string
	Text   string
	Symbol string
	Path   string
}

// Sparse is an in-memory BM25 index with incremental updates: documents
// come in groups (a file's chunks) that are replaced or removed together.
// It is safe for concurrent use; searches run in parallel.
//
// Postings are per-term slices of document slots and term frequencies.
// Removing a document marks its slot dead at once (statistics exclude it
// immediately); the postings of dead slots are purged in batches, after
// which the slots are reused.
type Sparse struct {
	mu        sync.RWMutex
	terms     map[string]uint32   // token → term
	termStr   []string            // term → token
	df        []int32             // term → live document frequency
	postDoc   [][]uint32          // term → slots
	postTF    [][]uint16          // term → weighted term frequencies
	docLen    []float32           // slot → weighted length; < 0: dead or free
	docID     []string            // slot → ID
	docGroup  []string            // slot → group
	docTerms  [][]uint32          // slot → distinct terms (forward index)
	noForward bool                // docTerms not built yet (after a snapshot load)
	byID      map[string]uint32   // ID → slot
	groups    map[string][]uint32 // group → slots
	free      []uint32            // purged slots, ready for reuse
	dead      []uint32            // removed slots whose postings remain
	dirty     map[uint32]struct{} // terms whose postings hold dead slots
	live      int
	total     float64 // Σ live lengths

	counts  []uint16 // term → count, scratch for add (under mu)
	touched []uint32 // scratch for add (under mu)
	tok     tokenizer
	cache   *termCache // recent tokens → terms, in front of the terms map (under mu)

	pool sync.Pool // *sparseScratch
}

// NewSparse returns an empty index.
func NewSparse() *Sparse {
	return &Sparse{
		terms:  make(map[string]uint32),
		cache:  new(termCache),
		byID:   make(map[string]uint32),
		groups: make(map[string][]uint32),
		dirty:  make(map[uint32]struct{}),
	}
}

// Len returns the number of live documents.
func (s *Sparse) Len() int {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return s.live
}

// Replace makes docs the documents of group, removing the group's previous
// documents. A document whose ID is held by another group moves here.
func (s *Sparse) Replace(group string, docs []SparseDoc) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.removeGroup(group)
	for _, d := range docs {
		if slot, ok := s.byID[d.ID]; ok {
			s.removeSlot(slot)
			g := s.docGroup[slot]
			s.groups[g] = deleteSlot(s.groups[g], slot)
			if len(s.groups[g]) == 0 {
				delete(s.groups, g)
			}
		}
		s.groups[group] = append(s.groups[group], s.add(d, group))
	}
	s.maybePurge()
}

// Remove drops every document of group.
func (s *Sparse) Remove(group string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.removeGroup(group)
	s.maybePurge()
}

func (s *Sparse) removeGroup(group string) {
	for _, slot := range s.groups[group] {
		s.removeSlot(slot)
	}
	delete(s.groups, group)
}

func deleteSlot(slots []uint32, slot uint32) []uint32 {
	for i, x := range slots {
		if x == slot {
			return append(slots[:i], slots[i+1:]...)
		}
	}
	return slots
}

// add indexes d in a fresh or reused slot and returns the slot.
func (s *Sparse) add(d SparseDoc, group string) uint32 {
	s.touched = s.touched[:0]
	var length float32
	count := func(weight uint16) func([]byte) {
		return func(tok []byte) {
			h := hashBytes(tok)
			term, ok := s.cache.get(h, tok)
			if !ok {
				term, ok = s.terms[string(tok)]
				if ok {
					s.cache.put(h, term, s.termStr[term])
				}
			}
			if !ok {
				term = uint32(len(s.termStr))
				str := string(tok)
				s.terms[str] = term
				s.cache.put(h, term, str)
				s.termStr = append(s.termStr, str)
				s.df = append(s.df, 0)
				s.postDoc = append(s.postDoc, nil)
				s.postTF = append(s.postTF, nil)
			}
			if int(term) >= len(s.counts) {
				s.counts = append(s.counts, make([]uint16, int(term)+1-len(s.counts)+1024)...)
			}
			if s.counts[term] == 0 {
				s.touched = append(s.touched, term)
			}
			if s.counts[term] <= math.MaxUint16-weight {
				s.counts[term] += weight
			}
			length += float32(weight)
		}
	}
	s.tok.each(d.Text, count(1))
	s.tok.each(d.Symbol, count(SymbolBoost))
	s.tok.each(d.Path, count(PathBoost))

	var slot uint32
	if n := len(s.free); n > 0 {
		slot = s.free[n-1]
		s.free = s.free[:n-1]
	} else {
		slot = uint32(len(s.docLen))
		s.docLen = append(s.docLen, 0)
		s.docID = append(s.docID, "")
		s.docGroup = append(s.docGroup, "")
		s.docTerms = append(s.docTerms, nil)
	}
	terms := make([]uint32, len(s.touched))
	copy(terms, s.touched)
	for _, term := range terms {
		s.postDoc[term] = append(s.postDoc[term], slot)
		s.postTF[term] = append(s.postTF[term], s.counts[term])
		s.df[term]++
		s.counts[term] = 0
	}
	s.docLen[slot] = length
	s.docID[slot] = d.ID
	s.docGroup[slot] = group
	s.docTerms[slot] = terms
	s.byID[d.ID] = slot
	s.live++
	s.total += float64(length)
	return slot
}

// removeSlot marks slot dead; its postings stay until the next purge.
func (s *Sparse) removeSlot(slot uint32) {
	if s.docLen[slot] < 0 {
		return
	}
	if s.noForward {
		s.forward()
	}
	for _, term := range s.docTerms[slot] {
		s.df[term]--
		s.dirty[term] = struct{}{}
	}
	s.live--
	s.total -= float64(s.docLen[slot])
	if s.live == 0 {
		s.total = 0
	}
	if cur, ok := s.byID[s.docID[slot]]; ok && cur == slot {
		delete(s.byID, s.docID[slot])
	}
	s.docLen[slot] = -1
	s.docTerms[slot] = nil
	s.docID[slot] = ""
	s.dead = append(s.dead, slot)
}

// forward builds the forward index from the postings: a snapshot does not
// hold it (it doubles the load), so the first removal after a load pays
// for it once.
func (s *Sparse) forward() {
	per := make([]int, len(s.docLen))
	total := 0
	for _, docs := range s.postDoc {
		for _, d := range docs {
			per[d]++
			total++
		}
	}
	slab := make([]uint32, total)
	for i, c := range per {
		s.docTerms[i] = slab[:0:c]
		slab = slab[c:]
	}
	for t, docs := range s.postDoc {
		for _, d := range docs {
			if s.docLen[d] >= 0 {
				s.docTerms[d] = append(s.docTerms[d], uint32(t))
			}
		}
	}
	s.noForward = false
}

// maybePurge removes dead slots from the postings once they are numerous
// enough for the work to pay: max(256, live/8) of them.
func (s *Sparse) maybePurge() {
	if len(s.dead) < max(256, s.live/8) {
		return
	}
	s.purge()
}

func (s *Sparse) purge() {
	for term := range s.dirty {
		docs, tfs := s.postDoc[term], s.postTF[term]
		n := 0
		for i, slot := range docs {
			if s.docLen[slot] >= 0 {
				docs[n], tfs[n] = slot, tfs[i]
				n++
			}
		}
		if n == 0 {
			s.postDoc[term], s.postTF[term] = nil, nil
			continue
		}
		s.postDoc[term], s.postTF[term] = docs[:n], tfs[:n]
	}
	clear(s.dirty)
	s.free = append(s.free, s.dead...)
	s.dead = s.dead[:0]
}
