package memory

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"hash/crc32"
	"slices"
	"sync"

	bolt "go.etcd.io/bbolt"
)

// The index snapshot holds what is slow to rebuild from the store: the
// chunk table and the sparse index (tokenizing every chunk again). Layout:
//
//	magic "AIOSMIDX", version byte, CRC-32C (Castagnoli) of the payload
//	payload: uvarint length of the string section, the string section,
//	the postings section
//	string section (uvarint lengths and integers): paths; chunks (path
//	index, ID, lang, kind, symbol, lines, bytes, hash); the sparse index's
//	terms
//	postings section (little-endian, fixed width, so that it loads at
//	memory speed): per document (in chunk order) its weighted length as
//	float32; per term the offset of its postings (uint32, one more than
//	terms); every posting's document (uint32); every posting's weighted
//	term frequency (uint16)
//
// Strings decode as slices of one copy of the string section. The
// knowledge graph is rebuilt from the stored facts; vectors come from the
// store's embeddings.
const (
	snapshotMagic   = "AIOSMIDX"
	snapshotVersion = 2
)

var castagnoli = crc32.MakeTable(crc32.Castagnoli)

// frame wraps a snapshot payload: magic, version, CRC-32C, payload.
func frame(magic string, version byte, payload []byte) []byte {
	buf := make([]byte, 0, len(magic)+5+len(payload))
	buf = append(buf, magic...)
	buf = append(buf, version)
	buf = binary.LittleEndian.AppendUint32(buf, crc32.Checksum(payload, castagnoli))
	return append(buf, payload...)
}

// unframe checks and strips what frame added.
func unframe(buf []byte, magic string, version byte) ([]byte, error) {
	if len(buf) < len(magic)+5 || !bytes.Equal(buf[:len(magic)], []byte(magic)) {
		return nil, fmt.Errorf("%w: bad magic", ErrCorruptSnapshot)
	}
	if v := buf[len(magic)]; v != version {
		return nil, fmt.Errorf("%w: version %d, want %d", ErrCorruptSnapshot, v, version)
	}
	sum := binary.LittleEndian.Uint32(buf[len(magic)+1:])
	payload := buf[len(magic)+5:]
	if crc32.Checksum(payload, castagnoli) != sum {
		return nil, fmt.Errorf("%w: checksum mismatch", ErrCorruptSnapshot)
	}
	return payload, nil
}

// writeSnapshot stores the index and graph snapshots in one transaction.
// Called with writeMu held, the graph fully loaded.
func (m *Memory) writeSnapshot() error {
	index := frame(snapshotMagic, snapshotVersion, m.encodeSnapshot())
	graph := frame(graphMagic, graphVersion, m.graph.encode())
	err := m.st.DB().Update(func(tx *bolt.Tx) error {
		sb, err := tx.CreateBucketIfNotExists(bucketSnapshot)
		if err != nil {
			return err
		}
		if err := sb.Put(keyGraph, graph); err != nil {
			return err
		}
		return sb.Put(keySnapshot, index)
	})
	if err != nil {
		return fmt.Errorf("writing the index snapshot: %w", err)
	}
	m.snapValid.Store(true)
	m.log.Debug("memory: snapshot written", "index_bytes", len(index), "graph_bytes", len(graph))
	return nil
}

func (m *Memory) encodeSnapshot() []byte {
	m.mu.RLock()
	paths := make([]string, 0, len(m.files))
	for p := range m.files {
		paths = append(paths, p)
	}
	slices.Sort(paths)
	var chunks []*chunkMeta
	for _, p := range paths {
		chunks = append(chunks, m.files[p]...)
	}
	m.mu.RUnlock()

	e := enc{b: make([]byte, 0, 1<<20)}
	e.uvarint(uint64(len(paths)))
	for _, p := range paths {
		e.str(p)
	}
	pathIdx := make(map[string]int, len(paths))
	for i, p := range paths {
		pathIdx[p] = i
	}
	e.uvarint(uint64(len(chunks)))
	docOf := make(map[string]uint32, len(chunks))
	for i, c := range chunks {
		docOf[c.id] = uint32(i)
		e.uvarint(uint64(pathIdx[c.path]))
		e.str(c.id)
		e.str(c.lang)
		e.str(c.kind)
		e.str(c.symbol)
		e.int(c.startLine)
		e.int(c.endLine)
		e.int(c.startByte)
		e.int(c.endByte)
		e.str(c.hash)
	}
	var p []byte
	e.b, p = m.sparse.encode(e.b, chunks, docOf)
	out := binary.AppendUvarint(make([]byte, 0, len(e.b)+len(p)+binary.MaxVarintLen64), uint64(len(e.b)))
	out = append(out, e.b...)
	return append(out, p...)
}

// readSnapshot loads the index snapshot when there is one; ok is false
// when there is none. A snapshot that does not decode, or does not match
// the store's chunk count, is an error wrapping ErrCorruptSnapshot.
func (m *Memory) readSnapshot(storeChunks int) (ok bool, err error) {
	err = m.st.DB().View(func(tx *bolt.Tx) error {
		sb := tx.Bucket(bucketSnapshot)
		if sb == nil || sb.Get(keySnapshot) == nil {
			return nil
		}
		payload, err := unframe(sb.Get(keySnapshot), snapshotMagic, snapshotVersion)
		if err != nil {
			return err
		}
		if err := m.decodeSnapshot(payload, storeChunks); err != nil {
			return err
		}
		ok = true
		return nil
	})
	return ok, err
}

// readGraphSnapshot loads the graph snapshot into m.graph; ok is false
// when there is none.
func (m *Memory) readGraphSnapshot() (ok bool, err error) {
	err = m.st.DB().View(func(tx *bolt.Tx) error {
		sb := tx.Bucket(bucketSnapshot)
		if sb == nil || sb.Get(keyGraph) == nil {
			return nil
		}
		payload, err := unframe(sb.Get(keyGraph), graphMagic, graphVersion)
		if err != nil {
			return err
		}
		if err := m.graph.decode(payload); err != nil {
			return err
		}
		ok = true
		return nil
	})
	return ok, err
}

func (m *Memory) decodeSnapshot(payload []byte, storeChunks int) error {
	n0, k := binary.Uvarint(payload)
	if k <= 0 || n0 > uint64(len(payload)-k) {
		return fmt.Errorf("%w: bad section length", ErrCorruptSnapshot)
	}
	d := sdec{s: string(payload[k : k+int(n0)])} // one copy; strings slice it
	post := payload[k+int(n0):]
	paths := make([]string, d.count(1))
	for i := range paths {
		paths[i] = d.str()
	}
	n := d.count(10)
	if d.err == nil && n != storeChunks {
		return fmt.Errorf("%w: %d chunks, the store holds %d", ErrCorruptSnapshot, n, storeChunks)
	}
	metas := make([]chunkMeta, n)
	ids := make([]string, n)
	groups := make([]string, n)
	for i := range metas {
		pi := d.uvarint()
		if pi >= uint64(len(paths)) {
			d.fail()
			break
		}
		c := &metas[i]
		c.path = paths[pi]
		c.id, c.lang, c.kind, c.symbol = d.str(), d.str(), d.str(), d.str()
		c.startLine, c.endLine, c.startByte, c.endByte = d.int(), d.int(), d.int(), d.int()
		c.hash = d.str()
		ids[i], groups[i] = c.id, c.path
	}
	terms := make([]string, d.count(1))
	for i := range terms {
		terms[i] = d.str()
	}
	if d.err != nil || d.i != len(d.s) {
		return fmt.Errorf("%w: string section: %v", ErrCorruptSnapshot, cmpErr(d.err, errShort))
	}
	// The BM25 index and the chunk maps are independent: build them side
	// by side (reopening a large workspace is mostly this).
	var sp *Sparse
	var spErr error
	var wg sync.WaitGroup
	wg.Go(func() { sp, spErr = decodeSparse(post, ids, groups, terms) })
	chunks := make(map[string]*chunkMeta, n)
	files := make(map[string][]*chunkMeta, len(paths))
	for i := range metas {
		c := &metas[i]
		chunks[c.id] = c
		files[c.path] = append(files[c.path], c)
	}
	wg.Wait()
	if spErr != nil {
		return spErr
	}
	if len(chunks) != n { // one map operation per chunk: duplicates show in the count
		return fmt.Errorf("%w: a chunk ID twice", ErrCorruptSnapshot)
	}
	m.mu.Lock()
	m.chunks, m.files = chunks, files
	m.mu.Unlock()
	m.sparse = sp
	return nil
}
