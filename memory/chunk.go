package memory

import (
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/aios-dev/aios/memory/store"
)

// Limits on what IndexFile accepts.
const (
	// MaxChunkBytes bounds one chunk's text.
	MaxChunkBytes = 1 << 20
	// MaxChunksPerFile bounds the chunks of one file.
	MaxChunksPerFile = 1 << 14
)

// Chunk is a piece of a file that retrieval returns whole: a function, a
// type, a block of lines.
type Chunk struct {
	// ID is unique in the workspace; empty: "path#startByte-endByte".
	ID   string
	Path string
	Lang string
	Kind string
	// Symbol is the qualified name (Container.Name) of the symbol the chunk
	// covers, as in SymbolFact.Qualified; "" when none.
	Symbol    string
	StartLine int // 1-based, inclusive
	EndLine   int
	StartByte int
	EndByte   int
	Text      string
	// Hash is the content hash of Text; empty: store.HashText(Text).
	Hash string
}

// prepareChunks validates the chunks of the file at path, fills empty IDs
// and hashes, and returns them as store records.
func prepareChunks(path string, chunks []Chunk) ([]store.ChunkRecord, error) {
	if len(chunks) > MaxChunksPerFile {
		return nil, fmt.Errorf("%w: %s has %d chunks (limit %d)", ErrTooLarge, path, len(chunks), MaxChunksPerFile)
	}
	recs := make([]store.ChunkRecord, len(chunks))
	seen := make(map[string]bool, len(chunks))
	for i, c := range chunks {
		if c.Path != path {
			return nil, fmt.Errorf("%w: chunk %d of %s has path %q", ErrInvalidChunk, i, path, c.Path)
		}
		if c.ID == "" {
			c.ID = fmt.Sprintf("%s#%d-%d", c.Path, c.StartByte, c.EndByte)
		}
		switch {
		case strings.ContainsRune(c.ID, 0):
			return nil, fmt.Errorf("%w: chunk ID %q holds a NUL byte", ErrInvalidChunk, c.ID)
		case seen[c.ID]:
			return nil, fmt.Errorf("%w: %s: duplicate chunk ID %q", ErrInvalidChunk, path, c.ID)
		case c.StartLine < 1 || c.EndLine < c.StartLine:
			return nil, fmt.Errorf("%w: chunk %q has lines %d-%d", ErrInvalidChunk, c.ID, c.StartLine, c.EndLine)
		case c.StartByte < 0 || c.EndByte < c.StartByte:
			return nil, fmt.Errorf("%w: chunk %q has bytes %d-%d", ErrInvalidChunk, c.ID, c.StartByte, c.EndByte)
		case len(c.Text) > MaxChunkBytes:
			return nil, fmt.Errorf("%w: chunk %q is %d bytes (limit %d)", ErrTooLarge, c.ID, len(c.Text), MaxChunkBytes)
		case strings.IndexByte(c.Text, 0) >= 0 || !utf8.ValidString(c.Text):
			return nil, fmt.Errorf("%w: chunk %q of %s holds NUL bytes or invalid UTF-8", ErrNotText, c.ID, path)
		}
		seen[c.ID] = true
		if c.Hash == "" {
			c.Hash = store.HashText(c.Text)
		}
		recs[i] = store.ChunkRecord(c)
	}
	return recs, nil
}

// chunkMeta is what memory keeps in RAM per chunk: everything but the text,
// which stays in the store until a chunk is packed.
type chunkMeta struct {
	id, path, lang, kind, symbol string
	startLine, endLine           int
	startByte, endByte           int
	hash                         string
}

func metaOf(r *store.ChunkRecord) chunkMeta {
	return chunkMeta{id: r.ID, path: r.Path, lang: r.Lang, kind: r.Kind, symbol: r.Symbol,
		startLine: r.StartLine, endLine: r.EndLine, startByte: r.StartByte, endByte: r.EndByte, hash: r.Hash}
}

func (m *chunkMeta) chunk(text string) Chunk {
	return Chunk{ID: m.id, Path: m.path, Lang: m.lang, Kind: m.kind, Symbol: m.symbol, StartLine: m.startLine,
		EndLine: m.endLine, StartByte: m.startByte, EndByte: m.endByte, Text: text, Hash: m.hash}
}
