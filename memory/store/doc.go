// Package store is the persistent layer of aios's memory: one bbolt file per
// workspace holding code chunks, their embeddings, the knowledge graph's
// edges, user feedback, task events and small metadata.
//
// # Sharing the file
//
// Other packages keep their own buckets in the same file (the workspace
// indexer uses buckets named "repoindex/..."). Store exposes the *bbolt.DB
// through [Store.DB] and only ever creates, reads or deletes the top-level
// buckets whose names start with "memory/".
//
// # Layout (schema version 2)
//
//	memory/meta        "schema" → decimal schema version; "u:"+key → user metadata (GetMeta/SetMeta)
//	memory/chunks      path NUL id → chunk record (binary, version byte 2)
//	memory/chunk-ids   id → (path, hash): the ID index; enforces workspace-unique chunk IDs
//	memory/models      model → vector dimension
//	memory/embeddings  model NUL id → (chunk hash, dim, little-endian float32 × dim)
//	memory/edges       path NUL uint32be index → edge
//	memory/feedback    uint64be sequence → feedback record (chronological)
//	memory/feedback-ids feedback ID → uint64be sequence (AddFeedback with a known ID replaces it)
//	memory/tasks       taskID NUL uint64be sequence → task event
//
// Every record starts with a version byte. Records are a hand-rolled binary
// format (uvarint lengths, no reflection): one 800-byte chunk decodes in
// about 0.4 µs against 8.4 µs with encoding/json (BenchmarkDecodeChunk*), so
// 100k chunks cost ~40 ms instead of ~840 ms. Vectors are little-endian
// float32s, copied with one memmove on little-endian hosts. Together they
// keep a cold start over 100k chunks and 100k 384-dimensional vectors well
// under a second (BenchmarkLoad100k). ScanEmbeddings lends one reused
// buffer to callers that copy vectors into their own index anyway.
//
// An embedding carries the hash of the chunk text it was computed from. A
// vector whose hash differs from the chunk's current hash is stale: it is
// deleted when the chunk changes and is never returned by [Store.Embeddings].
// [Store.PutChunkEmbeddings] stores a vector only if its chunk still has the
// hash it was embedded from, which makes asynchronous embedding race-free.
//
// # Schema versions and migrations
//
// "memory/meta" holds the schema version. [Open] initialises a store without
// one at the current version and runs the registered migrations (each from N
// to N+1 in one transaction) on an older one. A store with a newer schema, or
// a file that is not a bbolt database, is refused with a clear error and never
// overwritten. Version 1 stored chunks as JSON without the ID index and
// vectors without the chunk hash; migration 1→2 re-encodes them.
//
// # Concurrency and locking
//
// A Store is safe for concurrent use: bbolt serialises writers and lets
// readers run in parallel. The file is locked (flock) while open; a second
// read-write Open of the same file, in this or another process, fails after
// Options.Timeout with [ErrLocked] and says which process holds the lock.
// Several read-only opens may share the file.
//
// [Store.Update] and [Store.View] group several operations in one atomic
// transaction; the methods on Store are one-operation shorthands.
package store
