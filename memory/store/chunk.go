package store

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"math"
)

// ChunkRecord is one retrievable piece of a file.
type ChunkRecord struct {
	ID     string // unique across the workspace
	Path   string // the file it belongs to (slash-separated, as the caller names files)
	Lang   string
	Kind   string
	Symbol string

	StartLine, EndLine int
	StartByte, EndByte int

	Text string
	// Hash is the content hash of Text. ReplaceFileChunks fills an empty
	// Hash with HashText(Text); a caller may supply its own hash scheme.
	Hash string
}

// maxShort bounds Lang, Kind, Symbol and Hash.
const maxShort = 64 << 10

// HashText is the default content hash of a chunk's text: the first 16
// bytes of its SHA-256, in hex.
func HashText(text string) string {
	sum := sha256.Sum256([]byte(text))
	return hex.EncodeToString(sum[:16])
}

// validate checks a record that is to be stored under path.
func (c *ChunkRecord) validate(path string) error {
	if err := checkName("chunk ID", c.ID); err != nil {
		return err
	}
	if c.Path != path {
		return invalid("chunk %q has path %q, want %q", c.ID, c.Path, path)
	}
	if len(path)+1+len(c.ID) > maxKeyBytes {
		return invalid("chunk %q: path and ID together exceed %d bytes", c.ID, maxKeyBytes)
	}
	for _, f := range []struct {
		name string
		v    int
	}{{"StartLine", c.StartLine}, {"EndLine", c.EndLine}, {"StartByte", c.StartByte}, {"EndByte", c.EndByte}} {
		if f.v < 0 || f.v > math.MaxInt32 {
			return invalid("chunk %q: %s %d out of range", c.ID, f.name, f.v)
		}
	}
	if c.EndLine < c.StartLine || c.EndByte < c.StartByte {
		return invalid("chunk %q: end before start (lines %d-%d, bytes %d-%d)", c.ID, c.StartLine, c.EndLine, c.StartByte, c.EndByte)
	}
	for _, f := range []struct{ name, v string }{{"Lang", c.Lang}, {"Kind", c.Kind}, {"Symbol", c.Symbol}, {"Hash", c.Hash}} {
		if len(f.v) > maxShort {
			return invalid("chunk %q: %s is %d bytes (limit %d)", c.ID, f.name, len(f.v), maxShort)
		}
	}
	return checkText(fmt.Sprintf("chunk %q text", c.ID), c.Text)
}
