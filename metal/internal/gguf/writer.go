package gguf

import (
	"bufio"
	"encoding/binary"
	"fmt"
	"io"
	"math"
	"os"
)

// Writer builds a GGUF version 3 file: metadata pairs and tensors, written
// in the order they were added. Tensor data comes from a callback so that
// large files never sit in memory.
type Writer struct {
	kvs     [][]byte // encoded pairs
	keys    map[string]bool
	tensors []wtensor
	names   map[string]bool
}

type wtensor struct {
	Tensor
	data func(w io.Writer) error
}

// NewWriter returns an empty writer.
func NewWriter() *Writer {
	return &Writer{keys: map[string]bool{}, names: map[string]bool{}}
}

func (w *Writer) add(key string, t ValueType, payload func(b []byte) []byte) {
	if w.keys[key] {
		panic("gguf: duplicate key " + key)
	}
	w.keys[key] = true
	b := appendString(nil, key)
	b = binary.LittleEndian.AppendUint32(b, uint32(t))
	w.kvs = append(w.kvs, payload(b))
}

func appendString(b []byte, s string) []byte {
	b = binary.LittleEndian.AppendUint64(b, uint64(len(s)))
	return append(b, s...)
}

// String adds a string pair.
func (w *Writer) String(key, v string) {
	w.add(key, TypeString, func(b []byte) []byte { return appendString(b, v) })
}

// Uint32 adds a u32 pair.
func (w *Writer) Uint32(key string, v uint32) {
	w.add(key, TypeUint32, func(b []byte) []byte { return binary.LittleEndian.AppendUint32(b, v) })
}

// Int32 adds an i32 pair.
func (w *Writer) Int32(key string, v int32) {
	w.add(key, TypeInt32, func(b []byte) []byte { return binary.LittleEndian.AppendUint32(b, uint32(v)) })
}

// Float32 adds an f32 pair.
func (w *Writer) Float32(key string, v float32) {
	w.add(key, TypeFloat32, func(b []byte) []byte { return binary.LittleEndian.AppendUint32(b, math.Float32bits(v)) })
}

// Bool adds a bool pair.
func (w *Writer) Bool(key string, v bool) {
	w.add(key, TypeBool, func(b []byte) []byte {
		if v {
			return append(b, 1)
		}
		return append(b, 0)
	})
}

// Strings adds an array of strings.
func (w *Writer) Strings(key string, v []string) {
	w.add(key, TypeArray, func(b []byte) []byte {
		b = binary.LittleEndian.AppendUint32(b, uint32(TypeString))
		b = binary.LittleEndian.AppendUint64(b, uint64(len(v)))
		for _, s := range v {
			b = appendString(b, s)
		}
		return b
	})
}

// Raw adds a pair copied verbatim from another file (see KV.Offset/End).
func (w *Writer) Raw(key string, encoded []byte) {
	if w.keys[key] {
		panic("gguf: duplicate key " + key)
	}
	w.keys[key] = true
	w.kvs = append(w.kvs, encoded)
}

// Tensor adds a tensor; data must write exactly DataSize(t, dims) bytes.
func (w *Writer) Tensor(name string, t TensorType, dims []uint64, data func(w io.Writer) error) error {
	if len(name) > MaxTensorName {
		return fmt.Errorf("tensor name %q longer than %d bytes", name, MaxTensorName)
	}
	if w.names[name] {
		return fmt.Errorf("duplicate tensor %q", name)
	}
	size, err := DataSize(t, dims)
	if err != nil {
		return fmt.Errorf("tensor %q: %w", name, err)
	}
	w.names[name] = true
	w.tensors = append(w.tensors, wtensor{Tensor{Name: name, Dims: dims, Type: t, Size: size}, data})
	return nil
}

// F32Tensor adds an f32 tensor with the given values.
func (w *Writer) F32Tensor(name string, dims []uint64, vals []float32) error {
	return w.Tensor(name, TensorF32, dims, func(out io.Writer) error {
		buf := make([]byte, 4*len(vals))
		for i, v := range vals {
			binary.LittleEndian.PutUint32(buf[4*i:], math.Float32bits(v))
		}
		_, err := out.Write(buf)
		return err
	})
}

func pad(n, align uint64) uint64 { return (n + align - 1) / align * align }

// WriteTo writes the file.
func (w *Writer) WriteTo(out io.Writer) (int64, error) {
	cw := &countWriter{w: out}
	b := []byte(Magic)
	b = binary.LittleEndian.AppendUint32(b, 3)
	b = binary.LittleEndian.AppendUint64(b, uint64(len(w.tensors)))
	b = binary.LittleEndian.AppendUint64(b, uint64(len(w.kvs)))
	for _, kv := range w.kvs {
		b = append(b, kv...)
	}
	var off uint64
	for i := range w.tensors {
		t := &w.tensors[i]
		t.Offset = off
		b = appendString(b, t.Name)
		b = binary.LittleEndian.AppendUint32(b, uint32(len(t.Dims)))
		for _, d := range t.Dims {
			b = binary.LittleEndian.AppendUint64(b, d)
		}
		b = binary.LittleEndian.AppendUint32(b, uint32(t.Type))
		b = binary.LittleEndian.AppendUint64(b, t.Offset)
		off = pad(off+t.Size, DefaultAlignment)
	}
	b = append(b, make([]byte, pad(uint64(len(b)), DefaultAlignment)-uint64(len(b)))...)
	if _, err := cw.Write(b); err != nil {
		return cw.n, err
	}
	start := cw.n
	for _, t := range w.tensors {
		before := cw.n
		if err := t.data(cw); err != nil {
			return cw.n, fmt.Errorf("tensor %q: %w", t.Name, err)
		}
		if got := uint64(cw.n - before); got != t.Size {
			return cw.n, fmt.Errorf("tensor %q: wrote %d bytes, want %d", t.Name, got, t.Size)
		}
		written := uint64(cw.n - start)
		if _, err := cw.Write(make([]byte, pad(written, DefaultAlignment)-written)); err != nil {
			return cw.n, err
		}
	}
	return cw.n, nil
}

// WriteFile writes the file at path.
func (w *Writer) WriteFile(path string) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	bw := bufio.NewWriterSize(f, 1<<20)
	if _, err := w.WriteTo(bw); err != nil {
		f.Close()
		return err
	}
	if err := bw.Flush(); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

type countWriter struct {
	w io.Writer
	n int64
}

func (c *countWriter) Write(p []byte) (int, error) {
	n, err := c.w.Write(p)
	c.n += int64(n)
	return n, err
}
