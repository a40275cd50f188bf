package knowledge

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/aios-dev/aios/inference"
	"github.com/aios-dev/aios/memory"
)

// Dense retrieval through the inference layer's Embed with the real
// in-process llama.cpp core. stories260k is no embedding model: this
// checks the plumbing (vectors stored, dense list fused, survives a
// reopen without re-embedding), not the ranking.
func TestDenseRetrievalThroughTheLocalCore(t *testing.T) {
	model, _ := filepath.Abs(filepath.Join("..", "..", "..", "shared", "models", "stories260k.gguf"))
	if _, err := os.Stat(model); err != nil {
		t.Skipf("test model not available: %v (it lives in ../shared/models beside the repository)", err)
	}
	if _, err := inference.LoadLlamaLibrary(""); err != nil {
		t.Skipf("llama.cpp libraries not available (run `make llama-libs`): %v", err)
	}
	newEmbedder := func() *inference.Lazy {
		meter := inference.NewMeter()
		return inference.NewLazy(meter, func() (*inference.Engine, error) {
			return inference.Build(inference.Config{Backends: []inference.BackendConfig{{Name: "stories", Type: inference.TypeLocal, Model: model, Embeddings: true}}},
				inference.BuildOptions{Meter: meter})
		})
	}
	root := gitRepo(t, corpus)
	storePath := filepath.Join(t.TempDir(), "aios.db")
	ctx := context.Background()

	emb := newEmbedder()
	s, err := Open(Options{Root: root, StorePath: storePath, Embedder: emb, EmbedModel: "local:stories260k"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.Refresh(ctx); err != nil {
		t.Fatal(err)
	}
	if err := s.Memory().Flush(ctx); err != nil {
		t.Fatal(err)
	}
	st := s.Memory().Stats()
	if st.Vectors != st.Chunks || st.Vectors == 0 || st.PendingEmbeds != 0 {
		t.Fatalf("after Flush: %+v", st)
	}
	res, err := s.Search(ctx, memory.Query{Text: "add up the price of items with a discount"})
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Contains(res.Retrievers, memory.RetrieverDense) || len(res.Items) == 0 {
		t.Fatalf("retrievers %v notes %q items %d", res.Retrievers, res.Notes, len(res.Items))
	}
	dense := 0
	for _, it := range res.Items {
		if _, ok := it.Scores.Ranks[memory.RetrieverDense]; ok {
			dense++
		}
	}
	if dense == 0 {
		t.Fatalf("no item ranked by the dense retriever: %+v", res.Items)
	}
	s.Close()
	emb.Close()

	// Reopened: the vectors come from the store, nothing is embedded again.
	emb = newEmbedder()
	defer emb.Close()
	s, err = Open(Options{Root: root, StorePath: storePath, Embedder: emb, EmbedModel: "local:stories260k"})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if _, err := s.Refresh(ctx); err != nil {
		t.Fatal(err)
	}
	if st2 := s.Memory().Stats(); st2.Vectors != st.Vectors || st2.PendingEmbeds != 0 {
		t.Fatalf("after reopen: %+v, before %+v", st2, st)
	}
}
