package syntax

// jsClassBody records the methods and fields of a class.
func (a *analyzer) jsClassBody(body nodeID, container string) {
	members := a.namedChildren(body)
	for i := range members {
		m := members[i]
		var kind string
		var nameNode nodeID
		switch a.kind(m) {
		case "method_definition", "method_signature", "abstract_method_signature":
			kind, nameNode = KindMethod, a.child(m, "name")
		case "public_field_definition":
			kind, nameNode = KindField, a.child(m, "name")
		case "field_definition":
			kind, nameNode = KindField, a.child(m, "property")
		default:
			continue
		}
		if nameNode == none {
			continue
		}
		private := a.kind(nameNode) == "private_property_identifier"
		for _, c := range a.namedChildren(m) {
			if a.kind(c) == "accessibility_modifier" {
				if t := a.text(c); t == "private" || t == "protected" {
					private = true
				}
			}
		}
		s := a.addSymbol(kind, container, m, nameNode, false, a.docAt(members, i, true))
		a.members = append(a.members, member{index: s, private: private})
	}
}

// jsInterfaceBody records the properties and methods of an interface.
func (a *analyzer) jsInterfaceBody(body nodeID, container string) {
	members := a.namedChildren(body)
	for i := range members {
		m := members[i]
		kind := ""
		switch a.kind(m) {
		case "property_signature":
			kind = KindField
		case "method_signature":
			kind = KindMethod
		default:
			continue
		}
		if name := a.child(m, "name"); name != none {
			s := a.addSymbol(kind, container, m, name, false, a.docAt(members, i, true))
			a.members = append(a.members, member{index: s})
		}
	}
}

// jsEnumBody records the members of an enum.
func (a *analyzer) jsEnumBody(body nodeID, container string) {
	members := a.namedChildren(body)
	for i := range members {
		m := members[i]
		name := m
		switch a.kind(m) {
		case "property_identifier", "string":
		case "enum_assignment":
			name = a.child(m, "name")
		default:
			continue
		}
		if name != none {
			s := a.addSymbol(KindField, container, m, name, false, a.docAt(members, i, true))
			a.members = append(a.members, member{index: s})
		}
	}
}

// jsNamespaceBody records the declarations of a namespace or module block.
func (a *analyzer) jsNamespaceBody(body nodeID, container string) {
	statements := a.namedChildren(body)
	for i := range statements {
		st := statements[i]
		doc := a.docAt(statements, i, true)
		switch a.kind(st) {
		case "export_statement":
			if d := a.child(st, "declaration"); d != none {
				a.jsDecl(d, st, true, container, doc)
			}
		case "expression_statement":
			if inner := a.namedChild0(st); a.kind(inner) == "internal_module" {
				a.jsDecl(inner, st, false, container, doc)
			}
		case "ambient_declaration":
			if inner := a.namedChild0(st); inner != none {
				a.jsDecl(inner, st, false, container, doc)
			}
		default:
			a.jsDecl(st, st, false, container, doc)
		}
	}
}

// jsCommonJS handles CommonJS exports in a top-level expression:
// module.exports = {a, b: c} and module.exports = a export names, and
// exports.f = function... or module.exports.f = ... declare the exported
// symbol f. It returns the symbol declared, or "".
func (a *analyzer) jsCommonJS(stmt, expr nodeID) string {
	if a.kind(expr) != "assignment_expression" {
		return ""
	}
	left, right := a.child(expr, "left"), a.child(expr, "right")
	if a.kind(left) != "member_expression" || right == none {
		return ""
	}
	obj, prop := a.text(a.child(left, "object")), a.child(left, "property")
	switch {
	case obj == "module" && a.text(prop) == "exports":
		switch a.kind(right) {
		case "identifier":
			a.exportName(a.text(right))
		case "object":
			for _, p := range a.namedChildren(right) {
				switch a.kind(p) {
				case "shorthand_property_identifier":
					a.exportName(a.text(p))
				case "pair":
					if v := a.child(p, "value"); a.kind(v) == "identifier" {
						a.exportName(a.text(v))
					}
				}
			}
		}
		return ""
	case obj == "exports" || obj == "module.exports":
		kind := KindVar
		switch a.kind(right) {
		case "identifier":
			a.exportName(a.text(right))
		case "function_expression", "arrow_function", "function", "generator_function":
			kind = KindFunc
		case "class":
			kind = KindClass
		}
		a.addSymbol(kind, "", stmt, prop, true, a.topDoc(true))
		return a.text(prop)
	}
	return ""
}

// finishExports applies export clauses and CommonJS exports to top-level
// symbols, then sets the Exported flag of members: a member of an exported
// container that is not private.
func (a *analyzer) finishExports() {
	if len(a.exportNames) == 0 && len(a.members) == 0 {
		return
	}
	syms := a.f.Symbols
	exported := map[string]bool{}
	for i := range syms {
		s := &syms[i]
		if s.Container == "" && a.exportNames[s.Name] {
			s.Exported = true
		}
		if s.Exported {
			exported[join(s.Container, s.Name)] = true
		}
	}
	for _, m := range a.members {
		s := &syms[m.index]
		s.Exported = exported[s.Container] && !m.private
	}
}

// jsImports records the imports of an import statement or a re-export.
func (a *analyzer) jsImports(n nodeID) {
	path := jsString(a.text(a.child(n, "source")))
	add := func(at nodeID, name, alias string) {
		a.f.Imports = append(a.f.Imports, Import{Path: path, Name: name, Alias: alias, Start: a.pt(a.startByte(at))})
	}
	before := len(a.f.Imports)
	for _, c := range a.namedChildren(n) {
		switch a.kind(c) {
		case "import_clause":
			for _, part := range a.namedChildren(c) {
				switch a.kind(part) {
				case "identifier":
					add(part, "default", a.text(part))
				case "namespace_import":
					add(part, "*", a.text(a.namedChild0(part)))
				case "named_imports":
					for _, spec := range a.namedChildren(part) {
						if a.kind(spec) == "import_specifier" {
							add(spec, a.text(a.child(spec, "name")), a.text(a.child(spec, "alias")))
						}
					}
				}
			}
		case "import_require_clause":
			path = jsString(a.text(a.child(c, "source")))
			add(c, "", a.text(a.namedChild0(c)))
		case "export_clause":
			for _, spec := range a.namedChildren(c) {
				if a.kind(spec) == "export_specifier" {
					add(spec, a.text(a.child(spec, "name")), a.text(a.child(spec, "alias")))
				}
			}
		case "namespace_export":
			add(c, "*", a.text(a.namedChild0(c)))
		}
	}
	if len(a.f.Imports) == before && path != "" {
		name := ""
		if a.kind(n) == "export_statement" {
			name = "*" // export * from "m"
		}
		add(n, name, "")
	}
}
