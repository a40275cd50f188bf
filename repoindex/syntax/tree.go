package syntax

// nodeID is the index of a node in its flatTree; none is the null node.
type nodeID int32

const none nodeID = -1

// errorKind is the kind id of ERROR nodes.
const errorKind = 0xFFFF

// The accessors below answer as go-tree-sitter's Node and TreeCursor
// methods of the same purpose did on the live tree, quirks included: the
// array holds what a tree cursor visits (children, field ids), tree-sitter's
// own counts (ChildCount, NamedChildCount) and the answers to the queries
// of queryTable (ChildByFieldId, NamedChild(0)).

func (a *analyzer) node(n nodeID) *node { return &a.t.nodes[n] }

func (a *analyzer) startByte(n nodeID) uint { return uint(a.t.nodes[n].start) }

func (a *analyzer) endByte(n nodeID) uint { return uint(a.t.nodes[n].end) }

func (a *analyzer) isNamed(n nodeID) bool { return a.t.nodes[n].flags&flagNamed != 0 }

func (a *analyzer) isError(n nodeID) bool { return a.t.nodes[n].kind == errorKind }

func (a *analyzer) isMissing(n nodeID) bool { return a.t.nodes[n].flags&flagMissing != 0 }

func (a *analyzer) hasError(n nodeID) bool { return a.t.nodes[n].flags&flagHasError != 0 }

// firstChild returns the first child of n, or none.
func (a *analyzer) firstChild(n nodeID) nodeID {
	if c := n + 1; uint32(c) < a.t.nodes[n].next {
		return c
	}
	return none
}

// nextSibling returns the sibling after c, a child of parent, or none.
func (a *analyzer) nextSibling(parent, c nodeID) nodeID {
	if s := a.t.nodes[c].next; s < a.t.nodes[parent].next {
		return nodeID(s)
	}
	return none
}

// children lists n's children as Node.Children did: ChildCount entries
// taken from a cursor on n, which stays put (at n itself before any
// child) when it has no next child.
func (a *analyzer) children(n nodeID) []nodeID {
	if n == none || a.t.nodes[n].childCount == 0 {
		return nil
	}
	count := a.t.nodes[n].childCount
	out := make([]nodeID, 0, count)
	cur := n
	if c := a.firstChild(n); c != none {
		cur = c
	}
	for range count {
		out = append(out, cur)
		if cur != n {
			if s := a.nextSibling(n, cur); s != none {
				cur = s
			}
		}
	}
	return out
}

// namedChildren lists n's named children as Node.NamedChildren did.
func (a *analyzer) namedChildren(n nodeID) []nodeID {
	if n == none || a.t.nodes[n].namedCount == 0 {
		return nil
	}
	count := a.t.nodes[n].namedCount
	out := make([]nodeID, 0, count)
	cur := n
	if c := a.firstChild(n); c != none {
		cur = c
	}
	advance := func() bool {
		if cur == n {
			return false
		}
		s := a.nextSibling(n, cur)
		if s == none {
			return false
		}
		cur = s
		return true
	}
	for range count {
		for !a.isNamed(cur) {
			if !advance() {
				break
			}
		}
		out = append(out, cur)
		advance()
	}
	return out
}

// fieldChildren lists n's named children in field (Node.ChildrenByFieldName
// without the separators, which tree-sitter gives a repeated field too).
func (a *analyzer) fieldChildren(n nodeID, field string) []nodeID {
	fid, ok := a.g.fields[field]
	if !ok || fid == 0 {
		return nil
	}
	var out []nodeID
	for c := a.firstChild(n); c != none; c = a.nextSibling(n, c) {
		if a.t.nodes[c].field == fid && a.isNamed(c) {
			out = append(out, c)
		}
	}
	return out
}

// child returns n's child in field (Node.ChildByFieldId), or none.
func (a *analyzer) child(n nodeID, field string) nodeID {
	if n == none {
		return none
	}
	id, ok := a.g.fields[field]
	if !ok {
		return none
	}
	return a.byField(n, id)
}

// byField returns n's child with field id fid (Node.ChildByFieldId).
func (a *analyzer) byField(n nodeID, fid uint16) nodeID {
	if fid == 0 {
		return none
	}
	return a.answer(n, fid)
}

// namedChild0 returns n's first named child (Node.NamedChild(0)), or none.
func (a *analyzer) namedChild0(n nodeID) nodeID {
	if n == none {
		return none
	}
	return a.answer(n, queryNamed0)
}

// answer returns the answer to query code of node n, which the C walk
// recorded when the grammar's query table lists code for n's kind.
func (a *analyzer) answer(n nodeID, code uint16) nodeID {
	nd := &a.t.nodes[n]
	for j, c := range a.g.queries.row(nd.kind) {
		if c != code {
			continue
		}
		if nd.query == noQuery {
			return none // n has no children
		}
		if r := a.t.results[nd.query+uint32(j)]; r >= 0 {
			return nodeID(r)
		}
		return none // null, or unresolved (counted in t.unresolved)
	}
	// Exact without tree-sitter: a node without children has no child in
	// any field, and ERROR nodes have no fields (their production id is 0,
	// whose field map is empty in every grammar).
	if nd.childCount == 0 || (code != queryNamed0 && nd.kind == errorKind) {
		return none
	}
	// A query the table lacks: a bug that the comparison tests catch.
	a.misses++
	for c := a.firstChild(n); c != none; c = a.nextSibling(n, c) {
		if (code == queryNamed0 && a.isNamed(c)) || (code != queryNamed0 && a.t.nodes[c].field == code) {
			return c
		}
	}
	return none
}
