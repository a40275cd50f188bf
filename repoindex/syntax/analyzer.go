package syntax

import "context"

// analyzer holds the state of one Parse over one flat syntax tree.
type analyzer struct {
	ctx  context.Context
	g    *grammar
	t    flatTree
	src  []byte
	li   lineIndex
	opts Options
	f    *File

	top    []nodeID // the root's children
	topIdx int      // the index in top of the node being handled

	units      []unit
	pending    []nodeID // top-level comments not yet given to a unit
	headerOpen bool     // the last unit is a header that may still grow
	symMark    int      // len(f.Symbols) when the last unit was added

	// JavaScript and TypeScript.
	requireAlias map[uint]string // require("m") call start -> bound name
	exportNames  map[string]bool // names exported by export clauses or module.exports
	members      []member        // class, interface and enum members, for Exported

	// misses counts look-ups that the grammar's query table lacks (see
	// answer); tests check that it stays zero.
	misses int
}

// member is a JavaScript/TypeScript member symbol whose Exported flag
// depends on its container's, which export clauses can set later.
type member struct {
	index   int // in f.Symbols
	private bool
}

func (a *analyzer) text(n nodeID) string {
	if n == none {
		return ""
	}
	nd := &a.t.nodes[n]
	return string(a.src[nd.start:nd.end])
}

func (a *analyzer) pt(off uint) Point { return a.li.point(int(off)) }

func (a *analyzer) kind(n nodeID) string {
	if n == none {
		return ""
	}
	return a.g.kindName(a.t.nodes[n].kind)
}

// addSymbol records a symbol declared by decl with its name in nameNode,
// and returns its index in f.Symbols.
func (a *analyzer) addSymbol(kind, container string, decl, nameNode nodeID, exported bool, doc string) int {
	return a.addNamedSymbol(a.text(nameNode), kind, container, decl, nameNode, exported, doc)
}

// addNamedSymbol is addSymbol with a name that is not nameNode's text.
func (a *analyzer) addNamedSymbol(name, kind, container string, decl, nameNode nodeID, exported bool, doc string) int {
	start, end := a.startByte(decl), a.endByte(decl)
	nameStart := start
	if nameNode != none {
		nameStart = a.startByte(nameNode)
	}
	a.f.Symbols = append(a.f.Symbols, Symbol{
		Name:      name,
		Kind:      kind,
		Container: container,
		Start:     a.pt(start),
		End:       a.pt(end),
		NameStart: a.pt(nameStart),
		Exported:  exported,
		Doc:       doc,
	})
	return len(a.f.Symbols) - 1
}

// isComment reports whether n is a comment node.
func (a *analyzer) isComment(n nodeID) bool {
	return a.kind(n) == "comment"
}
