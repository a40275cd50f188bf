package vector

import (
	"bufio"
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
	"io"
	"math"
)

// snapReader reads a snapshot row by row, checksumming as it goes.
type snapReader struct {
	r   *bufio.Reader
	crc uint32
	buf []byte
	hdr snapHeader
}

// readSnapHeader reads and validates the header.
func readSnapHeader(r io.Reader) (*snapReader, error) {
	sr := &snapReader{r: bufio.NewReaderSize(r, 1<<16)}
	b, err := sr.read(snapHeaderLen)
	if err != nil {
		return nil, err
	}
	if string(b[:8]) != snapMagic {
		return nil, fmt.Errorf("%w: not a vector snapshot (bad magic %q)", ErrCorrupt, b[:8])
	}
	le := binary.LittleEndian
	switch v := le.Uint32(b[8:]); {
	case v == 0:
		return nil, fmt.Errorf("%w: version 0", ErrCorrupt)
	case v > snapVersion:
		return nil, fmt.Errorf("%w: version %d, this build reads up to %d", ErrVersion, v, snapVersion)
	}
	dim, quant := le.Uint32(b[12:]), Quantization(le.Uint32(b[16:]))
	count := le.Uint64(b[24:])
	switch {
	case dim < 1 || dim > MaxDim:
		return nil, fmt.Errorf("%w: dimension %d", ErrCorrupt, dim)
	case !quant.valid():
		return nil, fmt.Errorf("%w: quantization %d", ErrCorrupt, int(quant))
	case le.Uint32(b[20:]) != 0:
		return nil, fmt.Errorf("%w: reserved header field set", ErrCorrupt)
	case count > maxRows:
		return nil, fmt.Errorf("%w: count %d", ErrCorrupt, count)
	}
	sr.hdr = snapHeader{dim: int(dim), quant: quant, count: int(count)}
	return sr, nil
}

// read returns the next n bytes (valid until the next call), checksummed.
func (sr *snapReader) read(n int) ([]byte, error) {
	if cap(sr.buf) < n {
		sr.buf = make([]byte, n)
	}
	b := sr.buf[:n]
	if _, err := io.ReadFull(sr.r, b); err != nil {
		return nil, readErr(err)
	}
	sr.crc = crc32.Update(sr.crc, castagnoli, b)
	return b, nil
}

func readErr(err error) error {
	if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
		return fmt.Errorf("%w: truncated", ErrCorrupt)
	}
	return fmt.Errorf("vector: read snapshot: %w", err)
}

// id reads the next row's id.
func (sr *snapReader) id() (string, error) {
	var lb [binary.MaxVarintLen64]byte
	n := 0
	var l uint64
	for shift := 0; ; shift += 7 {
		c, err := sr.r.ReadByte()
		if err != nil {
			return "", readErr(err)
		}
		if n == len(lb) {
			return "", fmt.Errorf("%w: id length overflows", ErrCorrupt)
		}
		lb[n] = c
		n++
		l |= uint64(c&0x7f) << shift
		if c < 0x80 {
			break
		}
	}
	sr.crc = crc32.Update(sr.crc, castagnoli, lb[:n])
	if l == 0 || l > MaxIDLen {
		return "", fmt.Errorf("%w: id length %d", ErrCorrupt, l)
	}
	b, err := sr.read(int(l))
	if err != nil {
		return "", err
	}
	return string(b), nil
}

// rowF32 reads a float32 payload into v (len dim).
func (sr *snapReader) rowF32(v []float32) error {
	b, err := sr.read(4 * len(v))
	if err != nil {
		return err
	}
	for j := range v {
		v[j] = math.Float32frombits(binary.LittleEndian.Uint32(b[4*j:]))
	}
	return nil
}

// rowI8 reads an int8 payload into codes (len dim) and returns its scale,
// rejecting values Export never writes.
func (sr *snapReader) rowI8(codes []int8) (float32, error) {
	b, err := sr.read(4 + len(codes))
	if err != nil {
		return 0, err
	}
	scale := math.Float32frombits(binary.LittleEndian.Uint32(b))
	if !(scale > 0) || math.IsInf(float64(scale), 0) {
		return 0, fmt.Errorf("%w: scale %v", ErrCorrupt, scale)
	}
	peak := 0
	for j, c := range b[4:] {
		v := int(int8(c))
		if v < -rowCodeMax {
			return 0, fmt.Errorf("%w: code -128", ErrCorrupt)
		}
		codes[j] = int8(v)
		peak = max(peak, v, -v)
	}
	// quantizeRow maps the largest component to ±127.
	if peak != rowCodeMax {
		return 0, fmt.Errorf("%w: largest code %d, want %d", ErrCorrupt, peak, rowCodeMax)
	}
	return scale, nil
}

// finish reads the checksum and compares it.
func (sr *snapReader) finish() error {
	want := sr.crc
	var b [4]byte
	if _, err := io.ReadFull(sr.r, b[:]); err != nil {
		return readErr(err)
	}
	if got := binary.LittleEndian.Uint32(b[:]); got != want {
		return fmt.Errorf("%w: checksum %08x, content %08x", ErrCorrupt, got, want)
	}
	return nil
}
