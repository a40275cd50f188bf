package syntax

// unit is a top-level piece of a file that becomes one chunk, or several
// when it is too large: a declaration with the comments above it, or the
// header.
type unit struct {
	kind    string
	symbol  string
	symbols []string
	start   int
	end     int
	nodes   []nodeID // the syntax nodes inside, for splitting
}

func (u *unit) size() int { return u.end - u.start }

// comment handles a top-level comment: a comment that starts on the line
// where the previous unit ends trails it; any other comment waits for the
// next unit.
func (a *analyzer) comment(n nodeID) {
	if len(a.pending) == 0 && len(a.units) > 0 {
		last := &a.units[len(a.units)-1]
		if a.li.lineOf(last.end) == a.li.lineOf(int(a.startByte(n))) {
			last.end = int(a.endByte(n))
			last.nodes = append(last.nodes, n)
			return
		}
	}
	a.pending = append(a.pending, n)
}

// addUnit starts a unit for the top-level node n; the waiting comments
// join it. symbol may be "". The unit lists the top-level symbols
// recorded since the previous unit, or else symbol.
func (a *analyzer) addUnit(kind, symbol string, n nodeID) {
	u := unit{kind: kind, symbol: symbol, start: int(a.startByte(n)), end: int(a.endByte(n))}
	for _, s := range a.f.Symbols[a.symMark:] {
		if s.Container == "" {
			u.symbols = append(u.symbols, s.Name)
		}
	}
	a.symMark = len(a.f.Symbols)
	if len(u.symbols) == 0 && symbol != "" {
		u.symbols = []string{symbol}
	}
	if len(a.pending) > 0 {
		u.start = int(a.startByte(a.pending[0]))
		u.nodes = append(u.nodes, a.pending...)
		a.pending = a.pending[:0]
	}
	u.nodes = append(u.nodes, n)
	a.units = append(a.units, u)
	a.headerOpen = false
}

// addHeader adds n (package clause, import, module docstring) to the header
// unit, which grows while nothing else comes between.
func (a *analyzer) addHeader(n nodeID) {
	if !a.headerOpen {
		a.addUnit(ChunkKindHeader, "", n)
		a.headerOpen = true
		return
	}
	last := &a.units[len(a.units)-1]
	last.nodes = append(last.nodes, a.pending...)
	a.pending = a.pending[:0]
	last.nodes = append(last.nodes, n)
	last.end = int(a.endByte(n))
}

// finishUnits gives the comments left at the end of the file to the last
// unit, or to a lines unit when there is none.
func (a *analyzer) finishUnits() {
	if len(a.pending) == 0 {
		return
	}
	if len(a.units) == 0 {
		first, last := a.pending[0], a.pending[len(a.pending)-1]
		a.units = append(a.units, unit{kind: ChunkKindLines, start: int(a.startByte(first)), end: int(a.endByte(last)), nodes: a.pending})
	} else {
		last := &a.units[len(a.units)-1]
		last.nodes = append(last.nodes, a.pending...)
		last.end = int(a.endByte(a.pending[len(a.pending)-1]))
	}
	a.pending = nil
}
