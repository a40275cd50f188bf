package vector

import (
	"math/rand/v2"
	"slices"
	"testing"
)

// checkSlab verifies a Flat's bookkeeping against a model of what it
// should hold: dense rows, id ↔ row maps that agree, each row's float32
// vector (normalised) and int8 codes, and zero padding.
func checkSlab(t *testing.T, f *Flat, model map[string][]float32) {
	t.Helper()
	s := f.s
	if s.len() != len(model) || len(s.rows) != len(model) {
		t.Fatalf("slab holds %d ids, %d map entries; model %d", s.len(), len(s.rows), len(model))
	}
	if s.hasF32() && len(s.f32) != s.len()*s.stride {
		t.Fatalf("f32 slab length %d for %d rows", len(s.f32), s.len())
	}
	if s.hasI8() && (len(s.i8) != s.len()*s.stride || len(s.scale) != s.len()) {
		t.Fatalf("i8 slab length %d, scales %d for %d rows", len(s.i8), len(s.scale), s.len())
	}
	codes := make([]int8, s.stride)
	for r, id := range s.ids {
		if got, ok := s.rows[id]; !ok || int(got) != r {
			t.Fatalf("rows[%q] = %d, %v; id is at row %d", id, got, ok, r)
		}
		v, ok := model[id]
		if !ok {
			t.Fatalf("row %d holds unknown id %q", r, id)
		}
		want, err := normalized(v, f.dim)
		if err != nil {
			t.Fatal(err)
		}
		if s.hasF32() {
			row := s.rowF32(r)
			if !slices.Equal(row[:f.dim], want) {
				t.Fatalf("row %d (%q): vector differs", r, id)
			}
			for _, x := range row[f.dim:] {
				if x != 0 {
					t.Fatalf("row %d: non-zero padding", r)
				}
			}
		}
		if s.hasI8() {
			sc := quantizeRow(codes, want)
			if !slices.Equal(s.rowI8(r), codes) || s.scale[r] != sc {
				t.Fatalf("row %d (%q): codes or scale differ", r, id)
			}
		}
	}
}

func TestFlatSwapRemoveBookkeeping(t *testing.T) {
	const dim = 37 // padded to 64
	for _, q := range []Quantization{Float32, Int8, Int8Rerank} {
		t.Run(q.String(), func(t *testing.T) {
			r := rand.New(rand.NewPCG(5, uint64(q)))
			f, err := NewFlat(dim, q)
			if err != nil {
				t.Fatal(err)
			}
			model := map[string][]float32{}
			for step := range 300 {
				switch op := r.IntN(10); {
				case op < 6: // upsert a small batch, some ids new, some replaced
					n := 1 + r.IntN(8)
					ids := make([]string, n)
					vecs := randomVecs(r, n, dim)
					for i := range ids {
						ids[i] = idOf(r.IntN(120))
						model[ids[i]] = vecs[i]
					}
					mustUpsert(t, f, ids, vecs)
				default: // delete some, known and unknown, first and last rows included
					var ids []string
					if f.s.len() > 0 {
						ids = append(ids, f.s.ids[0], f.s.ids[f.s.len()-1])
					}
					for range r.IntN(6) {
						ids = append(ids, idOf(r.IntN(150)))
					}
					if err := f.Delete(ids...); err != nil {
						t.Fatal(err)
					}
					for _, id := range ids {
						delete(model, id)
					}
				}
				checkSlab(t, f, model)
				if step%25 == 0 && len(model) > 0 {
					ids, vecs := modelSlices(model)
					q := randomVecs(r, 1, dim)[0]
					got := mustSearch(t, f, q, 5)
					want := bruteForce(ids, vecs, q, 5)
					if q := f.quant; q != Int8 && recall(got, want) != 1 {
						t.Fatalf("step %d: %v, want %v", step, got, want)
					}
				}
			}
		})
	}
}

func modelSlices(m map[string][]float32) ([]string, [][]float32) {
	ids := make([]string, 0, len(m))
	vecs := make([][]float32, 0, len(m))
	for id, v := range m {
		ids = append(ids, id)
		vecs = append(vecs, v)
	}
	return ids, vecs
}

func TestFlatShrinksAfterMassDelete(t *testing.T) {
	const dim, n = 16, 5000
	r := rand.New(rand.NewPCG(6, 6))
	f, err := NewFlat(dim, Int8Rerank)
	if err != nil {
		t.Fatal(err)
	}
	ids, vecs := idsN(n), randomVecs(r, n, dim)
	mustUpsert(t, f, ids, vecs)
	before := cap(f.s.f32)
	if err := f.Delete(ids[:n-100]...); err != nil {
		t.Fatal(err)
	}
	if c := cap(f.s.f32); c > 2*100*f.s.stride || c >= before {
		t.Fatalf("capacity %d floats after deleting to 100 rows (was %d)", c, before)
	}
	model := map[string][]float32{}
	for i := n - 100; i < n; i++ {
		model[ids[i]] = vecs[i]
	}
	checkSlab(t, f, model)
	q := randomVecs(r, 1, dim)[0]
	if got, want := mustSearch(t, f, q, 10), bruteForce(ids[n-100:], vecs[n-100:], q, 10); recall(got, want) != 1 {
		t.Fatalf("after shrink: %v, want %v", got, want)
	}
}

// A parallel scan resolves ties identically across its parts.
func TestFlatParallelTies(t *testing.T) {
	const dim, n = 8, 1000
	for _, q := range []Quantization{Float32, Int8, Int8Rerank} {
		t.Run(q.String(), func(t *testing.T) {
			f, err := NewFlat(dim, q)
			if err != nil {
				t.Fatal(err)
			}
			f.partRows = 1 // split even tiny scans
			ids := idsN(n)
			slices.Reverse(ids) // largest ids in the first rows
			vecs := make([][]float32, n)
			for i := range vecs {
				vecs[i] = []float32{1, 1, 1, 1, 1, 1, 1, 1}
			}
			mustUpsert(t, f, ids, vecs)
			h := mustSearch(t, f, vecs[0], 3)
			if len(h) != 3 || h[0].ID != idOf(0) || h[1].ID != idOf(1) || h[2].ID != idOf(2) {
				t.Fatalf("parallel ties: %v", h)
			}
		})
	}
}
