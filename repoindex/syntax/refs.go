package syntax

import (
	"unicode"
	"unicode/utf8"
)

// Walk contexts: how an identifier is being used.
const (
	ctxUse  uint8 = iota // a use: reported
	ctxDecl              // being declared: not reported
	ctxJSX               // a JSX element name: reported unless lower-case
)

// maxQualifier bounds Ref.Qualifier.
const maxQualifier = 256

// refs reports the references in the subtree of n.
func (a *analyzer) refs(n nodeID) { a.walk(n, ctxUse) }

// walk reports the references in the subtree of n.
func (a *analyzer) walk(n nodeID, ctx uint8) {
	t := &a.g.refs
	var k uint16 // ERROR nodes keep 0: no role, walk their children
	if id := a.t.nodes[n].kind; int(id) < len(t.role) {
		if a.g.kinds[id] == "" {
			return // an anonymous token: a leaf without refs
		}
		k = id
	}
	r := t.role[k]
	switch r {
	case roleSkip:
		return
	case roleImport:
		a.importNode(n)
		return
	case roleIdent:
		if ctx != ctxDecl {
			a.ident(n, RefIdent, ctx)
		}
		return
	case roleType:
		if ctx != ctxDecl {
			a.ident(n, RefType, ctx)
		}
		return
	case roleQualified:
		a.qualified(n, k, RefType)
		return
	case roleSelector:
		a.selector(n, k, RefSelector)
		return
	}
	pass := (ctx == ctxDecl && t.passDecl[k]) || t.declAll[k]
	for c := a.firstChild(n); c != none; c = a.nextSibling(n, c) {
		child := ctxUse
		if pass {
			child = ctxDecl
		}
		callee := false
		if t.hasFields[k] {
			fid := a.t.nodes[c].field
			key := uint32(k)<<16 | uint32(fid)
			switch {
			case r == roleCall && fid == t.callee[k]:
				callee = true
			case t.declField[key]:
				child = ctxDecl
			case t.jsxField[key]:
				child = ctxJSX
			}
		}
		if callee {
			a.callee(n, k, c)
		} else {
			a.walk(c, child)
		}
	}
}

// callee reports the callee n of call as a RefCall.
func (a *analyzer) callee(call nodeID, callKind uint16, n nodeID) {
	t := &a.g.refs
	k := a.t.nodes[n].kind
	if int(k) >= len(t.role) {
		k = 0
	}
	switch t.role[k] {
	case roleIdent:
		name := a.ident(n, RefCall, ctxUse)
		if t.imports && name == "require" {
			a.dynamicImport(call, callKind)
		}
	case roleSelector:
		a.selector(n, k, RefCall)
	default:
		if t.imports && a.g.kinds[k] == "import" {
			a.dynamicImport(call, callKind)
		}
		a.walk(n, ctxUse)
	}
}

// ident reports n as a reference of kind and returns its name ("" when it
// is not reported).
func (a *analyzer) ident(n nodeID, kind string, ctx uint8) string {
	start, end := a.t.nodes[n].start, a.t.nodes[n].end
	name := string(a.src[start:end])
	if name == "" || a.g.refs.ignore[name] {
		return ""
	}
	if ctx == ctxJSX {
		if r, _ := utf8.DecodeRuneInString(name); unicode.IsLower(r) {
			return ""
		}
	}
	a.f.Refs = append(a.f.Refs, Ref{Name: name, Kind: kind, Start: a.pt(uint(start))})
	return name
}

// selector walks the operand of operand.name (n), then reports name as a
// ref of kind.
func (a *analyzer) selector(n nodeID, k uint16, kind string) {
	t := &a.g.refs
	op, member := t.operand[k], t.member[k]
	// The operand's refs come first: they precede the name in the source.
	for c := a.firstChild(n); c != none; c = a.nextSibling(n, c) {
		if a.t.nodes[c].field == op {
			a.walk(c, ctxUse)
		}
	}
	if name := a.byField(n, member); name != none {
		start, end := a.t.nodes[name].start, a.t.nodes[name].end
		a.f.Refs = append(a.f.Refs, Ref{
			Name:      string(a.src[start:end]),
			Kind:      kind,
			Start:     a.pt(uint(start)),
			Qualifier: a.qualifier(a.byField(n, op)),
		})
	}
}

// qualified reports a qualified type name pkg.Name.
func (a *analyzer) qualified(n nodeID, k uint16, kind string) {
	t := &a.g.refs
	name := a.byField(n, t.member[k])
	if name == none {
		return
	}
	start, end := a.t.nodes[name].start, a.t.nodes[name].end
	a.f.Refs = append(a.f.Refs, Ref{
		Name:      string(a.src[start:end]),
		Kind:      kind,
		Start:     a.pt(uint(start)),
		Qualifier: a.qualifier(a.byField(n, t.operand[k])),
	})
}

// qualifier returns the text of a selector's operand when it is a chain of
// plain names (a, a.b, this.x), and "" otherwise.
func (a *analyzer) qualifier(op nodeID) string {
	if op == none {
		return ""
	}
	start, end := a.t.nodes[op].start, a.t.nodes[op].end
	if end-start > maxQualifier {
		return ""
	}
	s := a.src[start:end]
	if !isNameChain(s) {
		return ""
	}
	return string(s)
}

// isNameChain reports whether s is names joined by dots.
func isNameChain(s []byte) bool {
	if len(s) == 0 {
		return false
	}
	prevDot := true
	for len(s) > 0 {
		r, size := utf8.DecodeRune(s)
		s = s[size:]
		switch {
		case r == '.':
			if prevDot {
				return false
			}
			prevDot = true
		case r == '_' || r == '$' || r == '#' || unicode.IsLetter(r) || unicode.IsDigit(r):
			prevDot = false
		default:
			return false
		}
	}
	return !prevDot
}

// dynamicImport records require("m") and import("m") as imports.
func (a *analyzer) dynamicImport(call nodeID, callKind uint16) {
	args := a.byField(call, a.g.refs.args[callKind])
	if args == none || a.t.nodes[args].namedCount == 0 {
		return
	}
	arg := a.namedChild0(args)
	if a.kind(arg) != "string" {
		return
	}
	start := a.startByte(call)
	a.f.Imports = append(a.f.Imports, Import{
		Path:  jsString(a.text(arg)),
		Alias: a.requireAlias[start],
		Start: a.pt(start),
	})
}
