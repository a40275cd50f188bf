package vector

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"slices"
	"testing"
	"testing/iotest"
)

func exportBytes(t testing.TB, s Store) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := s.Export(&buf); err != nil {
		t.Fatalf("export: %v", err)
	}
	return buf.Bytes()
}

func filled(t testing.TB, mk func(int) (Store, error), dim, n int, seed uint64) Store {
	t.Helper()
	r := rand.New(rand.NewPCG(seed, 9))
	s := mustStore(t, mk, dim)
	mustUpsert(t, s, idsN(n), randomVecs(r, n, dim))
	return s
}

func TestExportImportRoundTrip(t *testing.T) {
	const dim, n = 24, 300
	queries := randomVecs(rand.New(rand.NewPCG(10, 10)), 10, dim)
	for _, kind := range storeKinds {
		t.Run(kind.name, func(t *testing.T) {
			src := filled(t, kind.make, dim, n, 1)
			_ = src.Delete(idOf(7), idOf(100)) // swap-removed rows round-trip too
			snap := exportBytes(t, src)

			dst := mustStore(t, kind.make, dim)
			mustUpsert(t, dst, []string{"stale"}, [][]float32{queries[0]})
			if err := dst.Import(bytes.NewReader(snap)); err != nil {
				t.Fatalf("import: %v", err)
			}
			if dst.Len() != src.Len() {
				t.Fatalf("Len %d after import, want %d", dst.Len(), src.Len())
			}
			for _, q := range queries {
				got, want := mustSearch(t, dst, q, 8), mustSearch(t, src, q, 8)
				if !slices.Equal(got, want) {
					t.Fatalf("after import: %v, want %v", got, want)
				}
			}
			if again := exportBytes(t, dst); !bytes.Equal(again, snap) {
				t.Fatalf("re-export differs from the imported snapshot")
			}
			// An empty store round-trips too.
			empty := mustStore(t, kind.make, dim)
			if err := dst.Import(bytes.NewReader(exportBytes(t, empty))); err != nil || dst.Len() != 0 {
				t.Fatalf("import empty: %v, Len %d", err, dst.Len())
			}
		})
	}
}

func TestImportAcrossStores(t *testing.T) {
	const dim, n = 16, 200
	kinds := map[string]func(int) (Store, error){}
	for _, k := range storeKinds {
		kinds[k.name] = k.make
	}
	q := randomVecs(rand.New(rand.NewPCG(11, 11)), 1, dim)[0]
	cases := []struct {
		from, to string
		dim      int
		want     error
	}{
		{"flat-f32", "chromem", dim, nil},
		{"chromem", "flat-f32", dim, nil},
		{"chromem", "flat-i8rerank", dim, nil},
		{"flat-f32", "flat-i8", dim, nil},
		{"flat-i8rerank", "flat-f32", dim, nil},
		{"flat-i8", "flat-f32", dim, ErrMismatch},
		{"flat-i8", "flat-i8rerank", dim, ErrMismatch},
		{"flat-i8", "chromem", dim, ErrMismatch},
		{"flat-f32", "flat-f32", dim + 1, ErrMismatch},
		{"flat-i8", "flat-i8", dim + 1, ErrMismatch},
		{"chromem", "chromem", dim - 1, ErrMismatch},
	}
	for _, tc := range cases {
		t.Run(fmt.Sprintf("%s->%s/%d", tc.from, tc.to, tc.dim), func(t *testing.T) {
			src := filled(t, kinds[tc.from], dim, n, 2)
			dst := filled(t, kinds[tc.to], tc.dim, 5, 3)
			before := exportBytes(t, dst)
			err := dst.Import(bytes.NewReader(exportBytes(t, src)))
			if !errors.Is(err, tc.want) {
				t.Fatalf("import: %v, want %v", err, tc.want)
			}
			if tc.want != nil {
				if !bytes.Equal(exportBytes(t, dst), before) {
					t.Fatalf("a rejected import changed the store")
				}
				return
			}
			if dst.Len() != n {
				t.Fatalf("Len %d, want %d", dst.Len(), n)
			}
			got, want := mustSearch(t, dst, q, 5), mustSearch(t, src, q, 5)
			if r := recall(got, want); r < 0.8 || (exact(tc.from) && exact(tc.to) && r != 1) {
				t.Fatalf("recall %.2f after import: %v, want %v", r, got, want)
			}
		})
	}
}

// craft writes a snapshot with a valid checksum around arbitrary rows.
func craft(h snapHeader, rows func(sw *snapWriter)) []byte {
	var buf bytes.Buffer
	sw := newSnapWriter(&buf, h)
	rows(sw)
	if err := sw.finish(); err != nil {
		panic(err)
	}
	return buf.Bytes()
}

func TestImportRejectsBadSnapshots(t *testing.T) {
	const dim = 8
	unitVec := []float32{1, 0, 0, 0, 0, 0, 0, 0}
	codes := []int8{127, 0, 0, 0, 0, 0, 0, 0}
	for _, kind := range storeKinds {
		t.Run(kind.name, func(t *testing.T) {
			payloadI8 := kind.name == "flat-i8"
			quant := Float32
			if payloadI8 {
				quant = Int8
			}
			good := exportBytes(t, filled(t, kind.make, dim, 40, 4))
			patch := func(off int, b ...byte) []byte {
				out := slices.Clone(good)
				copy(out[off:], b)
				return out
			}
			u32 := func(v uint32) []byte { return binary.LittleEndian.AppendUint32(nil, v) }
			hdr := snapHeader{dim: dim, quant: quant, count: 2}
			row := func(sw *snapWriter, id string) {
				if payloadI8 {
					sw.rowI8(id, 1.0/127, codes)
				} else {
					sw.rowF32(id, unitVec)
				}
			}
			cases := []struct {
				name string
				data []byte
				want error
			}{
				{"empty", nil, ErrCorrupt},
				{"truncated header", good[:20], ErrCorrupt},
				{"header only", good[:snapHeaderLen], ErrCorrupt},
				{"truncated row", good[:snapHeaderLen+7], ErrCorrupt},
				{"truncated checksum", good[:len(good)-2], ErrCorrupt},
				{"no checksum", good[:len(good)-4], ErrCorrupt},
				{"bad magic", patch(0, 'x'), ErrCorrupt},
				{"version 0", patch(8, u32(0)...), ErrCorrupt},
				{"version 2", patch(8, u32(2)...), ErrVersion},
				{"dimension 0", patch(12, u32(0)...), ErrCorrupt},
				{"dimension too large", patch(12, u32(MaxDim+1)...), ErrCorrupt},
				{"other dimension", patch(12, u32(dim+1)...), ErrMismatch},
				{"unknown quantization", patch(16, u32(9)...), ErrCorrupt},
				{"reserved set", patch(20, 1), ErrCorrupt},
				{"count huge", patch(24, binary.LittleEndian.AppendUint64(nil, 1<<40)...), ErrCorrupt},
				{"count one more", patch(24, 41), ErrCorrupt},
				{"count one less", patch(24, 39), ErrCorrupt},
				{"flipped payload byte", patch(len(good)/2, good[len(good)/2]^0x10), ErrCorrupt},
				{"flipped checksum", patch(len(good)-1, good[len(good)-1]^1), ErrCorrupt},
				{"duplicate id", craft(hdr, func(sw *snapWriter) { row(sw, "a"); row(sw, "a") }), ErrCorrupt},
				{"empty id", craft(hdr, func(sw *snapWriter) { row(sw, "a"); row(sw, "") }), ErrCorrupt},
			}
			if payloadI8 {
				bad := func(name string, scale float32, c []int8) {
					cases = append(cases, struct {
						name string
						data []byte
						want error
					}{name, craft(hdr, func(sw *snapWriter) { row(sw, "a"); sw.rowI8("b", scale, c) }), ErrCorrupt})
				}
				bad("zero scale", 0, codes)
				bad("NaN scale", float32(math.NaN()), codes)
				bad("Inf scale", float32(math.Inf(1)), codes)
				bad("code -128", 1, []int8{127, -128, 0, 0, 0, 0, 0, 0})
				bad("all-zero codes", 1, make([]int8, dim))
				bad("peak below 127", 1, []int8{100, 0, 0, 0, 0, 0, 0, 0})
			} else {
				bad := func(name string, v []float32) {
					cases = append(cases, struct {
						name string
						data []byte
						want error
					}{name, craft(hdr, func(sw *snapWriter) { row(sw, "a"); sw.rowF32("b", v) }), ErrCorrupt})
				}
				bad("NaN component", []float32{float32(math.NaN()), 0, 0, 0, 0, 0, 0, 0})
				bad("Inf component", []float32{float32(math.Inf(-1)), 0, 0, 0, 0, 0, 0, 0})
				bad("zero vector", make([]float32, dim))
			}

			s := filled(t, kind.make, dim, 10, 5)
			before := exportBytes(t, s)
			check := func(name string, err, want error) {
				t.Helper()
				t.Logf("%s: %v", name, err)
				if !errors.Is(err, want) {
					t.Errorf("%s: %v, want %v", name, err, want)
				}
				if !bytes.Equal(exportBytes(t, s), before) {
					t.Fatalf("%s: a rejected import changed the store", name)
				}
			}
			for _, tc := range cases {
				check(tc.name, s.Import(bytes.NewReader(tc.data)), tc.want)
			}
			// A reader failing mid-stream is an I/O error, not corruption.
			boom := errors.New("disk on fire")
			err := s.Import(io.MultiReader(bytes.NewReader(good[:100]), iotest.ErrReader(boom)))
			check("reader error", err, boom)
			if errors.Is(err, ErrCorrupt) {
				t.Errorf("reader error reported as corruption: %v", err)
			}
			// A crafted but valid snapshot does load: the cases above fail
			// for the reason they name.
			ok := craft(hdr, func(sw *snapWriter) { row(sw, "a"); row(sw, "b") })
			if err := s.Import(bytes.NewReader(ok)); err != nil || s.Len() != 2 {
				t.Fatalf("valid crafted snapshot: %v, Len %d", err, s.Len())
			}
		})
	}
}

// A failing writer surfaces from Export.
func TestExportWriterError(t *testing.T) {
	for _, kind := range storeKinds {
		s := filled(t, kind.make, 16, 5000, 6)
		boom := errors.New("disk full")
		if err := s.Export(failAfter{n: 1000, err: boom}); !errors.Is(err, boom) {
			t.Errorf("%s: Export = %v, want %v", kind.name, err, boom)
		}
	}
}

type failAfter struct {
	n   int
	err error
}

func (f failAfter) Write(p []byte) (int, error) {
	if len(p) > f.n {
		return f.n, f.err
	}
	return len(p), nil
}

// Import never panics, and whatever it accepts exports and imports again.
func FuzzImport(f *testing.F) {
	const dim = 4
	r := rand.New(rand.NewPCG(12, 12))
	ids, vecs := idsN(3), randomVecs(r, 3, dim)
	for _, q := range []Quantization{Float32, Int8} {
		s, _ := NewFlat(dim, q)
		_ = s.Upsert(ids, vecs)
		var buf bytes.Buffer
		_ = s.Export(&buf)
		f.Add(buf.Bytes())
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		for _, q := range []Quantization{Float32, Int8, Int8Rerank} {
			s, _ := NewFlat(dim, q)
			if err := s.Import(bytes.NewReader(data)); err != nil {
				if s.Len() != 0 {
					t.Fatalf("failed import left %d rows", s.Len())
				}
				continue
			}
			var buf bytes.Buffer
			if err := s.Export(&buf); err != nil {
				t.Fatal(err)
			}
			s2, _ := NewFlat(dim, q)
			if err := s2.Import(&buf); err != nil || s2.Len() != s.Len() {
				t.Fatalf("re-import: %v (Len %d, want %d)", err, s2.Len(), s.Len())
			}
			if s.Len() > 0 {
				if _, err := s.Search([]float32{1, 2, 3, 4}, 2); err != nil {
					t.Fatal(err)
				}
			}
		}
	})
}
