package syntax

import "slices"

// queryNamed0 is the query code of a node's first named child; other
// codes are field ids.
const queryNamed0 = 0

// queryTable lists, by node kind, the look-ups that the analysis makes on
// nodes of that kind and that the C walk answers with tree-sitter's own
// functions (ts_node_child_by_field_id, ts_node_named_child): their
// results depend on hidden nodes and field inheritance, which the flat
// tree does not keep. The codes of kind k are codes[at[k]:at[k+1]]; row
// len(at)-2 holds those of ERROR nodes.
type queryTable struct {
	at    []uint32
	codes []uint16
}

// row returns the query codes of kind.
func (q *queryTable) row(kind uint16) []uint16 {
	r := len(q.at) - 2 // ERROR
	if int(kind) < r {
		r = int(kind)
	}
	return q.codes[q.at[r]:q.at[r+1]]
}

// buildQueries makes the query table from spec (kind name, or "ERROR",
// -> field names, or "" for the first named child) and the selectors,
// qualified names and calls of the reference tables. Names unknown to the
// grammar are skipped.
func (g *grammar) buildQueries(spec map[string][]string) queryTable {
	errorRow := len(g.kinds)
	rows := make([][]uint16, errorRow+1)
	add := func(row int, code uint16) {
		if !slices.Contains(rows[row], code) {
			rows[row] = append(rows[row], code)
		}
	}
	for kind, fields := range spec {
		for _, f := range fields {
			code := uint16(queryNamed0)
			if f != "" {
				id, ok := g.fields[f]
				if !ok {
					continue
				}
				code = id
			}
			if kind == "ERROR" {
				add(errorRow, code)
			}
			for _, id := range g.kindID[kind] {
				add(int(id), code)
			}
		}
	}
	t := &g.refs
	for id := range t.role {
		for _, code := range []uint16{t.operand[uint16(id)], t.member[uint16(id)]} {
			if code != 0 {
				add(id, code)
			}
		}
		if code := t.args[uint16(id)]; t.imports && code != 0 {
			add(id, code)
		}
	}
	q := queryTable{at: make([]uint32, 0, len(rows)+1)}
	for _, r := range rows {
		slices.Sort(r)
		q.at = append(q.at, uint32(len(q.codes)))
		q.codes = append(q.codes, r...)
	}
	q.at = append(q.at, uint32(len(q.codes)))
	return q
}
