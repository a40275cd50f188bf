package syntax

import (
	"strconv"
	"unicode"
	"unicode/utf8"
)

// goUniverse lists Go's predeclared identifiers, which are never refs.
var goUniverse = []string{
	"any", "bool", "byte", "comparable", "complex64", "complex128", "error",
	"float32", "float64", "int", "int8", "int16", "int32", "int64", "rune",
	"string", "uint", "uint8", "uint16", "uint32", "uint64", "uintptr",
	"true", "false", "iota", "nil",
	"append", "cap", "clear", "close", "complex", "copy", "delete", "imag",
	"len", "make", "max", "min", "new", "panic", "print", "println", "real",
	"recover", "_",
}

func goRefTables(g *grammar) refTables {
	return g.buildTables(tableSpec{
		ident:       []string{"identifier"},
		types:       []string{"type_identifier"},
		skip:        []string{"comment", "interpreted_string_literal", "raw_string_literal", "rune_literal", "int_literal", "float_literal", "imaginary_literal", "package_clause"},
		importKinds: []string{"import_declaration"},
		calls:       map[string][2]string{"call_expression": {"function", "arguments"}},
		selectors:   map[string][2]string{"selector_expression": {"operand", "field"}},
		qualified:   map[string][2]string{"qualified_type": {"package", "name"}},
		declFields: [][2]string{
			{"function_declaration", "name"}, {"method_declaration", "name"},
			{"type_spec", "name"}, {"type_alias", "name"}, {"const_spec", "name"}, {"var_spec", "name"},
			{"parameter_declaration", "name"}, {"variadic_parameter_declaration", "name"},
			{"type_parameter_declaration", "name"}, {"field_declaration", "name"}, {"method_elem", "name"},
			{"short_var_declaration", "left"}, {"range_clause", "left"}, {"type_switch_statement", "alias"},
			{"labeled_statement", "label"},
		},
		passDecl: []string{"expression_list"},
		ignore:   goUniverse,
	})
}

// goQueries lists the fields (and first named children, "") that the Go
// analysis looks up by node kind; see queryTable. Selectors and qualified
// types come from the reference tables.
var goQueries = map[string][]string{
	"package_clause":        {""},
	"function_declaration":  {"name"},
	"method_declaration":    {"name", "receiver"},
	"parameter_declaration": {"type"},
	"type_spec":             {"name", "type"},
	"type_alias":            {"name", "type"},
	"method_elem":           {"name"},
	"field_declaration":     {"type"},
	"qualified_type":        {"name"},
	"generic_type":          {"type"},
	"pointer_type":          {""},
	"parenthesized_type":    {""},
	"import_spec":           {"path", "name"},
	"ERROR":                 {""},
}

// topGo handles one top-level node of a Go file.
func (a *analyzer) topGo(n nodeID) {
	switch a.kind(n) {
	case "comment":
		a.comment(n)
		return
	case "package_clause":
		if id := a.namedChild0(n); id != none {
			a.f.Package = a.text(id)
		}
		a.f.Doc = a.topDoc(false)
		a.addHeader(n)
		return
	case "import_declaration":
		a.goImports(n)
		a.addHeader(n)
		return
	case "function_declaration":
		name := a.child(n, "name")
		a.addSymbol(KindFunc, "", n, name, goExported(a.text(name)), a.topDoc(false))
		a.addUnit(ChunkKindFunc, a.text(name), n)
	case "method_declaration":
		name := a.child(n, "name")
		recv := a.goReceiver(n)
		a.addSymbol(KindMethod, recv, n, name, goExported(a.text(name)), a.topDoc(false))
		symbol := a.text(name)
		if recv != "" {
			symbol = recv + "." + symbol
		}
		a.addUnit(ChunkKindMethod, symbol, n)
	case "type_declaration":
		a.goSpecs(n, ChunkKindType)
	case "const_declaration", "var_declaration":
		a.goSpecs(n, ChunkKindDecl)
	default:
		a.addUnit(ChunkKindLines, "", n)
	}
	a.refs(n)
}

func goExported(name string) bool {
	r, _ := utf8.DecodeRuneInString(name)
	return unicode.IsUpper(r)
}

// goReceiver returns the receiver type name of a method, without pointer
// and type parameters.
func (a *analyzer) goReceiver(n nodeID) string {
	recv := a.child(n, "receiver")
	if recv == none {
		return ""
	}
	for _, p := range a.namedChildren(recv) {
		if a.kind(p) == "parameter_declaration" {
			return a.goTypeName(a.child(p, "type"))
		}
	}
	return ""
}

// goTypeName returns the base name of a type expression: T for T, *T,
// T[P], pkg.T and (T); "" for other types.
func (a *analyzer) goTypeName(t nodeID) string {
	return a.text(a.goTypeNameNode(t))
}

// goSpecs records the symbols of a type, const or var declaration and its
// unit.
func (a *analyzer) goSpecs(decl nodeID, chunkKind string) {
	groupDoc := a.topDoc(false)
	var specs []nodeID
	for _, c := range a.namedChildren(decl) {
		if k := a.kind(c); k == "var_spec_list" {
			specs = append(specs, a.namedChildren(c)...)
		} else {
			specs = append(specs, c)
		}
	}
	single := len(specs) == 1
	var names []string
	for i := range specs {
		spec := specs[i]
		k := a.kind(spec)
		if k != "type_spec" && k != "type_alias" && k != "const_spec" && k != "var_spec" {
			continue
		}
		doc := a.docAt(specs, i, false)
		if doc == "" {
			doc = groupDoc
		}
		whole := spec
		if single {
			whole = decl
		}
		if k == "type_spec" || k == "type_alias" {
			names = append(names, a.goTypeSpec(spec, whole, doc, k == "type_alias"))
			continue
		}
		kind := KindVar
		if k == "const_spec" {
			kind = KindConst
		}
		for _, name := range a.fieldChildren(spec, "name") {
			a.addSymbol(kind, "", whole, name, goExported(a.text(name)), doc)
			names = append(names, a.text(name))
		}
	}
	symbol := ""
	if len(names) > 0 {
		symbol = names[0]
	}
	a.addUnit(chunkKind, symbol, decl)
}

// goTypeSpec records a type and its fields or interface methods, and
// returns its name.
func (a *analyzer) goTypeSpec(spec, whole nodeID, doc string, alias bool) string {
	nameNode := a.child(spec, "name")
	name := a.text(nameNode)
	typ := a.child(spec, "type")
	kind := KindType
	if !alias {
		switch a.kind(typ) {
		case "struct_type":
			kind = KindStruct
		case "interface_type":
			kind = KindInterface
		}
	}
	a.addSymbol(kind, "", whole, nameNode, goExported(name), doc)
	switch kind {
	case KindStruct:
		for _, list := range a.namedChildren(typ) {
			if a.kind(list) == "field_declaration_list" {
				a.goFields(list, name)
			}
		}
	case KindInterface:
		elems := a.namedChildren(typ)
		for i := range elems {
			if m := elems[i]; a.kind(m) == "method_elem" {
				mname := a.child(m, "name")
				a.addSymbol(KindMethod, name, m, mname, goExported(a.text(mname)), a.docAt(elems, i, false))
			}
		}
	}
	return name
}

// goFields records the fields of a struct; an embedded field is named
// after its type.
func (a *analyzer) goFields(list nodeID, container string) {
	decls := a.namedChildren(list)
	for i := range decls {
		fd := decls[i]
		if a.kind(fd) != "field_declaration" {
			continue
		}
		doc := a.docAt(decls, i, false)
		names := a.fieldChildren(fd, "name")
		if len(names) == 0 {
			t := a.child(fd, "type")
			embedded := a.goTypeName(t)
			if embedded == "" {
				continue
			}
			a.addNamedSymbol(embedded, KindField, container, fd, a.goTypeNameNode(t), goExported(embedded), doc)
			continue
		}
		for _, name := range names {
			a.addSymbol(KindField, container, fd, name, goExported(a.text(name)), doc)
		}
	}
}

// goTypeNameNode returns the name node of a type expression (see
// goTypeName), or none.
func (a *analyzer) goTypeNameNode(t nodeID) nodeID {
	for t != none {
		switch a.kind(t) {
		case "type_identifier":
			return t
		case "qualified_type":
			return a.child(t, "name")
		case "generic_type":
			t = a.child(t, "type")
		case "pointer_type", "parenthesized_type":
			t = a.namedChild0(t)
		default:
			return none
		}
	}
	return none
}

// goImports records the imports of an import declaration.
func (a *analyzer) goImports(decl nodeID) {
	var specs []nodeID
	for _, c := range a.namedChildren(decl) {
		switch a.kind(c) {
		case "import_spec":
			specs = append(specs, c)
		case "import_spec_list":
			for _, s := range a.namedChildren(c) {
				if a.kind(s) == "import_spec" {
					specs = append(specs, s)
				}
			}
		}
	}
	for _, spec := range specs {
		lit := a.text(a.child(spec, "path"))
		path, err := strconv.Unquote(lit)
		if err != nil {
			path = jsString(lit)
		}
		a.f.Imports = append(a.f.Imports, Import{
			Path:  path,
			Alias: a.text(a.child(spec, "name")),
			Start: a.pt(a.startByte(spec)),
		})
	}
}
