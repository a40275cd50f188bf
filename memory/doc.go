// Package memory is aios's memory: it ties together the four layers the
// agents remember with and retrieves context from them.
//
//   - Working memory (WorkingMemory): the context of one task, packed into a
//     token budget by priority.
//   - The vector store (package memory/vector): chunk embeddings, searched by
//     cosine similarity when an Embedder is configured.
//   - The knowledge graph (Graph): files, symbols and package directories
//     linked by defines, references, imports, calls, tests-of and
//     changes-with edges, ranked by personalised PageRank.
//   - The persistent store (package memory/store): one bbolt file per
//     workspace holding chunks, embeddings, feedback and task events.
//
// Retrieval (Memory.Retrieve) runs up to three retrievers — sparse (BM25 over
// identifier-aware tokens, Sparse), dense (embeddings) and graph (PageRank
// personalised by the open file and the query's identifiers) — fuses their
// ranked lists with reciprocal rank fusion (k = 60), reranks the fused list
// with cheap, explainable factors (identifier matches, proximity to the open
// file, test files, user feedback), removes duplicates and packs the top K
// chunks into a token budget without ever cutting a line in half.
//
// The package is a leaf: it never imports repoindex or inference. What it
// needs from them it declares itself (Embedder, FileFacts, Chunk); the
// layer above converts the indexer's output into these types and adapts the
// inference layer to Embedder.
//
// Open returns once the sparse and dense retrievers are ready: the chunk
// table and the sparse index load from a snapshot written by Close (or are
// rebuilt from the stored chunks after a crash), the vectors from the
// store. The knowledge graph is rebuilt from the stored file facts in the
// background; until it is ready Retrieve skips the graph retriever and says
// so, and writers wait for it.
//
// Lock order inside Memory: writeMu (serialises IndexFiles, RemoveFile,
// Snapshot, Close and the background graph load) before mu (the chunk
// table and the vector store), before the vector store's own lock. Sparse,
// Graph, the feedback index and the embedding queue carry their own locks,
// taken alone.
package memory
