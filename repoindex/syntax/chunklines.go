package syntax

// ChunkLines splits text into "lines" chunks of at most MaxChunkBytes:
// paragraphs (runs of non-blank lines) are packed greedily into chunks; a
// paragraph too large for one chunk is cut at line starts, and a line too
// long for one chunk at UTF-8 character boundaries. Blank lines between
// chunks belong to none. Invalid Options fields fall back to their
// defaults. ChunkLines is what Parse uses for LangText and for content
// larger than MaxFileBytes.
func ChunkLines(content []byte, opts Options) []Chunk {
	o := opts.sanitized()
	k := chunker{src: content, li: newLineIndex(content), max: o.MaxChunkBytes}
	return k.lines(0, len(content))
}

// lines chunks [start, end) of k.src as ChunkKindLines does.
func (k chunker) lines(start, end int) []Chunk {
	var out []Chunk
	prevEnd := start
	emit := func(s, e int) {
		if c, ok := k.mkChunk(ChunkKindLines, "", nil, 0, s, e, prevEnd); ok {
			out = append(out, c)
			prevEnd = c.End.Byte
		}
	}
	curStart, curEnd := -1, -1
	flush := func() {
		if curStart >= 0 {
			emit(curStart, curEnd)
			curStart, curEnd = -1, -1
		}
	}
	for _, p := range k.paragraphs(start, end) {
		switch {
		case curStart >= 0 && p[1]-curStart <= k.max:
			curEnd = p[1]
		case p[1]-p[0] <= k.max:
			flush()
			curStart, curEnd = p[0], p[1]
		default:
			flush()
			for _, s := range k.pack(p[0], p[1], k.lineStarts(p[0], p[1])) {
				emit(s[0], s[1])
			}
		}
	}
	flush()
	return out
}

// paragraphs returns the runs of non-blank lines in [start, end), each
// from the start of its first line to the end of its last.
func (k chunker) paragraphs(start, end int) [][2]int {
	var out [][2]int
	pStart := -1
	lineStart := start
	for lineStart < end {
		lineEnd := lineStart
		for lineEnd < end && k.src[lineEnd] != '\n' {
			lineEnd++
		}
		if isBlank(k.src[lineStart:lineEnd]) {
			if pStart >= 0 {
				out = append(out, [2]int{pStart, lineStart})
				pStart = -1
			}
		} else if pStart < 0 {
			pStart = lineStart
		}
		lineStart = lineEnd + 1
	}
	if pStart >= 0 {
		out = append(out, [2]int{pStart, end})
	}
	return out
}

// lineStarts returns the line starts in (start, end).
func (k chunker) lineStarts(start, end int) []int {
	var out []int
	for i := start; i < end-1; i++ {
		if k.src[i] == '\n' {
			out = append(out, i+1)
		}
	}
	return out
}
