package metal

import (
	"errors"
	"fmt"
	"os"

	"github.com/aios-dev/aios/metal/internal/gguf"
)

// GGUFInfo is what ValidateGGUF learned from a file's header.
type GGUFInfo struct {
	Path          string
	Size          int64
	Version       uint32
	TensorCount   int
	MetadataCount int
	// Type is general.type: "model" (also when absent) or "adapter".
	Type            string
	Architecture    string
	Name            string
	ContextLength   uint64 // <arch>.context_length, 0 when absent
	EmbeddingLength uint64 // <arch>.embedding_length
	BlockCount      uint64 // <arch>.block_count
	// FileType is general.file_type (enum llama_ftype), -1 when absent.
	FileType        int64
	TokenizerModel  string // tokenizer.ggml.model
	VocabSize       uint64 // length of tokenizer.ggml.tokens
	HasChatTemplate bool   // tokenizer.chat_template is set
	// Metadata lists every key/value pair in file order.
	Metadata []GGUFValue
	// Tensors lists every tensor in file order.
	Tensors []GGUFTensor
}

// GGUFValue is one metadata pair. Value holds scalars and strings; arrays
// report their element type and length, and their values only when they
// have at most 4096 elements.
type GGUFValue struct {
	Key      string
	Type     string // u8, i8, u16, i16, u32, i32, f32, bool, str, arr, u64, i64, f64
	ElemType string // arrays
	Len      uint64 // arrays
	Value    any
}

// GGUFTensor describes one tensor.
type GGUFTensor struct {
	Name   string
	Type   string   // ggml type name: f32, f16, q8_0, ...
	Dims   []uint64 // ne[0] first: a weight of n_in inputs and n_out outputs is [n_in, n_out]
	Offset uint64   // in the data section
	Size   uint64   // bytes
}

// ValidateGGUF parses and checks the header of the GGUF file at path: the
// magic, version 2 or 3, every metadata pair (type, length, limits) and every
// tensor (name, shape, type, and that its data lies inside the file). It
// never hands the file to native code. Errors wrap ErrInvalidModel (and the
// fs error, such as fs.ErrNotExist, where there is one).
func ValidateGGUF(path string) (*GGUFInfo, error) {
	if path == "" {
		return nil, fmt.Errorf("%w: no model path given", ErrInvalidModel)
	}
	st, err := os.Stat(path)
	switch {
	case err != nil:
		return nil, fmt.Errorf("%w: %w", ErrInvalidModel, err)
	case st.IsDir():
		return nil, fmt.Errorf("%w: %s is a directory, not a GGUF file", ErrInvalidModel, path)
	case !st.Mode().IsRegular():
		return nil, fmt.Errorf("%w: %s is not a regular file", ErrInvalidModel, path)
	case st.Size() == 0:
		return nil, fmt.Errorf("%w: %s is empty", ErrInvalidModel, path)
	}
	f, err := gguf.ReadFile(path)
	if err != nil {
		if errors.Is(err, gguf.ErrFormat) {
			return nil, fmt.Errorf("%w: %s: %v", ErrInvalidModel, path, err)
		}
		return nil, fmt.Errorf("%w: %s: %w", ErrInvalidModel, path, err)
	}
	return summarize(path, f), nil
}

func summarize(path string, f *gguf.File) *GGUFInfo {
	info := &GGUFInfo{
		Path: path, Size: f.Size, Version: f.Version,
		TensorCount: len(f.Tensors), MetadataCount: len(f.KVs),
		Type: "model", FileType: -1,
	}
	if t, ok := f.String("general.type"); ok && t != "" {
		info.Type = t
	}
	info.Architecture, _ = f.String("general.architecture")
	info.Name, _ = f.String("general.name")
	arch := info.Architecture
	info.ContextLength, _ = f.Uint(arch + ".context_length")
	info.EmbeddingLength, _ = f.Uint(arch + ".embedding_length")
	info.BlockCount, _ = f.Uint(arch + ".block_count")
	if ft, ok := f.Uint("general.file_type"); ok {
		info.FileType = int64(ft)
	}
	info.TokenizerModel, _ = f.String("tokenizer.ggml.model")
	if kv, ok := f.Lookup("tokenizer.ggml.tokens"); ok {
		info.VocabSize = kv.Len
	}
	if s, ok := f.String("tokenizer.chat_template"); ok && s != "" {
		info.HasChatTemplate = true
	}
	for _, kv := range f.KVs {
		v := GGUFValue{Key: kv.Key, Type: kv.Type.String(), Value: kv.Value}
		if kv.Type == gguf.TypeArray {
			v.ElemType, v.Len = kv.ElemType.String(), kv.Len
		}
		info.Metadata = append(info.Metadata, v)
	}
	for _, t := range f.Tensors {
		info.Tensors = append(info.Tensors, GGUFTensor{Name: t.Name, Type: t.Type.String(), Dims: t.Dims, Offset: t.Offset, Size: t.Size})
	}
	return info
}

// checkModelFile validates a model for Open: a GGUF model (not an adapter)
// with an architecture and a vocabulary.
func checkModelFile(path string) (*GGUFInfo, error) {
	info, err := ValidateGGUF(path)
	if err != nil {
		return nil, err
	}
	switch {
	case info.Type == "adapter":
		return nil, fmt.Errorf("%w: %s is a LoRA adapter, not a model (load it with Model.LoadAdapter)", ErrInvalidModel, path)
	case info.Architecture == "":
		return nil, fmt.Errorf("%w: %s has no general.architecture", ErrInvalidModel, path)
	case info.TensorCount == 0:
		return nil, fmt.Errorf("%w: %s has no tensors (a vocabulary-only file?)", ErrInvalidModel, path)
	case info.VocabSize == 0:
		return nil, fmt.Errorf("%w: %s has no tokenizer.ggml.tokens", ErrInvalidModel, path)
	}
	return info, nil
}
