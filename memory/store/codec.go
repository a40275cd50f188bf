package store

import (
	"encoding/binary"
	"errors"
	"fmt"
	"math"
)

// errShort is the decoder's internal error; callers wrap it with ErrCorrupt.
var errShort = errors.New("record truncated or malformed")

// enc appends fields to a byte slice.
type enc struct{ b []byte }

func (e *enc) byte1(v byte)     { e.b = append(e.b, v) }
func (e *enc) uvarint(v uint64) { e.b = binary.AppendUvarint(e.b, v) }
func (e *enc) varint(v int64)   { e.b = binary.AppendVarint(e.b, v) }
func (e *enc) str(s string)     { e.uvarint(uint64(len(s))); e.b = append(e.b, s...) }
func (e *enc) f64(v float64)    { e.b = binary.LittleEndian.AppendUint64(e.b, math.Float64bits(v)) }
func (e *enc) boolean(v bool) {
	if v {
		e.b = append(e.b, 1)
	} else {
		e.b = append(e.b, 0)
	}
}

// dec reads fields from a byte slice. The first error sticks; every read
// after it returns zero values. Lengths are checked against the remaining
// bytes before anything is allocated, so corrupt input cannot cause a huge
// allocation or a panic.
type dec struct {
	b   []byte
	err error
}

func (d *dec) fail() { d.err = errShort; d.b = nil }

func (d *dec) byte1() byte {
	if d.err != nil || len(d.b) < 1 {
		d.fail()
		return 0
	}
	v := d.b[0]
	d.b = d.b[1:]
	return v
}

func (d *dec) uvarint() uint64 {
	if d.err != nil {
		return 0
	}
	v, n := binary.Uvarint(d.b)
	if n <= 0 {
		d.fail()
		return 0
	}
	d.b = d.b[n:]
	return v
}

// int reads a uvarint that must fit a non-negative int.
func (d *dec) int() int {
	v := d.uvarint()
	if v > math.MaxInt32 {
		d.fail()
		return 0
	}
	return int(v)
}

func (d *dec) varint() int64 {
	if d.err != nil {
		return 0
	}
	v, n := binary.Varint(d.b)
	if n <= 0 {
		d.fail()
		return 0
	}
	d.b = d.b[n:]
	return v
}

// bytes returns a sub-slice (not a copy) of length-prefixed bytes.
func (d *dec) bytes() []byte {
	n := d.uvarint()
	if d.err != nil || n > uint64(len(d.b)) {
		d.fail()
		return nil
	}
	v := d.b[:n:n]
	d.b = d.b[n:]
	return v
}

func (d *dec) str() string { return string(d.bytes()) }

func (d *dec) f64() float64 {
	if d.err != nil || len(d.b) < 8 {
		d.fail()
		return 0
	}
	v := math.Float64frombits(binary.LittleEndian.Uint64(d.b))
	d.b = d.b[8:]
	return v
}

func (d *dec) boolean() bool {
	switch d.byte1() {
	case 0:
		return false
	case 1:
		return true
	default:
		d.fail()
		return false
	}
}

// done reports the sticky error, or an error when bytes are left over.
func (d *dec) done() error {
	if d.err != nil {
		return d.err
	}
	if len(d.b) != 0 {
		return fmt.Errorf("%w: %d trailing bytes", errShort, len(d.b))
	}
	return nil
}

// version checks a record's leading version byte.
func (d *dec) version(want byte, what string) error {
	if len(d.b) == 0 {
		d.fail()
		return fmt.Errorf("%w: empty %s record", ErrCorrupt, what)
	}
	if got := d.byte1(); got != want {
		d.fail()
		return fmt.Errorf("%w: %s record version %d, want %d", ErrCorrupt, what, got, want)
	}
	return nil
}

// corrupt wraps a decoding failure of one record.
func corrupt(what string, key []byte, err error) error {
	if errors.Is(err, ErrCorrupt) {
		return fmt.Errorf("%s %q: %w", what, key, err)
	}
	return fmt.Errorf("%w: %s %q: %v", ErrCorrupt, what, key, err)
}
