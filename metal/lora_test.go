package metal

import (
	"context"
	"errors"
	"math/rand/v2"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/aios-dev/aios/metal/internal/gguf"
)

// writeLoRA writes a LoRA adapter for the model at modelPath: for each
// named weight W of shape [n_in, n_out] (ggml order), lora_a [n_in, rank]
// and lora_b [rank, n_out] of random values, and returns its path.
func writeLoRA(t testing.TB, modelPath string, weights []string, rank int, alpha float32, seed uint64) string {
	t.Helper()
	info, err := ValidateGGUF(modelPath)
	if err != nil {
		t.Fatal(err)
	}
	shapes := map[string][]uint64{}
	for _, tn := range info.Tensors {
		shapes[tn.Name] = tn.Dims
	}
	w := gguf.NewWriter()
	w.String("general.architecture", info.Architecture)
	w.String("general.type", "adapter")
	w.String("general.name", "metal-test-lora")
	w.String("adapter.type", "lora")
	w.Float32("adapter.lora.alpha", alpha)
	rng := rand.New(rand.NewPCG(seed, 7))
	random := func(n uint64) []float32 {
		v := make([]float32, n)
		for i := range v {
			v[i] = float32(rng.NormFloat64()) * 0.5
		}
		return v
	}
	for _, name := range weights {
		d, ok := shapes[name]
		if !ok || len(d) != 2 {
			t.Fatalf("model has no 2-d tensor %q", name)
		}
		r := uint64(rank)
		if err := w.F32Tensor(name+".lora_a", []uint64{d[0], r}, random(d[0]*r)); err != nil {
			t.Fatal(err)
		}
		if err := w.F32Tensor(name+".lora_b", []uint64{r, d[1]}, random(r*d[1])); err != nil {
			t.Fatal(err)
		}
	}
	path := filepath.Join(t.TempDir(), "lora.gguf")
	if err := w.WriteFile(path); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestLoRA(t *testing.T) {
	model := needModel(t)
	m := openStories(t, ModelOptions{Slots: 2, QueueDepth: 16})
	pathA := writeLoRA(t, model, []string{"blk.0.attn_q.weight", "blk.1.ffn_up.weight", "blk.2.attn_output.weight"}, 4, 4, 1)
	pathB := writeLoRA(t, model, []string{"blk.3.ffn_down.weight", "blk.4.attn_v.weight"}, 2, 2, 2)
	a, err := m.LoadAdapter(pathA)
	if err != nil {
		t.Fatal(err)
	}
	b, err := m.LoadAdapter(pathB)
	if err != nil {
		t.Fatal(err)
	}
	req := GenerateRequest{Prompt: "Once upon a time", MaxTokens: 32}
	base, _ := gen(t, m, req)

	// (a) A nonzero scale changes the output.
	if err := m.SetAdapter(a, 1); err != nil {
		t.Fatal(err)
	}
	withA, _ := gen(t, m, req)
	if withA.Text == base.Text {
		t.Fatalf("adapter A at scale 1 left the output unchanged: %q", base.Text)
	}
	if err := m.SetAdapter(b, 1); err != nil {
		t.Fatal(err)
	}
	withB, _ := gen(t, m, req)
	if withB.Text == base.Text || withB.Text == withA.Text {
		t.Fatalf("adapter B: %q (base %q, A %q)", withB.Text, base.Text, withA.Text)
	}
	// (b) Scale 0 and removal restore the base output.
	if err := m.SetAdapter(a, 0); err != nil {
		t.Fatal(err)
	}
	if r, _ := gen(t, m, req); r.Text != base.Text {
		t.Errorf("scale 0: %q, want the base %q", r.Text, base.Text)
	}
	_ = m.SetAdapter(a, 1)
	_ = m.SetAdapter(nil, 0)
	if r, _ := gen(t, m, req); r.Text != base.Text {
		t.Errorf("removed: %q, want the base %q", r.Text, base.Text)
	}

	// (c) Swapping while requests stream fails none of them, and each
	// finishes with the setting it was submitted under.
	want := map[string]bool{base.Text: true, withA.Text: true, withB.Text: true}
	stop := make(chan struct{})
	var swaps sync.WaitGroup
	swaps.Add(1)
	go func() {
		defer swaps.Done()
		settings := []*Adapter{nil, a, b}
		for i := 0; ; i++ {
			select {
			case <-stop:
				return
			default:
			}
			if err := m.SetAdapter(settings[i%3], 1); err != nil {
				t.Error(err)
				return
			}
			time.Sleep(200 * time.Microsecond)
		}
	}()
	var wg sync.WaitGroup
	seen := map[string]int{}
	var mu sync.Mutex
	for w := 0; w < 4; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < 8; i++ {
				ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
				r, err := m.Generate(ctx, req, nil)
				cancel()
				if errors.Is(err, ErrBusy) {
					continue
				}
				if err != nil {
					t.Errorf("request during swaps: %v", err)
					return
				}
				mu.Lock()
				seen[r.Text]++
				mu.Unlock()
				if !want[r.Text] {
					t.Errorf("request during swaps produced a mixed output: %q", r.Text)
				}
			}
		}()
	}
	wg.Wait()
	close(stop)
	swaps.Wait()
	t.Logf("outputs during swaps: base %d, A %d, B %d", seen[base.Text], seen[withA.Text], seen[withB.Text])

	// Adapters are checked before llama.cpp sees them.
	if _, err := m.LoadAdapter(model); !errors.Is(err, ErrInvalidModel) {
		t.Errorf("loading the model as an adapter: %v", err)
	}
	w := gguf.NewWriter()
	w.String("general.architecture", "llama")
	w.String("general.type", "adapter")
	w.String("adapter.type", "lora")
	w.Float32("adapter.lora.alpha", 1)
	_ = w.F32Tensor("blk.0.attn_q.weight.lora_a", []uint64{32, 4}, make([]float32, 128)) // n_in is 64
	_ = w.F32Tensor("blk.0.attn_q.weight.lora_b", []uint64{4, 64}, make([]float32, 256))
	misfit := filepath.Join(t.TempDir(), "misfit.gguf")
	if err := w.WriteFile(misfit); err != nil {
		t.Fatal(err)
	}
	if _, err := m.LoadAdapter(misfit); !errors.Is(err, ErrInvalidModel) {
		t.Errorf("adapter with the wrong shapes: %v", err)
	}
	other := openStories(t, ModelOptions{})
	ob, err := other.LoadAdapter(writeLoRA(t, model, []string{"blk.0.attn_q.weight"}, 4, 4, 3))
	if err != nil {
		t.Fatal(err)
	}
	if err := m.SetAdapter(ob, 1); !errors.Is(err, ErrBadRequest) {
		t.Errorf("adapter of another model: %v", err)
	}
}
