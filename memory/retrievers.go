package memory

import (
	"context"
	"fmt"
	"strings"
)

// denseList runs the dense retriever; a non-empty note says why it did not.
func (m *Memory) denseList(ctx context.Context, q *Query) ([]Hit, string) {
	if m.embedder == nil {
		return nil, "dense: off (no Embedder configured)"
	}
	text := strings.TrimSpace(q.Text + " " + strings.Join(q.Identifiers, " "))
	if text == "" {
		return nil, "dense: nothing to embed in the query"
	}
	m.mu.RLock()
	vec := m.vec
	m.mu.RUnlock()
	if vec == nil || vec.Len() == 0 {
		return nil, "dense: no chunk has a vector yet"
	}
	vecs, err := m.embedder.Embed(ctx, []string{text})
	if err == nil {
		err = checkVectors(vecs, 1)
	}
	if err != nil {
		m.log.Warn("memory: embedding the query", "err", err)
		return nil, fmt.Sprintf("dense: embedding the query failed: %v", err)
	}
	if len(vecs[0]) != vec.Dim() {
		return nil, fmt.Sprintf("dense: the query vector has %d dimensions, the store %d", len(vecs[0]), vec.Dim())
	}
	hits, err := vec.Search(vecs[0], retrieverDepth)
	if err != nil {
		return nil, fmt.Sprintf("dense: search failed: %v", err)
	}
	out := make([]Hit, 0, len(hits))
	for _, h := range hits {
		if h.Score > 0 { // cosine ≤ 0: unrelated, not a candidate
			out = append(out, Hit{ID: h.ID, Score: float64(h.Score)})
		}
	}
	return out, ""
}

// graphList runs the graph retriever; a non-empty note says why it did not.
// The chunks of the open file are left out of its list: they are the seed,
// already in the editor, not something the walk found.
func (m *Memory) graphList(q *Query, idents []string) ([]Hit, string) {
	seeds := map[string]float64{}
	if q.OpenFile != "" && m.graph.Has(FileNode(q.OpenFile)) {
		seeds[FileNode(q.OpenFile)] = 1
	}
	for _, id := range idents {
		nodes := m.graph.SymbolNodes(id)
		if len(nodes) == 0 || len(nodes) > maxSeedDefinitions {
			continue
		}
		for _, n := range nodes {
			seeds[n] += 1 / float64(len(nodes))
		}
	}
	if len(seeds) == 0 {
		return nil, "graph: no seed (no indexed open file, no identifier with a definition)"
	}
	ranked, err := m.graph.PageRank(seeds, PageRankOptions{Push: true, Tol: graphTol})
	if err != nil {
		return nil, fmt.Sprintf("graph: %v", err)
	}
	scores := map[string]float64{}
	m.mu.RLock()
	for _, ns := range ranked {
		switch ns.Kind {
		case "file":
			if ns.Path == q.OpenFile {
				continue // the seed itself, already in the editor
			}
			for _, c := range m.files[ns.Path] {
				scores[c.id] += graphFileShare * ns.Score
			}
		case "symbol":
			if ns.Path == q.OpenFile {
				continue
			}
			for _, c := range m.files[ns.Path] {
				if c.symbol == ns.Symbol {
					scores[c.id] += ns.Score
				}
			}
		}
	}
	m.mu.RUnlock()
	var h hitHeap
	h.reset(retrieverDepth)
	for id, s := range scores {
		h.offer(id, s)
	}
	return h.sorted(), ""
}
