package memory

// Query asks Retrieve for context.
type Query struct {
	// Text is what the user or the agent asks, in prose or code.
	Text string
	// OpenFile is the workspace-relative path of the file being edited; it
	// seeds the graph retriever and the proximity factor.
	OpenFile string
	// Identifiers are names the caller knows matter (the symbol under the
	// cursor, names in a diagnostic); they seed the graph retriever and the
	// identifier factor. Identifier-like words of Text are added to them.
	Identifiers []string
	// K is the number of chunks wanted; 0 means DefaultK.
	K int
	// TokenBudget bounds Result.Packed; 0 means DefaultTokenBudget.
	TokenBudget int
	// MaxPerFile bounds the chunks of one file among the K; 0 means
	// DefaultMaxPerFile.
	MaxPerFile int
	// Retrievers, when set, runs only the retrievers named (RetrieverSparse,
	// RetrieverDense, RetrieverGraph); nil runs every one that can run. It
	// serves evaluation and debugging: one retriever's own ranking, through
	// the same rerank and packing.
	Retrievers []string
}

// Defaults of Query.
const (
	DefaultK           = 5
	DefaultTokenBudget = 2048
	DefaultMaxPerFile  = 2
)

// Retriever names, as listed in Result.Retrievers and Scores.Ranks.
const (
	RetrieverSparse = "sparse"
	RetrieverDense  = "dense"
	RetrieverGraph  = "graph"
)

// Scores explains an item's place in the result.
type Scores struct {
	Sparse float64 // BM25 score (0: not in the sparse list)
	Dense  float64 // cosine similarity (0: not in the dense list)
	Graph  float64 // PageRank score of the chunk's symbol and file
	Fused  float64 // reciprocal rank fusion of the lists
	Rerank float64 // Fused times every factor
	// Ranks holds the item's 1-based rank in each retriever's list.
	Ranks map[string]int
	// Factors holds the rerank factors applied (name → multiplier):
	// "identifier", "proximity", "test", "feedback".
	Factors map[string]float64
}

// Item is one retrieved chunk.
type Item struct {
	Chunk
	Scores Scores
	// Tokens is what the item takes in Result.Packed.
	Tokens int
	// Cut reports that Packed holds only the chunk's first lines.
	Cut bool
}

// Result is what Retrieve found.
type Result struct {
	// Items are the chunks packed, best first.
	Items []Item
	// Retrievers lists the retrievers that ran.
	Retrievers []string
	// Notes say why a retriever did not run or ran on partial data.
	Notes []string
	// Packed is the items rendered for a prompt, within the token budget.
	Packed string
	// Tokens is EstimateTokens(Packed).
	Tokens int
	// Omitted counts the top-K items left out because not even their first
	// line fit in the budget.
	Omitted int
}
