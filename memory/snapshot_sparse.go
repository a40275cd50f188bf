package memory

import (
	"encoding/binary"
	"fmt"
	"math"
)

// encode appends the index over docs (in that order; docOf maps their IDs
// to positions) to the string section strs and returns it with the
// postings section. Documents the index holds beyond docs are left out.
func (s *Sparse) encode(strs []byte, docs []*chunkMeta, docOf map[string]uint32) ([]byte, []byte) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	slotDoc := make([]int64, len(s.docLen))
	for i := range slotDoc {
		slotDoc[i] = -1
		if s.docLen[i] >= 0 {
			if d, ok := docOf[s.docID[i]]; ok {
				slotDoc[i] = int64(d)
			}
		}
	}
	lens := make([]float32, len(docs))
	for slot, d := range slotDoc {
		if d >= 0 {
			lens[d] = s.docLen[slot]
		}
	}
	var live []uint32
	total := 0
	for t := range s.termStr {
		if s.df[t] > 0 {
			live = append(live, uint32(t))
			total += len(s.postDoc[t])
		}
	}
	e := enc{b: strs}
	e.uvarint(uint64(len(live)))
	for _, t := range live {
		e.str(s.termStr[t])
	}
	p := make([]byte, 0, 4*len(lens)+4*(len(live)+1)+6*total)
	for _, l := range lens {
		p = binary.LittleEndian.AppendUint32(p, math.Float32bits(l))
	}
	offsets := make([]uint32, 0, len(live)+1)
	var docsOut []uint32
	var tfsOut []uint16
	for _, t := range live {
		offsets = append(offsets, uint32(len(docsOut)))
		for i, slot := range s.postDoc[t] {
			if d := slotDoc[slot]; d >= 0 {
				docsOut = append(docsOut, uint32(d))
				tfsOut = append(tfsOut, s.postTF[t][i])
			}
		}
	}
	offsets = append(offsets, uint32(len(docsOut)))
	for _, o := range offsets {
		p = binary.LittleEndian.AppendUint32(p, o)
	}
	for _, d := range docsOut {
		p = binary.LittleEndian.AppendUint32(p, d)
	}
	for _, tf := range tfsOut {
		p = binary.LittleEndian.AppendUint16(p, tf)
	}
	return e.b, p
}

func cmpErr(err, def error) error {
	if err == nil {
		return def
	}
	return err
}

// decodeSparse rebuilds a Sparse whose slot i is document ids[i] of group
// groups[i] from the postings section. The forward index is left to be
// built on the first removal (Sparse.forward).
func decodeSparse(p []byte, ids, groups, terms []string) (*Sparse, error) {
	n, nt := len(ids), len(terms)
	bad := func(what string) error { return fmt.Errorf("%w: postings section: %s", ErrCorruptSnapshot, what) }
	if len(p) < 4*n+4*(nt+1) {
		return nil, bad("truncated")
	}
	s := NewSparse()
	s.docLen = make([]float32, n)
	for i := range s.docLen {
		l := math.Float32frombits(binary.LittleEndian.Uint32(p[4*i:]))
		if !(l >= 0) {
			return nil, bad("negative document length")
		}
		s.docLen[i] = l
		s.total += float64(l)
	}
	p = p[4*n:]
	offsets := make([]uint32, nt+1)
	for i := range offsets {
		offsets[i] = binary.LittleEndian.Uint32(p[4*i:])
		if i > 0 && offsets[i] < offsets[i-1] || offsets[0] != 0 {
			return nil, bad("offsets out of order")
		}
	}
	p = p[4*(nt+1):]
	total := int(offsets[nt])
	if len(p) != 6*total {
		return nil, bad(fmt.Sprintf("%d bytes for %d postings", len(p), total))
	}
	docs := make([]uint32, total)
	tfs := make([]uint16, total)
	for i := range docs {
		docs[i] = binary.LittleEndian.Uint32(p[4*i:])
		if docs[i] >= uint32(n) {
			return nil, bad("posting for an unknown document")
		}
	}
	p = p[4*total:]
	for i := range tfs {
		tfs[i] = binary.LittleEndian.Uint16(p[2*i:])
	}
	s.docID = ids
	s.docGroup = groups
	s.docTerms = make([][]uint32, n)
	s.termStr = terms
	s.df = make([]int32, nt)
	s.postDoc = make([][]uint32, nt)
	s.postTF = make([][]uint16, nt)
	s.terms = make(map[string]uint32, nt)
	for t := range terms {
		lo, hi := offsets[t], offsets[t+1]
		if lo == hi {
			return nil, bad("a term without postings")
		}
		s.terms[terms[t]] = uint32(t)
		s.postDoc[t] = docs[lo:hi:hi] // full slice: an append copies
		s.postTF[t] = tfs[lo:hi:hi]
		s.df[t] = int32(hi - lo)
	}
	if len(s.terms) != nt { // one map operation per term: duplicates show in the count
		return nil, bad("a term twice")
	}
	s.byID = make(map[string]uint32, n)
	for i, id := range ids {
		s.byID[id] = uint32(i)
		s.groups[groups[i]] = append(s.groups[groups[i]], uint32(i))
	}
	if len(s.byID) != n {
		return nil, bad("a document twice")
	}
	s.live = n
	s.noForward = true
	return s, nil
}

// sdec decodes the string section: strings are slices of s.
type sdec struct {
	s   string
	i   int
	err error
}

func (d *sdec) fail() {
	if d.err == nil {
		d.err = errShort
	}
	d.i = len(d.s)
}

func (d *sdec) uvarint() uint64 {
	var v uint64
	for shift := uint(0); shift < 64; shift += 7 {
		if d.i >= len(d.s) {
			d.fail()
			return 0
		}
		c := d.s[d.i]
		d.i++
		v |= uint64(c&0x7f) << shift
		if c < 0x80 {
			return v
		}
	}
	d.fail()
	return 0
}

func (d *sdec) int() int {
	u := d.uvarint()
	v := int64(u >> 1)
	if u&1 != 0 {
		v = ^v
	}
	if v > math.MaxInt32 || v < math.MinInt32 {
		d.fail()
		return 0
	}
	return int(v)
}

func (d *sdec) count(min int) int {
	v := d.uvarint()
	if v > uint64((len(d.s)-d.i)/max(1, min)) {
		d.fail()
		return 0
	}
	return int(v)
}

func (d *sdec) str() string {
	n := d.uvarint()
	if n > uint64(len(d.s)-d.i) {
		d.fail()
		return ""
	}
	v := d.s[d.i : d.i+int(n)]
	d.i += int(n)
	return v
}
