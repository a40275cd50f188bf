package syntax

import "strings"

func pythonRefTables(g *grammar) refTables {
	return g.buildTables(tableSpec{
		ident:       []string{"identifier"},
		skip:        []string{"comment", "integer", "float"},
		importKinds: []string{"import_statement", "import_from_statement", "future_import_statement"},
		calls:       map[string][2]string{"call": {"function", "arguments"}},
		selectors:   map[string][2]string{"attribute": {"object", "attribute"}},
		declFields: [][2]string{
			{"function_definition", "name"}, {"class_definition", "name"},
			{"assignment", "left"}, {"for_statement", "left"}, {"for_in_clause", "left"},
			{"default_parameter", "name"}, {"typed_default_parameter", "name"},
			{"keyword_argument", "name"}, {"named_expression", "name"}, {"as_pattern", "alias"},
		},
		declAll:  []string{"parameters", "lambda_parameters"},
		passDecl: []string{"pattern_list", "tuple_pattern", "list_pattern", "list_splat_pattern", "dictionary_splat_pattern", "typed_parameter", "as_pattern_target"},
		ignore:   []string{"self", "cls"},
	})
}

// pythonQueries lists the fields (and first named children, "") that the
// Python analysis looks up by node kind; see queryTable.
var pythonQueries = map[string][]string{
	"function_definition":     {"name", "body"},
	"class_definition":        {"name", "body"},
	"decorated_definition":    {"definition"},
	"expression_statement":    {""},
	"assignment":              {"left", "right"},
	"aliased_import":          {"name", "alias"},
	"import_statement":        {"module_name"},
	"import_from_statement":   {"module_name"},
	"future_import_statement": {"module_name"},
	"ERROR":                   {""},
}

// topPython handles one top-level node of a Python file.
func (a *analyzer) topPython(n nodeID) {
	switch a.kind(n) {
	case "comment":
		a.comment(n)
		return
	case "import_statement", "import_from_statement", "future_import_statement":
		a.pyImports(n)
		if a.headerOpen || len(a.units) == 0 {
			a.addHeader(n)
		} else {
			a.addUnit(ChunkKindLines, "", n)
		}
		return
	case "expression_statement":
		if s := a.pyDocstringOf(n); s != none && len(a.units) == 0 {
			a.f.Doc = pythonDocstring(a.text(s))
			a.addHeader(n)
			return
		}
		names := a.pyAssignment(n, "", KindVar)
		if len(names) == 0 {
			a.addUnit(ChunkKindLines, "", n)
		} else {
			a.addUnit(ChunkKindDecl, names[0], n)
		}
	case "function_definition":
		a.addUnit(ChunkKindFunc, a.pyFunc(n, n, ""), n)
	case "class_definition":
		a.addUnit(ChunkKindClass, a.pyClass(n, n, ""), n)
	case "decorated_definition":
		def := a.child(n, "definition")
		switch a.kind(def) {
		case "function_definition":
			a.addUnit(ChunkKindFunc, a.pyFunc(def, n, ""), n)
		case "class_definition":
			a.addUnit(ChunkKindClass, a.pyClass(def, n, ""), n)
		default:
			a.addUnit(ChunkKindLines, "", n)
		}
	default:
		a.addUnit(ChunkKindLines, "", n)
	}
	a.refs(n)
}

func pyExported(name string) bool { return !strings.HasPrefix(name, "_") }

// pyFunc records a function (a method inside a class) and returns its name.
// decl is the definition or its decorated_definition.
func (a *analyzer) pyFunc(def, decl nodeID, container string) string {
	nameNode := a.child(def, "name")
	name := a.text(nameNode)
	kind := KindFunc
	if container != "" {
		kind = KindMethod
	}
	a.addSymbol(kind, container, decl, nameNode, pyExported(name), a.pyDoc(def))
	return name
}

// pyClass records a class with its methods, fields and nested classes and
// returns its name.
func (a *analyzer) pyClass(def, decl nodeID, container string) string {
	nameNode := a.child(def, "name")
	name := a.text(nameNode)
	a.addSymbol(KindClass, container, decl, nameNode, pyExported(name), a.pyDoc(def))
	inner := name
	if container != "" {
		inner = container + "." + name
	}
	for _, st := range a.namedChildren(a.child(def, "body")) {
		d := st
		if a.kind(d) == "decorated_definition" {
			d = a.child(d, "definition")
		}
		switch a.kind(d) {
		case "function_definition":
			a.pyFunc(d, st, inner)
		case "class_definition":
			a.pyClass(d, st, inner)
		case "expression_statement":
			a.pyAssignment(d, inner, KindField)
		}
	}
	return name
}

// pyDoc returns the docstring of a function or class definition.
func (a *analyzer) pyDoc(def nodeID) string {
	for _, st := range a.namedChildren(a.child(def, "body")) {
		if a.isComment(st) {
			continue
		}
		if s := a.pyDocstringOf(st); s != none {
			return pythonDocstring(a.text(s))
		}
		return ""
	}
	return ""
}

// pyDocstringOf returns the string literal of an expression statement
// that is only a string, or none.
func (a *analyzer) pyDocstringOf(st nodeID) nodeID {
	if a.kind(st) != "expression_statement" || a.t.nodes[st].namedCount != 1 {
		return none
	}
	s := a.namedChild0(st)
	if a.kind(s) != "string" {
		return none
	}
	return s
}

// pyAssignment records the names an assignment statement binds (a = b = 1
// and a, b = ... bind several) as symbols of kind and returns them.
func (a *analyzer) pyAssignment(st nodeID, container, kind string) []string {
	if a.t.nodes[st].namedCount != 1 {
		return nil
	}
	var names []string
	for as := a.namedChild0(st); a.kind(as) == "assignment"; as = a.child(as, "right") {
		for _, id := range a.pyTargets(a.child(as, "left")) {
			name := a.text(id)
			a.addSymbol(kind, container, st, id, pyExported(name), "")
			names = append(names, name)
		}
	}
	return names
}

// pyTargets returns the identifiers an assignment target binds.
func (a *analyzer) pyTargets(t nodeID) []nodeID {
	switch a.kind(t) {
	case "identifier":
		return []nodeID{t}
	case "pattern_list", "tuple_pattern", "list_pattern", "list_splat_pattern":
		var out []nodeID
		for _, c := range a.namedChildren(t) {
			out = append(out, a.pyTargets(c)...)
		}
		return out
	}
	return nil
}

// pyImports records the imports of an import statement: one Import per
// imported module or name.
func (a *analyzer) pyImports(n nodeID) {
	module := ""
	isFrom := a.kind(n) != "import_statement"
	if isFrom {
		module = a.text(a.child(n, "module_name"))
		if a.kind(n) == "future_import_statement" {
			module = "__future__"
		}
	}
	for _, c := range a.namedChildren(n) {
		if m := a.child(n, "module_name"); m != none && m == c {
			continue
		}
		imp := Import{Start: a.pt(a.startByte(c))}
		switch a.kind(c) {
		case "dotted_name":
			imp.Path = a.text(c)
		case "aliased_import":
			imp.Path = a.text(a.child(c, "name"))
			imp.Alias = a.text(a.child(c, "alias"))
		case "wildcard_import":
			imp.Path = "*"
		default:
			continue
		}
		if isFrom {
			imp.Name, imp.Path = imp.Path, module
		}
		a.f.Imports = append(a.f.Imports, imp)
	}
}
