// Command benchmodel writes a random-weight model with a real tokenizer for
// speed measurements: the shape of Qwen2.5-0.5B (24 layers, 896 wide, 14
// query heads and 2 KV heads of 64, FFN 4864, 151,936-token vocabulary, tied
// output) in Q8_0, about 530 MB. The tokenizer comes from a tokenizer-only
// GGUF of the llama.cpp source (models/ggml-vocab-qwen2.gguf, see
// `make llama-headers`). Its output is noise, at the speed of the real model.
//
//	go run ./metal/internal/cmd/benchmodel -vocab build/llama/src/models/ggml-vocab-qwen2.gguf -o build/bench/qwen2.5-0.5b-shape-q8_0.gguf
package main

import (
	"encoding/binary"
	"flag"
	"fmt"
	"io"
	"log"
	"math"
	"os"
	"path/filepath"
	"strings"

	"github.com/aios-dev/aios/metal/internal/gguf"
)

type shape struct {
	layers, embd, heads, kvHeads, ffn int
	ctx                               uint32
}

func main() {
	vocab := flag.String("vocab", "", "tokenizer-only GGUF (ggml-vocab-qwen2.gguf)")
	out := flag.String("o", "", "output file")
	layers := flag.Int("layers", 24, "number of blocks (24 for the 0.5B shape)")
	flag.Parse()
	if *vocab == "" || *out == "" {
		flag.Usage()
		os.Exit(2)
	}
	s := shape{layers: *layers, embd: 896, heads: 14, kvHeads: 2, ffn: 4864, ctx: 32768}
	if err := build(*vocab, *out, s); err != nil {
		log.Fatal(err)
	}
}

func build(vocabPath, out string, s shape) error {
	vf, err := gguf.ReadFile(vocabPath)
	if err != nil {
		return err
	}
	if arch, _ := vf.String("general.architecture"); arch != "qwen2" {
		return fmt.Errorf("%s: architecture %q, want qwen2", vocabPath, arch)
	}
	tok, ok := vf.Lookup("tokenizer.ggml.tokens")
	if !ok {
		return fmt.Errorf("%s has no tokenizer.ggml.tokens", vocabPath)
	}
	nVocab := tok.Len
	raw, err := os.ReadFile(vocabPath)
	if err != nil {
		return err
	}

	w := gguf.NewWriter()
	w.String("general.architecture", "qwen2")
	w.String("general.name", "qwen2.5-0.5b-shape-random")
	w.Uint32("general.file_type", 7) // LLAMA_FTYPE_MOSTLY_Q8_0
	w.Uint32("qwen2.block_count", uint32(s.layers))
	w.Uint32("qwen2.context_length", s.ctx)
	w.Uint32("qwen2.embedding_length", uint32(s.embd))
	w.Uint32("qwen2.feed_forward_length", uint32(s.ffn))
	w.Uint32("qwen2.attention.head_count", uint32(s.heads))
	w.Uint32("qwen2.attention.head_count_kv", uint32(s.kvHeads))
	w.Float32("qwen2.rope.freq_base", 1e6)
	w.Float32("qwen2.attention.layer_norm_rms_epsilon", 1e-6)
	for _, kv := range vf.KVs {
		if strings.HasPrefix(kv.Key, "tokenizer.") {
			w.Raw(kv.Key, raw[kv.Offset:kv.End])
		}
	}

	rng := uint64(0x9E3779B97F4A7C15)
	e, kvDim := uint64(s.embd), uint64(s.embd/s.heads*s.kvHeads)
	add := func(name string, dims ...uint64) error {
		return w.Tensor(name, gguf.TensorQ8_0, dims, func(wr io.Writer) error { return q8Random(wr, dims, &rng) })
	}
	ones := func(n uint64) []float32 {
		v := make([]float32, n)
		for i := range v {
			v[i] = 1
		}
		return v
	}
	if err := add("token_embd.weight", e, nVocab); err != nil {
		return err
	}
	if err := w.F32Tensor("output_norm.weight", []uint64{e}, ones(e)); err != nil {
		return err
	}
	for l := 0; l < s.layers; l++ {
		p := fmt.Sprintf("blk.%d.", l)
		steps := []error{
			w.F32Tensor(p+"attn_norm.weight", []uint64{e}, ones(e)),
			add(p+"attn_q.weight", e, e),
			w.F32Tensor(p+"attn_q.bias", []uint64{e}, make([]float32, e)),
			add(p+"attn_k.weight", e, kvDim),
			w.F32Tensor(p+"attn_k.bias", []uint64{kvDim}, make([]float32, kvDim)),
			add(p+"attn_v.weight", e, kvDim),
			w.F32Tensor(p+"attn_v.bias", []uint64{kvDim}, make([]float32, kvDim)),
			add(p+"attn_output.weight", e, e),
			w.F32Tensor(p+"ffn_norm.weight", []uint64{e}, ones(e)),
			add(p+"ffn_gate.weight", e, uint64(s.ffn)),
			add(p+"ffn_up.weight", e, uint64(s.ffn)),
			add(p+"ffn_down.weight", uint64(s.ffn), e),
		}
		for _, err := range steps {
			if err != nil {
				return err
			}
		}
	}
	if err := os.MkdirAll(filepath.Dir(out), 0o755); err != nil {
		return err
	}
	tmp := out + ".tmp"
	if err := w.WriteFile(tmp); err != nil {
		os.Remove(tmp)
		return err
	}
	return os.Rename(tmp, out)
}

// q8Random writes Q8_0 blocks (an f16 scale and 32 int8 values) of random
// values with a standard deviation of about 0.02.
func q8Random(w io.Writer, dims []uint64, rng *uint64) error {
	n := uint64(1)
	for _, d := range dims {
		n *= d
	}
	const blocks = 4096
	scale := f16(0.02 / 73.3) // uniform int8 in [-127,127] has std 73.3
	buf := make([]byte, 0, blocks*34)
	for done := uint64(0); done < n/32; {
		buf = buf[:0]
		for b := 0; b < blocks && done < n/32; b++ {
			buf = binary.LittleEndian.AppendUint16(buf, scale)
			for i := 0; i < 4; i++ {
				x := next(rng)
				for j := 0; j < 8; j++ {
					q := int8(x >> (8 * j))
					if q == -128 {
						q = -127
					}
					buf = append(buf, byte(q))
				}
			}
			done++
		}
		if _, err := w.Write(buf); err != nil {
			return err
		}
	}
	return nil
}

func next(s *uint64) uint64 { // xorshift64*
	*s ^= *s >> 12
	*s ^= *s << 25
	*s ^= *s >> 27
	return *s * 0x2545F4914F6CDD1D
}

// f16 converts a small positive normal float32 to IEEE half precision.
func f16(f float32) uint16 {
	b := math.Float32bits(f)
	exp := int((b>>23)&0xff) - 127 + 15
	mant := (b >> 13) & 0x3ff
	if exp <= 0 || exp >= 31 {
		panic("f16: value out of the normal half range")
	}
	return uint16(exp)<<10 | uint16(mant)
}
