package repoindex

import (
	"crypto/sha1"
	"encoding/hex"
	"fmt"
	"hash"
	"io"
	"strconv"

	"github.com/aios-dev/aios/repoindex/syntax"
)

// blobID is a git object id: sha1 of "blob <len>\x00" + content.
type blobID [sha1.Size]byte

func (b blobID) String() string { return hex.EncodeToString(b[:]) }

func (b blobID) isZero() bool { return b == blobID{} }

// parseBlobID decodes a hex object id.
func parseBlobID(s string) (blobID, error) {
	var b blobID
	if len(s) != 2*len(b) {
		return b, fmt.Errorf("object id %q: want %d hex digits", s, 2*len(b))
	}
	if _, err := hex.Decode(b[:], []byte(s)); err != nil {
		return b, fmt.Errorf("object id %q: %w", s, err)
	}
	return b, nil
}

func blobHeader(h hash.Hash, size int64) {
	var buf [32]byte
	b := append(buf[:0], "blob "...)
	b = strconv.AppendInt(b, size, 10)
	b = append(b, 0)
	h.Write(b)
}

// hashBlob returns the git blob id of data.
func hashBlob(data []byte) blobID {
	h := sha1.New()
	blobHeader(h, int64(len(data)))
	h.Write(data)
	var id blobID
	h.Sum(id[:0])
	return id
}

// hashReader returns the git blob id of exactly size bytes read from r,
// without holding them in memory. A short read is an error: the file
// changed while it was read.
func hashReader(r io.Reader, size int64) (blobID, error) {
	h := sha1.New()
	blobHeader(h, size)
	n, err := io.Copy(h, io.LimitReader(r, size))
	var id blobID
	if err != nil {
		return id, err
	}
	if n != size {
		return id, fmt.Errorf("read %d of %d bytes: file changed while hashing", n, size)
	}
	h.Sum(id[:0])
	return id, nil
}

// synKey names a syntax result. The same content is parsed differently as
// another language (the language comes from the file name), so results
// are stored per blob and language: a rename keeping the extension reuses
// the result, one changing the language does not.
type synKey struct {
	blob blobID
	lang syntax.Lang
}

func keyFor(rel string, b blobID) synKey { return synKey{blob: b, lang: syntax.LangForPath(rel)} }

// bytes is the key in the blobs bucket: the 20-byte id, then the language.
func (k synKey) bytes() []byte {
	out := make([]byte, 0, len(k.blob)+len(k.lang))
	out = append(out, k.blob[:]...)
	return append(out, k.lang...)
}
