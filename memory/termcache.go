package memory

// termCache is a direct-mapped cache of recently seen tokens: code repeats
// a small set of tokens (err, return, nil, ctx, the names of the file)
// over and over, and a hit here costs a hash and a compare instead of a
// lookup in a map of hundreds of thousands of terms.
type termCache [1 << 14]struct {
	h    uint64
	term uint32
	s    string
}

func hashBytes(b []byte) uint64 {
	h := uint64(14695981039346656037)
	for _, c := range b {
		h ^= uint64(c)
		h *= 1099511628211
	}
	return h
}

func (c *termCache) get(h uint64, tok []byte) (uint32, bool) {
	e := &c[h&(uint64(len(c))-1)]
	if e.h == h && e.s == string(tok) {
		return e.term, true
	}
	return 0, false
}

func (c *termCache) put(h uint64, term uint32, s string) {
	e := &c[h&(uint64(len(c))-1)]
	e.h, e.term, e.s = h, term, s
}
