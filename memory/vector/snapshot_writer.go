package vector

import (
	"bufio"
	"encoding/binary"
	"fmt"
	"hash/crc32"
	"io"
	"math"
)

// snapWriter writes a snapshot, checksumming as it goes. The first error
// sticks and is returned by finish.
type snapWriter struct {
	w   *bufio.Writer
	crc uint32
	buf []byte
	err error
}

func newSnapWriter(w io.Writer, h snapHeader) *snapWriter {
	sw := &snapWriter{w: bufio.NewWriterSize(w, 1<<16)}
	b := make([]byte, 0, snapHeaderLen)
	b = append(b, snapMagic...)
	b = binary.LittleEndian.AppendUint32(b, snapVersion)
	b = binary.LittleEndian.AppendUint32(b, uint32(h.dim))
	b = binary.LittleEndian.AppendUint32(b, uint32(h.quant))
	b = binary.LittleEndian.AppendUint32(b, 0)
	b = binary.LittleEndian.AppendUint64(b, uint64(h.count))
	sw.write(b)
	return sw
}

func (sw *snapWriter) write(b []byte) {
	if sw.err != nil {
		return
	}
	sw.crc = crc32.Update(sw.crc, castagnoli, b)
	_, sw.err = sw.w.Write(b)
}

func (sw *snapWriter) rowF32(id string, v []float32) {
	b := binary.AppendUvarint(sw.buf[:0], uint64(len(id)))
	b = append(b, id...)
	for _, x := range v {
		b = binary.LittleEndian.AppendUint32(b, math.Float32bits(x))
	}
	sw.buf = b
	sw.write(b)
}

func (sw *snapWriter) rowI8(id string, scale float32, codes []int8) {
	b := binary.AppendUvarint(sw.buf[:0], uint64(len(id)))
	b = append(b, id...)
	b = binary.LittleEndian.AppendUint32(b, math.Float32bits(scale))
	for _, c := range codes {
		b = append(b, byte(c))
	}
	sw.buf = b
	sw.write(b)
}

// finish writes the checksum and flushes.
func (sw *snapWriter) finish() error {
	if sw.err == nil {
		_, sw.err = sw.w.Write(binary.LittleEndian.AppendUint32(nil, sw.crc))
	}
	if sw.err == nil {
		sw.err = sw.w.Flush()
	}
	if sw.err != nil {
		return fmt.Errorf("vector: write snapshot: %w", sw.err)
	}
	return nil
}
