// Package vector is the dense layer of aios's memory: top-k cosine search
// over chunk embeddings.
//
// Two implementations satisfy [Store]:
//
//   - [Flat], aios's own exhaustive index. Vectors live in one contiguous
//     slab, rows are addressed through an id ↔ row map and removed by
//     swap-remove, and a query is a single streaming scan into a bounded
//     min-heap, split across GOMAXPROCS goroutines once the store is large
//     enough to pay for them. On amd64 with AVX2 and FMA the scan runs in two
//     small assembly kernels (the Go compiler does not vectorise loops);
//     elsewhere, or with the purego build tag, in unrolled Go.
//   - [Chromem], an adapter over chromem-go's in-memory collection, kept as a
//     reference and for comparison. chromem-go's persistent mode loses
//     documents at around 100k entries, so it is never used; persistence goes
//     through Export and Import.
//
// A Flat stores its vectors in one of three [Quantization]s:
//
//   - Float32: exact, 4 bytes per dimension.
//   - Int8: one byte per dimension plus a per-vector scale; scores are
//     estimates (within about 0.001 of the cosine at 384 dimensions) and
//     recall@5 against exact search measured 0.96-0.98.
//   - Int8Rerank: scans the int8 codes, then re-ranks the best max(4k, 16)
//     with float32 vectors kept beside them: exact scores, recall@5 measured
//     1.000, at the int8 scan's speed, for 5 bytes per dimension.
//
// aios should use NewFlat(dim, Int8Rerank): at 100k × 384 it answers in
// about 2 ms where Float32 needs 5-7 ms (memory bandwidth: it reads four
// times the bytes) and chromem-go 110-190 ms, with the same results. Int8
// alone is the choice when memory matters more than the last few percent of
// recall. Without AVX2 the portable int8 kernel is slower than the float32
// one, so there Float32 is the faster choice. See bench_test.go.
//
// Both stores write the same versioned snapshot format (see
// [Store.Export]), so a snapshot of a Float32 Flat loads into a Chromem and
// back.
//
// Every vector is normalised on the way in, so a score is a cosine
// similarity in [-1, 1]. Results are sorted by score, highest first, and
// equal scores by ID, so the same content always gives the same answer.
package vector
