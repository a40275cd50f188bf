package store

import (
	"bytes"
	"encoding/json"
	"fmt"
	"log/slog"

	bolt "go.etcd.io/bbolt"
)

// Schema 1 (the first release) differed from schema 2 in three places:
//
//   - memory/chunks values were a version byte 1 followed by the JSON of
//     chunkV1 (every field, ID and Path included). Decoding JSON was the
//     slowest part of a cold start.
//   - There was no memory/chunk-ids index: chunk IDs were not checked for
//     uniqueness across files, and finding a chunk by ID meant a full scan.
//   - memory/embeddings values were a version byte 1 followed by bare
//     little-endian float32s: no chunk hash and no dimension, and no
//     memory/models bucket. Schema 1's ReplaceFileChunks deleted the vectors
//     of chunks that disappeared or whose hash changed, so every schema-1
//     vector belongs to its chunk's current text.
//
// Edges, feedback, task events and metadata are identical in both schemas.

// chunkV1 is the JSON shape of a schema-1 chunk record.
type chunkV1 struct {
	ID        string `json:"id"`
	Path      string `json:"path"`
	Lang      string `json:"lang,omitempty"`
	Kind      string `json:"kind,omitempty"`
	Symbol    string `json:"symbol,omitempty"`
	StartLine int    `json:"startLine"`
	EndLine   int    `json:"endLine"`
	StartByte int    `json:"startByte"`
	EndByte   int    `json:"endByte"`
	Text      string `json:"text"`
	Hash      string `json:"hash"`
}

// migrateBatch bounds how many records are held in memory while rewriting.
const migrateBatch = 1024

// migrateV1toV2 re-encodes chunks as binary records, builds the chunk ID
// index (dropping, with a warning, later duplicates of an ID that schema 1
// let through, and that ID's vectors) and rewrites vectors with their chunk's hash and dimension
// (dropping orphans and vectors whose dimension disagrees with the model's
// first one).
func migrateV1toV2(tx *bolt.Tx, log *slog.Logger) error {
	chunks, embeds := tx.Bucket(bChunks), tx.Bucket(bEmbeddings)
	if chunks == nil || embeds == nil {
		return fmt.Errorf("%w: schema 1 store lacks %q or %q", ErrCorrupt, bChunks, bEmbeddings)
	}
	ids, err := tx.CreateBucket(bChunkIDs)
	if err != nil {
		return fmt.Errorf("create %q: %w", bChunkIDs, err)
	}
	models, err := tx.CreateBucket(bModels)
	if err != nil {
		return fmt.Errorf("create %q: %w", bModels, err)
	}
	for _, b := range []*bolt.Bucket{chunks, embeds, ids, models} {
		b.FillPercent = fillPercent
	}
	dupIDs := make(map[string]bool)
	nChunks, err := migrateChunksV1(chunks, ids, dupIDs, log)
	if err != nil {
		return err
	}
	nVecs, dropped, err := migrateVectorsV1(embeds, ids, models, dupIDs)
	if err != nil {
		return err
	}
	log.Info("schema 1→2 rewrote records", "chunks", nChunks, "duplicateIDs", len(dupIDs),
		"vectors", nVecs, "vectorsDropped", dropped)
	return nil
}

type kv struct{ k, v []byte }

// rewrite walks bucket b in batches, replacing or deleting records with
// what fn returns (nil = delete). Keys are copied before the tree changes;
// the cursor is repositioned after every batch, as bbolt requires.
func rewrite(b *bolt.Bucket, fn func(k, v []byte) ([]byte, error)) error {
	var from []byte
	for {
		batch := make([]kv, 0, migrateBatch)
		c := b.Cursor()
		k, v := c.First()
		if from != nil {
			k, v = c.Seek(from)
			if k != nil && bytes.Equal(k, from) {
				k, v = c.Next()
			}
		}
		for ; k != nil && len(batch) < migrateBatch; k, v = c.Next() {
			nv, err := fn(k, v)
			if err != nil {
				return err
			}
			batch = append(batch, kv{append([]byte(nil), k...), nv})
		}
		for _, e := range batch {
			var err error
			if e.v == nil {
				err = b.Delete(e.k)
			} else {
				err = b.Put(e.k, e.v)
			}
			if err != nil {
				return err
			}
		}
		if len(batch) < migrateBatch {
			return nil
		}
		from = batch[len(batch)-1].k
	}
}

func migrateChunksV1(chunks, ids *bolt.Bucket, dupIDs map[string]bool, log *slog.Logger) (n int, err error) {
	err = rewrite(chunks, func(k, v []byte) ([]byte, error) {
		path, id, ok := splitKey(k)
		if !ok || len(v) == 0 || v[0] != recChunkJSON {
			return nil, fmt.Errorf("%w: schema 1 chunk %q is malformed", ErrCorrupt, k)
		}
		var c chunkV1
		if err := json.Unmarshal(v[1:], &c); err != nil {
			return nil, fmt.Errorf("%w: schema 1 chunk %q: %v", ErrCorrupt, k, err)
		}
		rec := ChunkRecord{ID: string(id), Path: string(path), Lang: c.Lang, Kind: c.Kind, Symbol: c.Symbol,
			StartLine: c.StartLine, EndLine: c.EndLine, StartByte: c.StartByte, EndByte: c.EndByte, Text: c.Text, Hash: c.Hash}
		if rec.Hash == "" {
			rec.Hash = HashText(rec.Text)
		}
		if err := rec.validate(rec.Path); err != nil {
			return nil, fmt.Errorf("%w: schema 1 chunk %q: %v", ErrCorrupt, k, err)
		}
		if old := ids.Get(id); old != nil {
			log.Warn("schema 1 had a duplicate chunk ID; keeping the first", "id", string(id), "dropped", string(path))
			dupIDs[string(id)] = true
			return nil, nil
		}
		if err := ids.Put(id, encodeChunkIndex(rec.Path, rec.Hash)); err != nil {
			return nil, err
		}
		n++
		return encodeChunk(&rec), nil
	})
	return n, err
}

func migrateVectorsV1(embeds, ids, models *bolt.Bucket, dupIDs map[string]bool) (n, dropped int, err error) {
	err = rewrite(embeds, func(k, v []byte) ([]byte, error) {
		model, id, ok := splitKey(k)
		if !ok || len(v) == 0 || v[0] != recVectorRaw || (len(v)-1)%4 != 0 || len(v) == 1 {
			return nil, fmt.Errorf("%w: schema 1 vector %q is malformed", ErrCorrupt, k)
		}
		dim := (len(v) - 1) / 4
		idx := ids.Get(id)
		if idx == nil || dupIDs[string(id)] {
			// Its chunk is gone, or the ID was shared by several files and
			// the vector cannot be attributed to the one that was kept.
			dropped++
			return nil, nil
		}
		_, hash, err := decodeChunkIndexRaw(idx)
		if err != nil {
			return nil, err
		}
		if mv := models.Get(model); mv == nil {
			if err := models.Put(model, encodeModel(dim)); err != nil {
				return nil, err
			}
		} else if want, err := decodeModel(mv); err != nil {
			return nil, err
		} else if want != dim {
			dropped++
			return nil, nil
		}
		vec := make([]float32, dim)
		decodeFloats(vec, v[1:])
		n++
		return encodeVector(string(hash), vec), nil
	})
	return n, dropped, err
}
