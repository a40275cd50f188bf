package memory

import "errors"

// Sentinel errors. Functions wrap them with %w and context (the path, the
// chunk, the reason); check them with errors.Is.
var (
	// ErrInvalidOptions is returned by Open for options that cannot work:
	// no Store, an EmbedModel without an Embedder, a vector store whose
	// dimension disagrees with the stored vectors.
	ErrInvalidOptions = errors.New("memory: invalid options")

	// ErrClosed is returned by every method of Memory called after Close.
	ErrClosed = errors.New("memory: closed")

	// ErrInvalidChunk is returned by IndexFile for a chunk that cannot be
	// indexed: a path other than the file's, impossible line or byte
	// ranges, a duplicate ID.
	ErrInvalidChunk = errors.New("memory: invalid chunk")

	// ErrNotText is returned by IndexFile for a chunk whose text is not
	// UTF-8 text (NUL bytes or invalid UTF-8: a binary file).
	ErrNotText = errors.New("memory: chunk is not text")

	// ErrTooLarge is returned by IndexFile for a chunk over MaxChunkBytes
	// or a file with more than MaxChunksPerFile chunks.
	ErrTooLarge = errors.New("memory: chunk or file too large")

	// ErrInvalidFacts is returned for FileFacts that cannot describe a
	// file: an empty or unclean path, a symbol without a name.
	ErrInvalidFacts = errors.New("memory: invalid file facts")

	// ErrInvalidQuery is returned by Retrieve for a query with nothing to
	// search for or impossible values (negative K or token budget).
	ErrInvalidQuery = errors.New("memory: invalid query")

	// ErrInvalidBudget is returned for a token budget that is not positive.
	ErrInvalidBudget = errors.New("memory: invalid token budget")

	// ErrUnknownNode is returned by Graph queries for a node ID the graph
	// does not hold.
	ErrUnknownNode = errors.New("memory: unknown graph node")

	// ErrEmbedding reports an Embedder failure or an answer that cannot be
	// used (wrong count, wrong or changing dimension, zero vectors). The
	// chunks concerned stay indexed sparsely and are retried later.
	ErrEmbedding = errors.New("memory: embedding failed")

	// ErrCorruptSnapshot reports an index snapshot that cannot be decoded.
	// Open logs it and rebuilds the index from the store instead.
	ErrCorruptSnapshot = errors.New("memory: corrupt index snapshot")
)
