package memory

import (
	"encoding/binary"
	"errors"
	"math"
)

// enc and dec are the hand-rolled binary encoding of what memory persists
// itself (file facts, the index snapshot): uvarint lengths and integers,
// no reflection.
type enc struct{ b []byte }

func (e *enc) uvarint(v uint64) { e.b = binary.AppendUvarint(e.b, v) }
func (e *enc) int(v int)        { e.b = binary.AppendVarint(e.b, int64(v)) }
func (e *enc) str(s string)     { e.uvarint(uint64(len(s))); e.b = append(e.b, s...) }
func (e *enc) f32(v float32)    { e.b = binary.LittleEndian.AppendUint32(e.b, math.Float32bits(v)) }
func (e *enc) boolean(v bool) {
	if v {
		e.b = append(e.b, 1)
	} else {
		e.b = append(e.b, 0)
	}
}

var errShort = errors.New("truncated or malformed record")

type dec struct {
	b   []byte
	err error
}

func (d *dec) fail() {
	if d.err == nil {
		d.err = errShort
	}
	d.b = nil
}

func (d *dec) uvarint() uint64 {
	v, n := binary.Uvarint(d.b)
	if n <= 0 {
		d.fail()
		return 0
	}
	d.b = d.b[n:]
	return v
}

func (d *dec) int() int {
	v, n := binary.Varint(d.b)
	if n <= 0 || v > math.MaxInt32 || v < math.MinInt32 {
		d.fail()
		return 0
	}
	d.b = d.b[n:]
	return int(v)
}

// count reads a length and checks that at least min bytes per element
// remain, so that corrupt input never allocates absurd slices.
func (d *dec) count(min int) int {
	v := d.uvarint()
	if v > uint64(len(d.b)/max(1, min)) {
		d.fail()
		return 0
	}
	return int(v)
}

func (d *dec) bytes() []byte {
	n := d.uvarint()
	if n > uint64(len(d.b)) {
		d.fail()
		return nil
	}
	v := d.b[:n]
	d.b = d.b[n:]
	return v
}

func (d *dec) str() string { return string(d.bytes()) }

func (d *dec) f32() float32 {
	if len(d.b) < 4 {
		d.fail()
		return 0
	}
	v := math.Float32frombits(binary.LittleEndian.Uint32(d.b))
	d.b = d.b[4:]
	return v
}

func (d *dec) boolean() bool {
	if len(d.b) < 1 || d.b[0] > 1 {
		d.fail()
		return false
	}
	v := d.b[0] == 1
	d.b = d.b[1:]
	return v
}

// factsVersion is the version byte of an encoded FileFacts.
const factsVersion = 1

func encodeFacts(f *FileFacts) []byte {
	e := enc{b: make([]byte, 0, 256)}
	e.b = append(e.b, factsVersion)
	e.str(f.Path)
	e.str(f.Lang)
	e.str(f.Package)
	e.uvarint(uint64(len(f.Symbols)))
	for _, s := range f.Symbols {
		e.str(s.Name)
		e.str(s.Container)
		e.str(s.Kind)
		e.str(s.Signature)
		e.str(s.Doc)
		e.int(s.StartLine)
		e.int(s.EndLine)
	}
	e.uvarint(uint64(len(f.Refs)))
	for _, r := range f.Refs {
		e.str(r.Name)
		e.str(r.Qualifier)
		e.str(r.From)
		e.boolean(r.Call)
	}
	e.uvarint(uint64(len(f.Imports)))
	for _, imp := range f.Imports {
		e.str(imp)
	}
	e.uvarint(uint64(len(f.CoChanged)))
	for _, c := range f.CoChanged {
		e.str(c.Path)
		e.int(c.Count)
	}
	return e.b
}

func decodeFacts(b []byte) (FileFacts, error) {
	var f FileFacts
	if len(b) == 0 || b[0] != factsVersion {
		return f, errors.New("unknown facts version")
	}
	d := dec{b: b[1:]}
	f.Path, f.Lang, f.Package = d.str(), d.str(), d.str()
	if n := d.count(7); n > 0 {
		f.Symbols = make([]SymbolFact, n)
		for i := range f.Symbols {
			s := &f.Symbols[i]
			s.Name, s.Container, s.Kind, s.Signature, s.Doc = d.str(), d.str(), d.str(), d.str(), d.str()
			s.StartLine, s.EndLine = d.int(), d.int()
		}
	}
	if n := d.count(4); n > 0 {
		f.Refs = make([]RefFact, n)
		for i := range f.Refs {
			r := &f.Refs[i]
			r.Name, r.Qualifier, r.From, r.Call = d.str(), d.str(), d.str(), d.boolean()
		}
	}
	if n := d.count(1); n > 0 {
		f.Imports = make([]string, n)
		for i := range f.Imports {
			f.Imports[i] = d.str()
		}
	}
	if n := d.count(2); n > 0 {
		f.CoChanged = make([]CoChange, n)
		for i := range f.CoChanged {
			f.CoChanged[i] = CoChange{Path: d.str(), Count: d.int()}
		}
	}
	if d.err == nil && len(d.b) != 0 {
		d.err = errors.New("trailing bytes")
	}
	return f, d.err
}
