package store

import (
	"encoding/json"
	"errors"
	"reflect"
	"strings"
	"testing"
	"time"
)

func sampleChunk() ChunkRecord {
	return ChunkRecord{ID: "a.go#3", Path: "pkg/a.go", Lang: "go", Kind: "method", Symbol: "Server.Serve",
		StartLine: 10, EndLine: 42, StartByte: 300, EndByte: 1200, Text: strings.Repeat("code ", 100), Hash: HashText("x")}
}

func TestRecordRoundTrips(t *testing.T) {
	c := sampleChunk()
	got, err := decodeChunk(joinKey(c.Path, c.ID), encodeChunk(&c), newInterner())
	if err != nil || !reflect.DeepEqual(got, c) {
		t.Fatalf("chunk: %+v, %v", got, err)
	}
	e := Edge{From: "a", To: "b", Kind: EdgeCalls, Weight: -2.5}
	if got, err := decodeEdge(encodeEdge(&e), nil); err != nil || got != e {
		t.Fatalf("edge: %+v, %v", got, err)
	}
	f := Feedback{ID: "f", Time: time.Unix(1, 2).UTC(), Query: "q", Action: "a", Accepted: true, Detail: "d", Files: []string{"x", ""}, TaskID: "t"}
	if got, err := decodeFeedback(encodeFeedback(&f)); err != nil || !reflect.DeepEqual(got, f) {
		t.Fatalf("feedback: %+v, %v", got, err)
	}
	ev := TaskEvent{TaskID: "t", Time: time.Unix(-5, 0).UTC(), Kind: "k", Detail: "d"}
	if got, err := decodeTaskEvent("t", encodeTaskEvent(&ev)); err != nil || got != ev {
		t.Fatalf("task event: %+v, %v", got, err)
	}
	v := []float32{1, -2, 3.5}
	hash, raw, dim, err := decodeVectorHeader(encodeVector("h", v))
	out := make([]float32, dim)
	decodeFloats(out, raw)
	if err != nil || string(hash) != "h" || !reflect.DeepEqual(out, v) {
		t.Fatalf("vector: %q %v %v", hash, out, err)
	}
}

// TestDecodeDamagedRecords feeds every truncation of each record kind, a
// wrong version byte, trailing bytes and absurd lengths: each is an error,
// none panics or allocates by a corrupt length.
func TestDecodeDamagedRecords(t *testing.T) {
	c := sampleChunk()
	e := Edge{From: "a", To: "b", Kind: EdgeCalls, Weight: 1}
	f := Feedback{ID: "f", Query: "q", Files: []string{"x"}}
	ev := TaskEvent{Kind: "k", Detail: "d"}
	kinds := []struct {
		name   string
		valid  []byte
		decode func([]byte) error
	}{
		{"chunk", encodeChunk(&c), func(b []byte) error { _, err := decodeChunk([]byte("p\x00i"), b, nil); return err }},
		{"edge", encodeEdge(&e), func(b []byte) error { _, err := decodeEdge(b, nil); return err }},
		{"feedback", encodeFeedback(&f), func(b []byte) error { _, err := decodeFeedback(b); return err }},
		{"task event", encodeTaskEvent(&ev), func(b []byte) error { _, err := decodeTaskEvent("t", b); return err }},
		{"vector", encodeVector("h", []float32{1, 2}), func(b []byte) error { _, _, _, err := decodeVectorHeader(b); return err }},
		{"chunk index", encodeChunkIndex("p", "h"), func(b []byte) error { _, _, err := decodeChunkIndexRaw(b); return err }},
		{"model", encodeModel(3), func(b []byte) error { _, err := decodeModel(b); return err }},
	}
	for _, k := range kinds {
		t.Run(k.name, func(t *testing.T) {
			if err := k.decode(k.valid); err != nil {
				t.Fatalf("valid record: %v", err)
			}
			for n := 0; n < len(k.valid); n++ {
				if err := k.decode(k.valid[:n]); err == nil {
					t.Fatalf("truncated to %d bytes: no error", n)
				}
			}
			wrongVersion := append([]byte{99}, k.valid[1:]...)
			if err := k.decode(wrongVersion); !errors.Is(err, ErrCorrupt) {
				t.Fatalf("wrong version: %v", err)
			}
			if err := k.decode(append(append([]byte(nil), k.valid...), 0)); err == nil {
				t.Fatal("trailing byte accepted")
			}
			huge := []byte{k.valid[0], 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x7f}
			if err := k.decode(huge); err == nil {
				t.Fatal("absurd length accepted")
			}
		})
	}
	if _, err := decodeChunk([]byte("no-separator"), encodeChunk(&c), nil); !errors.Is(err, ErrCorrupt) {
		t.Fatalf("key without NUL: %v", err)
	}
}

func FuzzDecodeRecords(f *testing.F) {
	c := sampleChunk()
	e := Edge{From: "a", To: "b", Kind: EdgeCalls, Weight: 1}
	fb := Feedback{ID: "f", Query: "q", Files: []string{"x", "y"}}
	ev := TaskEvent{Kind: "k", Detail: "d"}
	for _, seed := range [][]byte{encodeChunk(&c), encodeEdge(&e), encodeFeedback(&fb), encodeTaskEvent(&ev),
		encodeVector("h", []float32{1, 2}), encodeChunkIndex("p", "h"), encodeModel(7), {}, {2}, {1, 0x80}} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		if rec, err := decodeChunk([]byte("p\x00i"), b, newInterner()); err == nil {
			again, err := decodeChunk([]byte("p\x00i"), encodeChunk(&rec), nil)
			if err != nil || !reflect.DeepEqual(again, rec) {
				t.Fatalf("chunk re-encoding differs: %+v vs %+v (%v)", again, rec, err)
			}
		}
		_, _ = decodeEdge(b, nil)
		_, _ = decodeFeedback(b)
		_, _ = decodeTaskEvent("t", b)
		if _, raw, dim, err := decodeVectorHeader(b); err == nil {
			decodeFloats(make([]float32, dim), raw)
		}
		_, _, _ = decodeChunkIndexRaw(b)
		_, _ = decodeModel(b)
	})
}

// BenchmarkDecodeChunkBinary and BenchmarkDecodeChunkJSON justify the
// record format: the same 800-byte chunk decoded from each encoding.
func BenchmarkDecodeChunkBinary(b *testing.B) {
	c := sampleChunk()
	key, val := joinKey(c.Path, c.ID), encodeChunk(&c)
	in := newInterner()
	b.ReportAllocs()
	for b.Loop() {
		if _, err := decodeChunk(key, val, in); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkDecodeChunkJSON(b *testing.B) {
	c := sampleChunk()
	val, _ := json.Marshal(chunkV1{ID: c.ID, Path: c.Path, Lang: c.Lang, Kind: c.Kind, Symbol: c.Symbol,
		StartLine: c.StartLine, EndLine: c.EndLine, StartByte: c.StartByte, EndByte: c.EndByte, Text: c.Text, Hash: c.Hash})
	b.ReportAllocs()
	for b.Loop() {
		var out chunkV1
		if err := json.Unmarshal(val, &out); err != nil {
			b.Fatal(err)
		}
	}
}

func TestDecodeFloatsMatchesPortable(t *testing.T) {
	v := testVec(3, 67)
	v[5] = -0
	_, raw, _, err := decodeVectorHeader(encodeVector("h", v))
	if err != nil {
		t.Fatal(err)
	}
	a, b := make([]float32, len(v)), make([]float32, len(v))
	decodeFloats(a, raw)
	decodeFloatsPortable(b, raw)
	if !reflect.DeepEqual(a, v) || !reflect.DeepEqual(b, v) {
		t.Fatalf("decoded vectors differ: fast %v portable %v", a[:3], b[:3])
	}
}

// BenchmarkDecodeFloats compares the byte copy with the portable loop for
// one 384-dimensional vector.
func BenchmarkDecodeFloats(b *testing.B) {
	_, raw, dim, err := decodeVectorHeader(encodeVector("h", testVec(1, 384)))
	if err != nil {
		b.Fatal(err)
	}
	dst := make([]float32, dim)
	b.Run("copy", func(b *testing.B) {
		b.SetBytes(int64(len(raw)))
		for b.Loop() {
			decodeFloats(dst, raw)
		}
	})
	b.Run("portable", func(b *testing.B) {
		b.SetBytes(int64(len(raw)))
		for b.Loop() {
			decodeFloatsPortable(dst, raw)
		}
	})
}
