package memory

import "testing"

// The decoders of what memory persists must refuse damaged input with an
// error, never a panic (the checksums catch accidents, not everything).

func FuzzDecodeFacts(f *testing.F) {
	for _, ff := range smallFacts() {
		f.Add(encodeFacts(&ff))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		if facts, err := decodeFacts(b); err == nil {
			_ = facts.validate()
		}
	})
}

func FuzzDecodeGraph(f *testing.F) {
	g := smallGraph(f)
	f.Add(g.encode())
	f.Fuzz(func(t *testing.T, b []byte) {
		fresh, _ := NewGraph(GraphOptions{})
		if err := fresh.decode(b); err == nil {
			if _, err := fresh.PageRank(map[string]float64{"file:p/a.go": 1}, PageRankOptions{Push: true}); err != nil {
				_ = err // an unknown seed is fine
			}
		}
	})
}

func FuzzDecodeSparse(f *testing.F) {
	s := NewSparse()
	s.Replace("a", []SparseDoc{{ID: "x", Text: "parse url token"}, {ID: "y", Text: "cache evict"}})
	metas := []*chunkMeta{{id: "x"}, {id: "y"}}
	strs, post := s.encode(nil, metas, map[string]uint32{"x": 0, "y": 1})
	_ = strs
	f.Add(post)
	f.Fuzz(func(t *testing.T, b []byte) {
		sp, err := decodeSparse(b, []string{"x", "y"}, []string{"a", "a"}, []string{"parse", "url", "token", "cache", "evict"})
		if err == nil {
			sp.Search("parse cache", 5)
			sp.Remove("a")
		}
	})
}
