package syntax

// role is what a node kind means to the reference walk.
type role uint8

const (
	roleNone      role = iota
	roleIdent          // a name: a RefIdent unless it is being declared
	roleType           // a type name: a RefType unless it is being declared
	roleCall           // a call: its callee field gives a RefCall
	roleSelector       // operand.name: a RefSelector (RefCall as a callee)
	roleQualified      // pkg.Type: a RefType with a qualifier
	roleSkip           // a subtree without refs (comments, literals)
	roleImport         // an import statement: an Import, no refs
)

// refTables drive the reference walk of one grammar. Slices are indexed
// by kind id; map keys are parentKind<<16 | fieldID.
type refTables struct {
	role      []role
	passDecl  []bool // a declaring context passes through this kind (pattern lists)
	declAll   []bool // every child declares (parameter lists)
	hasFields []bool // the walk needs the field ids of this kind's children
	declField map[uint32]bool
	jsxField  map[uint32]bool   // JSX element names: lower-case names are intrinsic elements, not refs
	callee    map[uint16]uint16 // call kind -> callee field
	args      map[uint16]uint16 // call kind -> arguments field
	operand   map[uint16]uint16 // selector or qualified kind -> operand field
	member    map[uint16]uint16 // selector or qualified kind -> name field
	ignore    map[string]bool   // names never reported
	// imports reports require("m") and import("m") calls as imports.
	imports bool
}

// tableSpec lists a grammar's reference-walk kinds by name. Names unknown
// to a grammar are skipped, so JavaScript, TypeScript and TSX share one
// spec.
type tableSpec struct {
	ident, types, skip   []string
	importKinds          []string
	calls                map[string][2]string // kind -> {callee field, arguments field}
	selectors, qualified map[string][2]string // kind -> {operand field, name field}
	declFields           [][2]string          // {parent kind, field}
	declAll, passDecl    []string
	jsxFields            [][2]string
	ignore               []string
	imports              bool
}

func (g *grammar) buildTables(s tableSpec) refTables {
	n := len(g.kinds)
	t := refTables{
		role:      make([]role, n),
		passDecl:  make([]bool, n),
		declAll:   make([]bool, n),
		hasFields: make([]bool, n),
		declField: map[uint32]bool{},
		jsxField:  map[uint32]bool{},
		callee:    map[uint16]uint16{},
		args:      map[uint16]uint16{},
		operand:   map[uint16]uint16{},
		member:    map[uint16]uint16{},
		ignore:    map[string]bool{},
		imports:   s.imports,
	}
	setRole := func(names []string, r role) {
		for _, name := range names {
			for _, id := range g.kindID[name] {
				t.role[id] = r
			}
		}
	}
	setRole(s.ident, roleIdent)
	setRole(s.types, roleType)
	setRole(s.skip, roleSkip)
	setRole(s.importKinds, roleImport)
	for name, f := range s.calls {
		for _, id := range g.kindID[name] {
			t.role[id] = roleCall
			t.hasFields[id] = true
			t.callee[id] = g.fields[f[0]]
			t.args[id] = g.fields[f[1]]
		}
	}
	pair := func(m map[string][2]string, r role) {
		for name, f := range m {
			for _, id := range g.kindID[name] {
				t.role[id] = r
				t.operand[id] = g.fields[f[0]]
				t.member[id] = g.fields[f[1]]
			}
		}
	}
	pair(s.selectors, roleSelector)
	pair(s.qualified, roleQualified)
	keyed := func(list [][2]string, m map[uint32]bool) {
		for _, kf := range list {
			fid, ok := g.fields[kf[1]]
			if !ok {
				continue
			}
			for _, id := range g.kindID[kf[0]] {
				m[uint32(id)<<16|uint32(fid)] = true
				t.hasFields[id] = true
			}
		}
	}
	keyed(s.declFields, t.declField)
	keyed(s.jsxFields, t.jsxField)
	for _, name := range s.declAll {
		for _, id := range g.kindID[name] {
			t.declAll[id] = true
		}
	}
	for _, name := range s.passDecl {
		for _, id := range g.kindID[name] {
			t.passDecl[id] = true
		}
	}
	for _, name := range s.ignore {
		t.ignore[name] = true
	}
	return t
}
