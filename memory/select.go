package memory

import (
	"cmp"
	"fmt"
	"slices"
)

// candidate is a fused, reranked chunk before selection.
type candidate struct {
	meta   *chunkMeta
	scores Scores
}

// rank fuses the lists (weighted) and reranks the result, best first.
func (m *Memory) rank(lists map[string][]Hit, weights map[string]float64, r *reranker) []candidate {
	raw := map[string]map[string]float64{}
	for name, hits := range lists {
		s := make(map[string]float64, len(hits))
		for _, h := range hits {
			s[h.ID] = h.Score
		}
		raw[name] = s
	}
	fused := FuseWeightedRRF(lists, weights, RRFK)
	out := make([]candidate, 0, len(fused))
	m.mu.RLock()
	for _, f := range fused {
		meta, ok := m.chunks[f.ID]
		if !ok {
			continue // removed meanwhile
		}
		mult, factors := r.factors(meta)
		out = append(out, candidate{meta: meta, scores: Scores{
			Sparse: raw[RetrieverSparse][f.ID], Dense: raw[RetrieverDense][f.ID], Graph: raw[RetrieverGraph][f.ID],
			Fused: f.Score, Rerank: f.Score * mult, Ranks: f.Ranks, Factors: factors,
		}})
	}
	m.mu.RUnlock()
	slices.SortStableFunc(out, func(a, b candidate) int {
		if a.scores.Rerank != b.scores.Rerank {
			return cmp.Compare(b.scores.Rerank, a.scores.Rerank)
		}
		return cmp.Compare(a.meta.id, b.meta.id)
	})
	return out
}

type storedText struct{ text, hash string }

// selectItems takes the best k candidates, skipping identical text,
// overlapping lines and more than maxPerFile chunks of one file, and reads
// their text from the store. A chunk that changed or went away since it
// was ranked is skipped.
func (m *Memory) selectItems(cands []candidate, k, maxPerFile int) ([]Item, error) {
	var picked []*chunkMeta
	var items []Item
	hashes := map[string]bool{}
	perFile := map[string]int{}
	texts := map[string]map[string]storedText{} // path → id → stored text
	for _, c := range cands {
		if len(items) == k {
			break
		}
		meta := c.meta
		if hashes[meta.hash] || perFile[meta.path] >= maxPerFile {
			continue
		}
		if slices.ContainsFunc(picked, func(p *chunkMeta) bool { return overlaps(p, meta) }) {
			continue
		}
		byID, ok := texts[meta.path]
		if !ok {
			recs, err := m.st.FileChunks(meta.path)
			if err != nil {
				return nil, fmt.Errorf("memory: reading chunks of %s: %w", meta.path, err)
			}
			byID = make(map[string]storedText, len(recs))
			for _, r := range recs {
				byID[r.ID] = storedText{r.Text, r.Hash}
			}
			texts[meta.path] = byID
		}
		st, ok := byID[meta.id]
		if !ok || st.hash != meta.hash {
			continue
		}
		text := st.text
		picked = append(picked, meta)
		hashes[meta.hash] = true
		perFile[meta.path]++
		items = append(items, Item{Chunk: meta.chunk(text), Scores: c.scores})
	}
	return items, nil
}
