package store

import (
	"fmt"
	"time"
)

// Record format versions (the leading byte of each value).
const (
	recChunkJSON  = 1 // schema 1: JSON chunk record (read only by the 1→2 migration)
	recChunk      = 2 // schema 2: binary chunk record
	recVectorRaw  = 1 // schema 1: bare little-endian float32s (read only by the migration)
	recVector     = 2 // schema 2: chunk hash + dim + float32s
	recChunkIndex = 1
	recModel      = 1
	recEdge       = 1
	recFeedback   = 1
	recTaskEvent  = 1
)

// interner returns shared strings for values that repeat across records
// (languages, kinds, paths) so that loading 100k chunks does not allocate
// the same few strings 100k times. Lookups with string(b) do not allocate.
type interner struct {
	m    map[string]string
	last string
}

func newInterner() *interner { return &interner{m: make(map[string]string, 32)} }

func (in *interner) str(b []byte) string {
	if in == nil {
		return string(b)
	}
	if s, ok := in.m[string(b)]; ok {
		return s
	}
	s := string(b)
	if len(in.m) < 4096 {
		in.m[s] = s
	}
	return s
}

// path reuses the previous path when consecutive records share it.
func (in *interner) path(b []byte) string {
	if in == nil {
		return string(b)
	}
	if in.last != string(b) {
		in.last = string(b)
	}
	return in.last
}

func encodeChunk(c *ChunkRecord) []byte {
	e := enc{b: make([]byte, 0, 48+len(c.Lang)+len(c.Kind)+len(c.Symbol)+len(c.Hash)+len(c.Text))}
	e.byte1(recChunk)
	e.str(c.Lang)
	e.str(c.Kind)
	e.str(c.Symbol)
	e.uvarint(uint64(c.StartLine))
	e.uvarint(uint64(c.EndLine))
	e.uvarint(uint64(c.StartByte))
	e.uvarint(uint64(c.EndByte))
	e.str(c.Hash)
	e.str(c.Text)
	return e.b
}

// decodeChunk decodes a chunk record stored under key "path NUL id".
func decodeChunk(key, val []byte, in *interner) (ChunkRecord, error) {
	path, id, ok := splitKey(key)
	if !ok {
		return ChunkRecord{}, fmt.Errorf("%w: chunk key %q has no NUL separator", ErrCorrupt, key)
	}
	d := dec{b: val}
	if err := d.version(recChunk, "chunk"); err != nil {
		return ChunkRecord{}, corrupt("chunk", key, err)
	}
	c := ChunkRecord{ID: string(id), Path: in.path(path)}
	c.Lang = in.str(d.bytes())
	c.Kind = in.str(d.bytes())
	c.Symbol = d.str()
	c.StartLine = d.int()
	c.EndLine = d.int()
	c.StartByte = d.int()
	c.EndByte = d.int()
	c.Hash = d.str()
	c.Text = d.str()
	if err := d.done(); err != nil {
		return ChunkRecord{}, corrupt("chunk", key, err)
	}
	return c, nil
}

// chunkIndex is the value of memory/chunk-ids: where an ID lives and the
// hash of its current text.
type chunkIndex struct{ path, hash string }

func encodeChunkIndex(path, hash string) []byte {
	e := enc{b: make([]byte, 0, 3+len(path)+len(hash))}
	e.byte1(recChunkIndex)
	e.str(path)
	e.str(hash)
	return e.b
}

// decodeChunkIndexRaw returns sub-slices of val (no copies).
func decodeChunkIndexRaw(val []byte) (path, hash []byte, err error) {
	d := dec{b: val}
	if err := d.version(recChunkIndex, "chunk index"); err != nil {
		return nil, nil, err
	}
	path = d.bytes()
	hash = d.bytes()
	return path, hash, d.done()
}

func encodeEdge(e *Edge) []byte {
	w := enc{b: make([]byte, 0, 12+len(e.From)+len(e.To)+len(e.Kind))}
	w.byte1(recEdge)
	w.str(e.From)
	w.str(e.To)
	w.str(e.Kind)
	w.f64(e.Weight)
	return w.b
}

func decodeEdge(val []byte, in *interner) (Edge, error) {
	d := dec{b: val}
	if err := d.version(recEdge, "edge"); err != nil {
		return Edge{}, err
	}
	e := Edge{From: d.str(), To: d.str(), Kind: in.str(d.bytes()), Weight: d.f64()}
	return e, d.done()
}

func encodeFeedback(f *Feedback) []byte {
	e := enc{}
	e.byte1(recFeedback)
	e.str(f.ID)
	e.varint(f.Time.UnixNano())
	e.str(f.Query)
	e.str(f.Action)
	e.boolean(f.Accepted)
	e.str(f.Detail)
	e.uvarint(uint64(len(f.Files)))
	for _, p := range f.Files {
		e.str(p)
	}
	e.str(f.TaskID)
	return e.b
}

func decodeFeedback(val []byte) (Feedback, error) {
	d := dec{b: val}
	if err := d.version(recFeedback, "feedback"); err != nil {
		return Feedback{}, err
	}
	f := Feedback{ID: d.str(), Time: time.Unix(0, d.varint()).UTC()}
	f.Query = d.str()
	f.Action = d.str()
	f.Accepted = d.boolean()
	f.Detail = d.str()
	n := d.uvarint()
	if n > uint64(len(d.b)) { // each file takes at least one byte
		d.fail()
	}
	if d.err == nil && n > 0 {
		f.Files = make([]string, 0, n)
		for i := uint64(0); i < n && d.err == nil; i++ {
			f.Files = append(f.Files, d.str())
		}
	}
	f.TaskID = d.str()
	return f, d.done()
}

func encodeTaskEvent(ev *TaskEvent) []byte {
	e := enc{}
	e.byte1(recTaskEvent)
	e.varint(ev.Time.UnixNano())
	e.str(ev.Kind)
	e.str(ev.Detail)
	return e.b
}

func decodeTaskEvent(taskID string, val []byte) (TaskEvent, error) {
	d := dec{b: val}
	if err := d.version(recTaskEvent, "task event"); err != nil {
		return TaskEvent{}, err
	}
	ev := TaskEvent{TaskID: taskID, Time: time.Unix(0, d.varint()).UTC(), Kind: d.str(), Detail: d.str()}
	return ev, d.done()
}
