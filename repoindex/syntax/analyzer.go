package syntax

import (
	"context"

	ts "github.com/tree-sitter/go-tree-sitter"
)

// analyzer holds the state of one Parse over one syntax tree.
type analyzer struct {
	ctx  context.Context
	g    *grammar
	src  []byte
	li   lineIndex
	opts Options
	f    *File
	wc   *ts.TreeCursor // the reference walk's cursor
	lc   *ts.TreeCursor // the cursor that lists children

	top    []ts.Node // the root's children
	topIdx int       // the index in top of the node being handled

	units      []unit
	pending    []ts.Node // top-level comments not yet given to a unit
	headerOpen bool      // the last unit is a header that may still grow
	symMark    int       // len(f.Symbols) when the last unit was added

	// JavaScript and TypeScript.
	requireAlias map[uint]string // require("m") call start -> bound name
	exportNames  map[string]bool // names exported by export clauses or module.exports
	members      []member        // class, interface and enum members, for Exported
}

// member is a JavaScript/TypeScript member symbol whose Exported flag
// depends on its container's, which export clauses can set later.
type member struct {
	index   int // in f.Symbols
	private bool
}

func (a *analyzer) text(n *ts.Node) string {
	if n == nil {
		return ""
	}
	return string(a.src[n.StartByte():n.EndByte()])
}

func (a *analyzer) pt(off uint) Point { return a.li.point(int(off)) }

func (a *analyzer) kind(n *ts.Node) string {
	if n == nil {
		return ""
	}
	return a.g.kind(n)
}

// child returns n's child in field, or nil.
func (a *analyzer) child(n *ts.Node, field string) *ts.Node {
	if n == nil {
		return nil
	}
	id, ok := a.g.fields[field]
	if !ok {
		return nil
	}
	return n.ChildByFieldId(id)
}

// children lists all of n's children.
func (a *analyzer) children(n *ts.Node) []ts.Node {
	if n == nil || n.ChildCount() == 0 {
		return nil
	}
	return n.Children(a.lc)
}

// namedChildren lists n's named children.
func (a *analyzer) namedChildren(n *ts.Node) []ts.Node {
	if n == nil || n.NamedChildCount() == 0 {
		return nil
	}
	return n.NamedChildren(a.lc)
}

// addSymbol records a symbol declared by decl with its name in nameNode,
// and returns its index in f.Symbols.
func (a *analyzer) addSymbol(kind, container string, decl, nameNode *ts.Node, exported bool, doc string) int {
	return a.addNamedSymbol(a.text(nameNode), kind, container, decl, nameNode, exported, doc)
}

// addNamedSymbol is addSymbol with a name that is not nameNode's text.
func (a *analyzer) addNamedSymbol(name, kind, container string, decl, nameNode *ts.Node, exported bool, doc string) int {
	start, end := decl.StartByte(), decl.EndByte()
	nameStart := start
	if nameNode != nil {
		nameStart = nameNode.StartByte()
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
func (a *analyzer) isComment(n *ts.Node) bool {
	return a.kind(n) == "comment"
}
