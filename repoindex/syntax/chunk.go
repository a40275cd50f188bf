package syntax

import "slices"

// chunks turns the analyzer's units into Chunks: gaps with content become
// lines units, small units are merged, large ones split.
func (a *analyzer) chunks() []Chunk {
	us := mergeSmall(a.fillGaps(a.units), a.opts)
	k := a.chunker()
	names := a.topNames()
	var out []Chunk
	prevEnd := 0
	for _, u := range us {
		if u.size() <= a.opts.MaxChunkBytes {
			if c, ok := k.mkChunk(u.kind, u.symbol, u.symbols, 0, u.start, u.end, prevEnd); ok {
				out = append(out, c)
				prevEnd = c.End.Byte
			}
			continue
		}
		part := 0
		for _, s := range a.split(u) {
			c, ok := k.mkChunk(u.kind, u.symbol, nil, part+1, s[0], s[1], prevEnd)
			if !ok {
				continue
			}
			part++
			if c.Symbols = names.in(c.Start.Byte, c.End.Byte); c.Symbols == nil && u.symbol != "" {
				c.Symbols = []string{u.symbol}
			}
			out = append(out, c)
			prevEnd = c.End.Byte
		}
	}
	return out
}

// nameIndex lists the names of top-level symbols by the offset of their
// name, for the parts of split declarations.
type nameIndex struct {
	at    []int
	names []string
}

func (a *analyzer) topNames() nameIndex {
	var ni nameIndex
	for _, s := range a.f.Symbols {
		if s.Container == "" {
			ni.at = append(ni.at, s.NameStart.Byte)
			ni.names = append(ni.names, s.Name)
		}
	}
	return ni
}

// in returns the names whose offset lies in [start, end), or nil.
func (ni nameIndex) in(start, end int) []string {
	i, _ := slices.BinarySearch(ni.at, start)
	j, _ := slices.BinarySearch(ni.at, end)
	if i >= j {
		return nil
	}
	return slices.Clone(ni.names[i:j])
}

// fillGaps returns units in order without overlap, with a lines unit for
// every gap between them that holds more than blanks.
func (a *analyzer) fillGaps(units []unit) []unit {
	out := make([]unit, 0, len(units)+1)
	prevEnd := 0
	gap := func(start, end int) {
		if start < end && !isBlank(a.src[start:end]) {
			out = append(out, unit{kind: ChunkKindLines, start: start, end: end})
		}
	}
	for _, u := range units {
		if u.end <= prevEnd {
			continue
		}
		u.start = max(u.start, prevEnd)
		gap(prevEnd, u.start)
		out = append(out, u)
		prevEnd = u.end
	}
	gap(prevEnd, len(a.src))
	return out
}

// mergeable reports whether units of kind may be merged with neighbours.
func mergeable(kind string) bool {
	return kind == ChunkKindDecl || kind == ChunkKindFunc || kind == ChunkKindLines
}

// mergeSmall merges runs of adjacent small mergeable units while the
// merged unit stays below MinChunkBytes.
func mergeSmall(us []unit, o Options) []unit {
	out := make([]unit, 0, len(us))
	for i := 0; i < len(us); {
		u := us[i]
		i++
		if !mergeable(u.kind) || u.size() >= o.MinChunkBytes {
			out = append(out, u)
			continue
		}
		for i < len(us) && u.size() < o.MinChunkBytes {
			v := us[i]
			if !mergeable(v.kind) || v.size() >= o.MinChunkBytes || v.end-u.start > o.MaxChunkBytes {
				break
			}
			i++
			if v.kind != u.kind {
				u.kind = ChunkKindDecl
			}
			if u.symbol == "" {
				u.symbol = v.symbol
			}
			u.symbols = append(u.symbols[:len(u.symbols):len(u.symbols)], v.symbols...)
			u.nodes = append(u.nodes[:len(u.nodes):len(u.nodes)], v.nodes...)
			u.end = v.end
		}
		out = append(out, u)
	}
	return out
}

// chunker holds what chunk making needs, for Parse and ChunkKindLines.
type chunker struct {
	src []byte
	li  lineIndex
	max int // MaxChunkBytes
}

func (a *analyzer) chunker() chunker {
	return chunker{src: a.src, li: a.li, max: a.opts.MaxChunkBytes}
}

// mkChunk makes the chunk of [start, end) without leading and trailing
// blanks; it starts at the beginning of its line when only blanks precede
// it there, the line start is not before prevEnd, and the chunk stays
// within max. ok is false for a blank range.
func (k chunker) mkChunk(kind, symbol string, symbols []string, part, start, end, prevEnd int) (Chunk, bool) {
	for end > start && isBlank(k.src[end-1:end]) {
		end--
	}
	for start < end && isBlank(k.src[start:start+1]) {
		start++
	}
	if start == end {
		return Chunk{}, false
	}
	if ls := k.li.lineStart(start); ls >= prevEnd && end-ls <= k.max && isBlank(k.src[ls:start]) {
		start = ls
	}
	return Chunk{
		Kind:    kind,
		Symbol:  symbol,
		Symbols: symbols,
		Part:    part,
		Start:   k.li.point(start),
		End:     k.li.point(end),
	}, true
}
