package metal

import (
	"bytes"
	"encoding/binary"
	"errors"
	"io/fs"
	"math/rand/v2"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/aios-dev/aios/metal/internal/gguf"
)

func TestValidateGGUFModel(t *testing.T) {
	info, err := ValidateGGUF(needModel(t))
	if err != nil {
		t.Fatal(err)
	}
	want := GGUFInfo{Version: 3, Type: "model", Architecture: "llama", Name: "tinyllamas-stories-260k",
		ContextLength: 512, EmbeddingLength: 64, BlockCount: 5, TokenizerModel: "llama", VocabSize: 512,
		TensorCount: 48, MetadataCount: 18, FileType: -1}
	got := *info
	got.Path, got.Size, got.Metadata, got.Tensors = "", 0, nil, nil
	if !reflect.DeepEqual(got, want) {
		t.Errorf("ValidateGGUF summary:\n got %+v\nwant %+v", got, want)
	}
	if info.HasChatTemplate {
		t.Error("stories260k reported a chat template")
	}
	if len(info.Metadata) != 18 || info.Metadata[0].Key != "general.architecture" || info.Metadata[0].Value != "llama" {
		t.Errorf("metadata: %+v", info.Metadata[:1])
	}
	var q GGUFTensor
	for _, tn := range info.Tensors {
		if tn.Name == "blk.0.attn_q.weight" {
			q = tn
		}
	}
	if q.Type != "f32" || len(q.Dims) != 2 || q.Dims[0] != 64 || q.Dims[1] != 64 || q.Size != 64*64*4 {
		t.Errorf("blk.0.attn_q.weight: %+v", q)
	}
}

// badFiles writes damaged variants of the test model (or of a small valid
// file when the model is absent) and returns name -> path.
func badFiles(t *testing.T) map[string]string {
	t.Helper()
	dir := t.TempDir()
	valid := smallGGUF(t)
	write := func(name string, b []byte) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, b, 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	patch := func(off int, v []byte) []byte {
		b := bytes.Clone(valid)
		copy(b[off:], v)
		return b
	}
	le32 := func(v uint32) []byte { return binary.LittleEndian.AppendUint32(nil, v) }
	le64 := func(v uint64) []byte { return binary.LittleEndian.AppendUint64(nil, v) }
	return map[string]string{
		"missing":          filepath.Join(dir, "no-such-model.gguf"),
		"directory":        dir,
		"empty":            write("empty.gguf", nil),
		"short":            write("short.gguf", []byte("GG")),
		"truncated header": write("trunc-header.gguf", valid[:40]),
		"truncated data":   write("trunc-data.gguf", valid[:len(valid)-20]),
		"truncated pair":   write("trunc-kv.gguf", valid[:60]),
		"wrong magic":      write("magic.gguf", patch(0, []byte("GGML"))),
		"version 1":        write("v1.gguf", patch(4, le32(1))),
		"version 4":        write("v4.gguf", patch(4, le32(4))),
		"huge kv count":    write("kvcount.gguf", patch(16, le64(1<<40))),
		"huge tensors":     write("tcount.gguf", patch(8, le64(1<<40))),
		"huge key length":  write("keylen.gguf", patch(24, le64(1<<62))),
		"text file":        write("text.gguf", []byte("this is not a model, just text\n")),
	}
}

// smallGGUF is a valid GGUF with one pair and one tensor.
func smallGGUF(t testing.TB) []byte {
	w := gguf.NewWriter()
	w.String("general.architecture", "llama")
	if err := w.F32Tensor("t", []uint64{4}, []float32{1, 2, 3, 4}); err != nil {
		t.Fatal(err)
	}
	var b bytes.Buffer
	if _, err := w.WriteTo(&b); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func TestValidateGGUFErrors(t *testing.T) {
	files := badFiles(t)
	wantText := map[string]string{
		"missing": "no such file", "directory": "is a directory", "empty": "is empty",
		"wrong magic": "not a GGUF file", "version 1": "version 1", "version 4": "version 4",
		"truncated header": "impossible for a file of 40 bytes", "truncated data": "past the end", "truncated pair": "truncated", "huge kv count": "impossible",
		"huge tensors": "impossible", "huge key length": "limit", "short": "too short", "text file": "magic",
	}
	for name, path := range files {
		t.Run(name, func(t *testing.T) {
			_, err := ValidateGGUF(path)
			if !errors.Is(err, ErrInvalidModel) {
				t.Fatalf("ValidateGGUF: %v, want ErrInvalidModel", err)
			}
			if !strings.Contains(err.Error(), wantText[name]) {
				t.Errorf("error %q does not mention %q", err, wantText[name])
			}
			if name == "missing" && !errors.Is(err, fs.ErrNotExist) {
				t.Errorf("missing file: %v does not wrap fs.ErrNotExist", err)
			}
		})
	}
}

// TestValidateGGUFMutations is a short deterministic fuzz run: random byte
// changes, truncations and length fields of a real header must give an
// error or a result, never a panic or a huge allocation.
func TestValidateGGUFMutations(t *testing.T) {
	seeds := [][]byte{smallGGUF(t)}
	if b, err := os.ReadFile(storiesPath()); err == nil {
		seeds = append(seeds, b[:20000]) // header and metadata, tensors cut off
	}
	rng := rand.New(rand.NewPCG(1, 2))
	for i := 0; i < 3000; i++ {
		b := bytes.Clone(seeds[i%len(seeds)])
		for k := rng.IntN(4) + 1; k > 0; k-- {
			switch rng.IntN(3) {
			case 0:
				b[rng.IntN(len(b))] = byte(rng.Uint32())
			case 1:
				if len(b) < 16 {
					continue
				}
				off := rng.IntN(len(b) - 8)
				binary.LittleEndian.PutUint64(b[off:], rng.Uint64()>>rng.IntN(64))
			case 2:
				b = b[:rng.IntN(len(b))+1]
			}
		}
		_, _ = gguf.Read(bytes.NewReader(b), int64(len(b)))
	}
}

func FuzzValidateGGUF(f *testing.F) {
	f.Add(smallGGUF(f))
	if b, err := os.ReadFile(storiesPath()); err == nil {
		f.Add(b[:4096])
	}
	f.Add([]byte("GGUF\x03\x00\x00\x00"))
	f.Fuzz(func(t *testing.T, b []byte) {
		info, err := gguf.Read(bytes.NewReader(b), int64(len(b)))
		if err == nil && info.DataOffset < 0 {
			t.Fatalf("negative data offset")
		}
	})
}

func TestGGUFWriterRoundTrip(t *testing.T) {
	w := gguf.NewWriter()
	w.String("general.architecture", "test")
	w.Uint32("test.n", 7)
	w.Float32("test.f", 0.5)
	w.Bool("test.b", true)
	w.Strings("test.list", []string{"a", "bc"})
	if err := w.F32Tensor("x", []uint64{2, 3}, []float32{1, 2, 3, 4, 5, 6}); err != nil {
		t.Fatal(err)
	}
	p := filepath.Join(t.TempDir(), "x.gguf")
	if err := w.WriteFile(p); err != nil {
		t.Fatal(err)
	}
	info, err := ValidateGGUF(p)
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]any{}
	for _, kv := range info.Metadata {
		got[kv.Key] = kv.Value
	}
	if got["test.n"] != uint32(7) || got["test.f"] != float32(0.5) || got["test.b"] != true ||
		strings.Join(got["test.list"].([]string), ",") != "a,bc" || info.Architecture != "test" {
		t.Errorf("metadata round trip: %v", got)
	}
	if len(info.Tensors) != 1 || info.Tensors[0].Size != 24 || info.Tensors[0].Dims[1] != 3 {
		t.Errorf("tensors: %+v", info.Tensors)
	}
}
