package repoindex

import (
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"math"
	"reflect"
	"strings"

	"github.com/aios-dev/aios/repoindex/syntax"
)

// The syntax codec stores a *syntax.File compactly: a version byte, a table
// of the distinct strings, then the fields in declaration order as varints
// and string-table indices. It is compiled once, by reflection, from the
// syntax types, so fields added to package syntax are stored without a
// change here; the shape of the types (field names and kinds) is hashed
// into the store's schema, so a store written for another shape is rebuilt
// rather than misread.

const codecVersion = 1

type encState struct {
	body []byte
	strs map[string]uint32
	list []string
}

type decState struct {
	b    []byte
	strs []string
	err  error
}

type (
	encFn func(*encState, reflect.Value)
	decFn func(*decState, reflect.Value)
)

// syntaxCodec encodes and decodes syntax.File values.
type syntaxCodec struct {
	enc   encFn
	dec   decFn
	shape string // a hash of the types' shape
}

func newSyntaxCodec() (*syntaxCodec, error) {
	var desc strings.Builder
	enc, dec, err := compileType(reflect.TypeFor[syntax.File](), &desc)
	if err != nil {
		return nil, fmt.Errorf("repoindex: cannot store syntax.File: %w", err)
	}
	sum := sha256.Sum256([]byte(desc.String()))
	return &syntaxCodec{enc: enc, dec: dec, shape: hex.EncodeToString(sum[:8])}, nil
}

func compileType(t reflect.Type, desc *strings.Builder) (encFn, decFn, error) {
	switch t.Kind() {
	case reflect.String:
		desc.WriteString("s")
		return encString, decString, nil
	case reflect.Bool:
		desc.WriteString("b")
		return encBool, decBool, nil
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		desc.WriteString("i")
		return encInt, decInt, nil
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		desc.WriteString("u")
		return encUint, decUint, nil
	case reflect.Float32, reflect.Float64:
		desc.WriteString("f")
		return encFloat, decFloat, nil
	case reflect.Slice:
		desc.WriteString("[")
		ee, ed, err := compileType(t.Elem(), desc)
		if err != nil {
			return nil, nil, err
		}
		desc.WriteString("]")
		return sliceCodec(t, ee, ed)
	case reflect.Pointer:
		desc.WriteString("*")
		ee, ed, err := compileType(t.Elem(), desc)
		if err != nil {
			return nil, nil, err
		}
		return pointerCodec(t, ee, ed)
	case reflect.Struct:
		return structCodec(t, desc)
	}
	return nil, nil, fmt.Errorf("type %s: kind %s is not supported by the store codec", t, t.Kind())
}

func structCodec(t reflect.Type, desc *strings.Builder) (encFn, decFn, error) {
	desc.WriteString("{")
	var idx []int
	var encs []encFn
	var decs []decFn
	for i := range t.NumField() {
		f := t.Field(i)
		if !f.IsExported() {
			continue
		}
		desc.WriteString(f.Name + ":")
		e, d, err := compileType(f.Type, desc)
		if err != nil {
			return nil, nil, fmt.Errorf("%s.%s: %w", t, f.Name, err)
		}
		desc.WriteString(";")
		idx, encs, decs = append(idx, i), append(encs, e), append(decs, d)
	}
	desc.WriteString("}")
	enc := func(s *encState, v reflect.Value) {
		for k, i := range idx {
			encs[k](s, v.Field(i))
		}
	}
	dec := func(s *decState, v reflect.Value) {
		for k, i := range idx {
			if s.err != nil {
				return
			}
			decs[k](s, v.Field(i))
		}
	}
	return enc, dec, nil
}

func sliceCodec(t reflect.Type, ee encFn, ed decFn) (encFn, decFn, error) {
	enc := func(s *encState, v reflect.Value) {
		n := v.Len()
		s.body = binary.AppendUvarint(s.body, uint64(n))
		for i := range n {
			ee(s, v.Index(i))
		}
	}
	dec := func(s *decState, v reflect.Value) {
		n := s.uvarint()
		// Every element takes at least one byte unless it is an empty
		// struct; refuse lengths the remaining input cannot hold.
		if s.err != nil || n > uint64(len(s.b))+1<<16 {
			s.fail("slice length %d beyond the record", n)
			return
		}
		if n == 0 {
			return
		}
		sl := reflect.MakeSlice(t, int(n), int(n))
		for i := range int(n) {
			if s.err != nil {
				return
			}
			ed(s, sl.Index(i))
		}
		v.Set(sl)
	}
	return enc, dec, nil
}

func pointerCodec(t reflect.Type, ee encFn, ed decFn) (encFn, decFn, error) {
	enc := func(s *encState, v reflect.Value) {
		if v.IsNil() {
			s.body = append(s.body, 0)
			return
		}
		s.body = append(s.body, 1)
		ee(s, v.Elem())
	}
	dec := func(s *decState, v reflect.Value) {
		switch s.byte() {
		case 0:
		case 1:
			p := reflect.New(t.Elem())
			ed(s, p.Elem())
			v.Set(p)
		default:
			s.fail("bad pointer marker")
		}
	}
	return enc, dec, nil
}

func encString(s *encState, v reflect.Value) {
	str := v.String()
	i, ok := s.strs[str]
	if !ok {
		i = uint32(len(s.list))
		s.strs[str] = i
		s.list = append(s.list, str)
	}
	s.body = binary.AppendUvarint(s.body, uint64(i))
}

func decString(s *decState, v reflect.Value) {
	i := s.uvarint()
	if i >= uint64(len(s.strs)) {
		s.fail("string index %d out of range", i)
		return
	}
	v.SetString(s.strs[i])
}

func encBool(s *encState, v reflect.Value) {
	b := byte(0)
	if v.Bool() {
		b = 1
	}
	s.body = append(s.body, b)
}

func decBool(s *decState, v reflect.Value) { v.SetBool(s.byte() == 1) }

func encInt(s *encState, v reflect.Value) { s.body = binary.AppendVarint(s.body, v.Int()) }

func decInt(s *decState, v reflect.Value) {
	x := s.varint()
	if v.OverflowInt(x) {
		s.fail("integer %d overflows %s", x, v.Type())
		return
	}
	v.SetInt(x)
}

func encUint(s *encState, v reflect.Value) { s.body = binary.AppendUvarint(s.body, v.Uint()) }

func decUint(s *decState, v reflect.Value) {
	x := s.uvarint()
	if v.OverflowUint(x) {
		s.fail("integer %d overflows %s", x, v.Type())
		return
	}
	v.SetUint(x)
}

func encFloat(s *encState, v reflect.Value) {
	s.body = binary.AppendUvarint(s.body, math.Float64bits(v.Float()))
}

func decFloat(s *decState, v reflect.Value) { v.SetFloat(math.Float64frombits(s.uvarint())) }

func (s *decState) fail(format string, args ...any) {
	if s.err == nil {
		s.err = fmt.Errorf("%w: syntax record: "+format, append([]any{ErrCorrupt}, args...)...)
	}
}

func (s *decState) byte() byte {
	if len(s.b) == 0 {
		s.fail("truncated")
		return 0
	}
	c := s.b[0]
	s.b = s.b[1:]
	return c
}

func (s *decState) uvarint() uint64 {
	x, n := binary.Uvarint(s.b)
	if n <= 0 {
		s.fail("truncated varint")
		return 0
	}
	s.b = s.b[n:]
	return x
}

func (s *decState) varint() int64 {
	x, n := binary.Varint(s.b)
	if n <= 0 {
		s.fail("truncated varint")
		return 0
	}
	s.b = s.b[n:]
	return x
}

// encode appends f's encoding to dst.
func (c *syntaxCodec) encode(dst []byte, f *syntax.File) []byte {
	s := &encState{strs: make(map[string]uint32, 64), body: make([]byte, 0, 1024)}
	c.enc(s, reflect.ValueOf(f).Elem())
	dst = append(dst, codecVersion)
	dst = binary.AppendUvarint(dst, uint64(len(s.list)))
	for _, str := range s.list {
		dst = binary.AppendUvarint(dst, uint64(len(str)))
		dst = append(dst, str...)
	}
	return append(dst, s.body...)
}

// decode parses an encoding made by encode. It never panics on corrupt
// input: it returns an error wrapping ErrCorrupt.
func (c *syntaxCodec) decode(b []byte) (*syntax.File, error) {
	if len(b) == 0 || b[0] != codecVersion {
		return nil, fmt.Errorf("%w: syntax record: unknown codec version", ErrCorrupt)
	}
	s := &decState{b: b[1:]}
	n := s.uvarint()
	if s.err != nil || n > uint64(len(s.b)) {
		return nil, fmt.Errorf("%w: syntax record: string table of %d entries", ErrCorrupt, n)
	}
	// One allocation holds every string of the table.
	lens := make([]int, n)
	total := 0
	rest := s.b
	for i := range lens {
		l := s.uvarint()
		if s.err != nil || l > uint64(len(s.b)) {
			return nil, fmt.Errorf("%w: syntax record: string %d truncated", ErrCorrupt, i)
		}
		lens[i] = int(l)
		total += int(l)
		s.b = s.b[l:]
	}
	all := make([]byte, 0, total)
	s.b = rest
	for range lens {
		l := s.uvarint()
		all = append(all, s.b[:l]...)
		s.b = s.b[l:]
	}
	text := string(all)
	s.strs = make([]string, n)
	off := 0
	for i, l := range lens {
		s.strs[i] = text[off : off+l]
		off += l
	}
	f := new(syntax.File)
	c.dec(s, reflect.ValueOf(f).Elem())
	if s.err != nil {
		return nil, s.err
	}
	if len(s.b) != 0 {
		return nil, fmt.Errorf("%w: syntax record: %d trailing bytes", ErrCorrupt, len(s.b))
	}
	return f, nil
}
