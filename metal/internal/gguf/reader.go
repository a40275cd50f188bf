package gguf

import (
	"bufio"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
)

// Limits the reader enforces on top of the file size. They are far above
// anything a real model holds and far below what would exhaust memory.
const (
	MaxKeyLen       = 1 << 16 // bytes in a metadata key
	MaxStringLen    = 1 << 26 // bytes in one string value (64 MiB)
	MaxArrayLen     = 1 << 28 // elements in one array
	MaxArrayDepth   = 4       // arrays nested in arrays
	MaxKVs          = 1 << 20 // metadata pairs
	MaxTensors      = 1 << 20 // tensor infos
	MaxTensorName   = 64      // GGML_MAX_NAME, terminator excluded
	MaxDims         = 4       // GGML_MAX_DIMS
	MaxKeptArrayLen = 4096    // arrays up to this length keep their values
)

// ErrFormat is wrapped by every error about the content of a file.
var ErrFormat = errors.New("invalid GGUF")

// KV is one metadata key/value pair.
type KV struct {
	Key  string
	Type ValueType
	// ElemType and Len describe an array (Type == TypeArray).
	ElemType ValueType
	Len      uint64
	// Value is the decoded value: uint8, int8, uint16, int16, uint32, int32,
	// float32, bool, string, uint64, int64, float64, or for arrays of at most
	// MaxKeptArrayLen elements a slice of one of those ([]any for arrays of
	// arrays). Longer arrays are checked but not kept: Value is nil.
	Value any
	// Offset and End delimit the encoded pair (key included) in the file.
	Offset, End int64
}

// Tensor describes one tensor of the file.
type Tensor struct {
	Name string
	Dims []uint64 // ne[0] first
	Type TensorType
	// Offset is relative to the start of the data section; Size is the
	// number of bytes the tensor occupies there.
	Offset, Size uint64
}

// File is the parsed header of a GGUF file.
type File struct {
	Version    uint32
	KVs        []KV
	Tensors    []Tensor
	Alignment  uint64
	DataOffset int64 // start of the tensor data section
	Size       int64 // file size
}

// Lookup returns the pair with the given key.
func (f *File) Lookup(key string) (KV, bool) {
	for _, kv := range f.KVs {
		if kv.Key == key {
			return kv, true
		}
	}
	return KV{}, false
}

// String returns the string value of key.
func (f *File) String(key string) (string, bool) {
	kv, ok := f.Lookup(key)
	if !ok {
		return "", false
	}
	s, ok := kv.Value.(string)
	return s, ok
}

// Uint returns the value of an unsigned or non-negative signed integer key.
func (f *File) Uint(key string) (uint64, bool) {
	kv, ok := f.Lookup(key)
	if !ok {
		return 0, false
	}
	return asUint(kv.Value)
}

func asUint(v any) (uint64, bool) {
	switch v := v.(type) {
	case uint8:
		return uint64(v), true
	case uint16:
		return uint64(v), true
	case uint32:
		return uint64(v), true
	case uint64:
		return v, true
	case int8:
		return uint64(v), v >= 0
	case int16:
		return uint64(v), v >= 0
	case int32:
		return uint64(v), v >= 0
	case int64:
		return uint64(v), v >= 0
	}
	return 0, false
}

// Tensor returns the tensor with the given name.
func (f *File) Tensor(name string) (Tensor, bool) {
	for _, t := range f.Tensors {
		if t.Name == name {
			return t, true
		}
	}
	return Tensor{}, false
}

// ReadFile parses and checks the header of the GGUF file at path.
func ReadFile(path string) (*File, error) {
	fd, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer fd.Close()
	st, err := fd.Stat()
	if err != nil {
		return nil, err
	}
	if st.IsDir() {
		return nil, fmt.Errorf("%s is a directory, not a GGUF file", path)
	}
	if !st.Mode().IsRegular() {
		return nil, fmt.Errorf("%s is not a regular file", path)
	}
	return Read(fd, st.Size())
}

// Read parses and checks a GGUF header from r, whose total size is size.
func Read(r io.ReaderAt, size int64) (*File, error) {
	d := &decoder{r: bufio.NewReaderSize(io.NewSectionReader(r, 0, size), 1<<16), size: size}
	return d.file()
}

type decoder struct {
	r    *bufio.Reader
	pos  int64
	size int64
}

func (d *decoder) errorf(format string, args ...any) error {
	return fmt.Errorf("%w: at byte %d: %s", ErrFormat, d.pos, fmt.Sprintf(format, args...))
}

func (d *decoder) remaining() int64 { return d.size - d.pos }

func (d *decoder) read(p []byte, what string) error {
	if int64(len(p)) > d.remaining() {
		return d.errorf("file truncated reading %s (%d bytes needed, %d left)", what, len(p), d.remaining())
	}
	n, err := io.ReadFull(d.r, p)
	d.pos += int64(n)
	if err != nil {
		return d.errorf("reading %s: %v", what, err)
	}
	return nil
}

func (d *decoder) u32(what string) (uint32, error) {
	var b [4]byte
	if err := d.read(b[:], what); err != nil {
		return 0, err
	}
	return binary.LittleEndian.Uint32(b[:]), nil
}

func (d *decoder) u64(what string) (uint64, error) {
	var b [8]byte
	if err := d.read(b[:], what); err != nil {
		return 0, err
	}
	return binary.LittleEndian.Uint64(b[:]), nil
}

func (d *decoder) skip(n int64, what string) error {
	if n > d.remaining() {
		return d.errorf("file truncated skipping %s (%d bytes needed, %d left)", what, n, d.remaining())
	}
	m, err := d.r.Discard(int(n))
	d.pos += int64(m)
	if err != nil {
		return d.errorf("skipping %s: %v", what, err)
	}
	return nil
}

// str reads a length-prefixed string of at most limit bytes. With keep
// false the bytes are skipped.
func (d *decoder) str(what string, limit uint64, keep bool) (string, error) {
	n, err := d.u64(what + " length")
	if err != nil {
		return "", err
	}
	if n > limit {
		return "", d.errorf("%s is %d bytes long, limit %d", what, n, limit)
	}
	if int64(n) > d.remaining() {
		return "", d.errorf("%s of %d bytes runs past the end of the file (%d bytes left)", what, n, d.remaining())
	}
	if !keep {
		return "", d.skip(int64(n), what)
	}
	b := make([]byte, n)
	if err := d.read(b, what); err != nil {
		return "", err
	}
	return string(b), nil
}

func (d *decoder) file() (*File, error) {
	var magic [4]byte
	if d.size < 4 {
		return nil, d.errorf("file is %d bytes long, too short for the GGUF magic", d.size)
	}
	if err := d.read(magic[:], "magic"); err != nil {
		return nil, err
	}
	if string(magic[:]) != Magic {
		return nil, fmt.Errorf("%w: magic is %q, want %q (not a GGUF file)", ErrFormat, magic[:], Magic)
	}
	f := &File{Size: d.size, Alignment: DefaultAlignment}
	var err error
	if f.Version, err = d.u32("version"); err != nil {
		return nil, err
	}
	switch f.Version {
	case 2, 3:
	case 1:
		return nil, fmt.Errorf("%w: GGUF version 1 is not supported (convert the file to version 3)", ErrFormat)
	default:
		return nil, fmt.Errorf("%w: GGUF version %d is not supported (want 2 or 3)", ErrFormat, f.Version)
	}
	nTensors, err := d.u64("tensor count")
	if err != nil {
		return nil, err
	}
	nKV, err := d.u64("metadata count")
	if err != nil {
		return nil, err
	}
	// A pair takes at least 8+1+4+1 bytes, a tensor info 8+1+4+8+4+8.
	if nKV > MaxKVs || nKV > uint64(d.remaining()/14) {
		return nil, d.errorf("metadata count %d is impossible for a file of %d bytes (limit %d)", nKV, d.size, MaxKVs)
	}
	if nTensors > MaxTensors || nTensors > uint64(d.remaining()/33) {
		return nil, d.errorf("tensor count %d is impossible for a file of %d bytes (limit %d)", nTensors, d.size, MaxTensors)
	}
	seen := make(map[string]bool, nKV)
	f.KVs = make([]KV, 0, nKV)
	for i := uint64(0); i < nKV; i++ {
		kv, err := d.kv()
		if err != nil {
			return nil, fmt.Errorf("metadata pair %d: %w", i, err)
		}
		if seen[kv.Key] {
			return nil, d.errorf("duplicate metadata key %q", kv.Key)
		}
		seen[kv.Key] = true
		f.KVs = append(f.KVs, kv)
	}
	if kv, ok := f.Lookup("general.alignment"); ok {
		a, isU32 := kv.Value.(uint32)
		if !isU32 || a == 0 || a&(a-1) != 0 {
			return nil, fmt.Errorf("%w: general.alignment must be a power-of-two u32, got %v (%s)", ErrFormat, kv.Value, kv.Type)
		}
		f.Alignment = uint64(a)
	}
	if err := d.tensors(f, nTensors); err != nil {
		return nil, err
	}
	return f, nil
}

func (d *decoder) kv() (KV, error) {
	kv := KV{Offset: d.pos}
	var err error
	if kv.Key, err = d.str("key", MaxKeyLen, true); err != nil {
		return kv, err
	}
	if kv.Key == "" {
		return kv, d.errorf("empty metadata key")
	}
	t, err := d.u32("value type of " + kv.Key)
	if err != nil {
		return kv, err
	}
	kv.Type = ValueType(t)
	if kv.Type == TypeArray {
		kv.Value, kv.ElemType, kv.Len, err = d.array(kv.Key, 1)
	} else {
		kv.Value, err = d.value(kv.Type, kv.Key, true)
	}
	if err != nil {
		return kv, err
	}
	kv.End = d.pos
	return kv, nil
}

// array reads an array header and its elements.
func (d *decoder) array(key string, depth int) (any, ValueType, uint64, error) {
	if depth > MaxArrayDepth {
		return nil, 0, 0, d.errorf("%s: arrays nested deeper than %d", key, MaxArrayDepth)
	}
	et, err := d.u32("array element type of " + key)
	if err != nil {
		return nil, 0, 0, err
	}
	elem := ValueType(et)
	if elem.size() < 0 {
		return nil, 0, 0, d.errorf("%s: unknown array element type %d", key, et)
	}
	n, err := d.u64("array length of " + key)
	if err != nil {
		return nil, 0, 0, err
	}
	minSize := uint64(elem.size())
	if minSize == 0 {
		minSize = 8 // a string or array header
	}
	if n > MaxArrayLen || n > uint64(d.remaining())/minSize {
		return nil, 0, 0, d.errorf("%s: array of %d %s elements cannot fit in the %d bytes left (limit %d)", key, n, elem, d.remaining(), MaxArrayLen)
	}
	keep := n <= MaxKeptArrayLen
	if elem.size() > 0 && !keep {
		return nil, elem, n, d.skip(int64(n*uint64(elem.size())), key)
	}
	var vals []any
	if keep {
		vals = make([]any, 0, n)
	}
	for i := uint64(0); i < n; i++ {
		var v any
		if elem == TypeArray {
			v, _, _, err = d.array(key, depth+1)
		} else {
			v, err = d.value(elem, key, keep)
		}
		if err != nil {
			return nil, 0, 0, err
		}
		if keep {
			vals = append(vals, v)
		}
	}
	if !keep {
		return nil, elem, n, nil
	}
	return typedSlice(elem, vals), elem, n, nil
}

func (d *decoder) value(t ValueType, key string, keep bool) (any, error) {
	if t == TypeString {
		return d.str("string value of "+key, MaxStringLen, keep)
	}
	sz := t.size()
	if sz <= 0 {
		return nil, d.errorf("%s: unknown value type %d", key, uint32(t))
	}
	var b [8]byte
	if err := d.read(b[:sz], "value of "+key); err != nil {
		return nil, err
	}
	le := binary.LittleEndian
	switch t {
	case TypeUint8:
		return b[0], nil
	case TypeInt8:
		return int8(b[0]), nil
	case TypeBool:
		if b[0] > 1 {
			return nil, d.errorf("%s: bool value %d is neither 0 nor 1", key, b[0])
		}
		return b[0] == 1, nil
	case TypeUint16:
		return le.Uint16(b[:]), nil
	case TypeInt16:
		return int16(le.Uint16(b[:])), nil
	case TypeUint32:
		return le.Uint32(b[:]), nil
	case TypeInt32:
		return int32(le.Uint32(b[:])), nil
	case TypeFloat32:
		return math.Float32frombits(le.Uint32(b[:])), nil
	case TypeUint64:
		return le.Uint64(b[:]), nil
	case TypeInt64:
		return int64(le.Uint64(b[:])), nil
	case TypeFloat64:
		return math.Float64frombits(le.Uint64(b[:])), nil
	}
	return nil, d.errorf("%s: unknown value type %d", key, uint32(t))
}

// typedSlice turns a kept array into a slice of its element type.
func typedSlice(elem ValueType, vals []any) any {
	switch elem {
	case TypeString:
		return convert[string](vals)
	case TypeInt32:
		return convert[int32](vals)
	case TypeUint32:
		return convert[uint32](vals)
	case TypeFloat32:
		return convert[float32](vals)
	case TypeUint8:
		return convert[uint8](vals)
	case TypeInt8:
		return convert[int8](vals)
	case TypeUint16:
		return convert[uint16](vals)
	case TypeInt16:
		return convert[int16](vals)
	case TypeUint64:
		return convert[uint64](vals)
	case TypeInt64:
		return convert[int64](vals)
	case TypeFloat64:
		return convert[float64](vals)
	case TypeBool:
		return convert[bool](vals)
	}
	return vals
}

func convert[T any](vals []any) []T {
	out := make([]T, len(vals))
	for i, v := range vals {
		out[i] = v.(T)
	}
	return out
}

func (d *decoder) tensors(f *File, n uint64) error {
	f.Tensors = make([]Tensor, 0, n)
	names := make(map[string]bool, n)
	for i := uint64(0); i < n; i++ {
		name, err := d.str(fmt.Sprintf("name of tensor %d", i), MaxTensorName, true)
		if err != nil {
			return err
		}
		if names[name] {
			return d.errorf("duplicate tensor name %q", name)
		}
		names[name] = true
		nDims, err := d.u32("dimension count of " + name)
		if err != nil {
			return err
		}
		if nDims == 0 || nDims > MaxDims {
			return d.errorf("tensor %q has %d dimensions (want 1 to %d)", name, nDims, MaxDims)
		}
		t := Tensor{Name: name, Dims: make([]uint64, nDims)}
		for j := range t.Dims {
			if t.Dims[j], err = d.u64("dimension of " + name); err != nil {
				return err
			}
			if t.Dims[j] > maxInt64 {
				return d.errorf("tensor %q dimension %d is %d, too large", name, j, t.Dims[j])
			}
		}
		typ, err := d.u32("type of " + name)
		if err != nil {
			return err
		}
		t.Type = TensorType(typ)
		if !t.Type.Valid() {
			return d.errorf("tensor %q has unknown or removed type %d", name, typ)
		}
		if t.Size, err = DataSize(t.Type, t.Dims); err != nil {
			return d.errorf("tensor %q: %v", name, err)
		}
		if t.Offset, err = d.u64("data offset of " + name); err != nil {
			return err
		}
		if t.Offset%f.Alignment != 0 {
			return d.errorf("tensor %q data offset %d is not a multiple of the alignment %d", name, t.Offset, f.Alignment)
		}
		f.Tensors = append(f.Tensors, t)
	}
	// The data section starts at the next aligned offset.
	f.DataOffset = d.pos
	if rem := uint64(f.DataOffset) % f.Alignment; rem != 0 {
		f.DataOffset += int64(f.Alignment - rem)
	}
	if n > 0 && f.DataOffset > f.Size {
		return fmt.Errorf("%w: data section would start at byte %d, past the end of the %d-byte file", ErrFormat, f.DataOffset, f.Size)
	}
	avail := uint64(f.Size - min(f.DataOffset, f.Size))
	for _, t := range f.Tensors {
		if t.Offset > avail || t.Size > avail-t.Offset {
			return fmt.Errorf("%w: tensor %q (%s %v, %d bytes at data offset %d) runs past the end of the file (%d data bytes)",
				ErrFormat, t.Name, t.Type, t.Dims, t.Size, t.Offset, avail)
		}
	}
	return nil
}
