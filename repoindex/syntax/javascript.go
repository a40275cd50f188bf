package syntax

import "strings"

func jsRefTables(g *grammar) refTables {
	return g.buildTables(tableSpec{
		ident:       []string{"identifier", "shorthand_property_identifier", "shorthand_property_identifier_pattern"},
		types:       []string{"type_identifier"},
		skip:        []string{"comment", "string", "number", "regex", "jsx_closing_element", "html_comment", "hash_bang_line"},
		importKinds: []string{"import_statement"},
		calls: map[string][2]string{
			"call_expression": {"function", "arguments"},
			"new_expression":  {"constructor", "arguments"},
		},
		selectors: map[string][2]string{"member_expression": {"object", "property"}},
		qualified: map[string][2]string{"nested_type_identifier": {"module", "name"}},
		declFields: [][2]string{
			{"function_declaration", "name"}, {"generator_function_declaration", "name"},
			{"function_expression", "name"}, {"generator_function", "name"}, {"function_signature", "name"},
			{"class_declaration", "name"}, {"abstract_class_declaration", "name"}, {"class", "name"},
			{"variable_declarator", "name"}, {"arrow_function", "parameter"}, {"catch_clause", "parameter"},
			{"interface_declaration", "name"}, {"type_alias_declaration", "name"}, {"enum_declaration", "name"},
			{"type_parameter", "name"}, {"required_parameter", "pattern"}, {"optional_parameter", "pattern"},
			{"assignment_pattern", "left"}, {"object_assignment_pattern", "left"}, {"pair_pattern", "value"},
			{"for_in_statement", "left"}, {"export_specifier", "alias"},
			{"internal_module", "name"}, {"module", "name"}, {"labeled_statement", "label"},
		},
		declAll:   []string{"formal_parameters"},
		passDecl:  []string{"object_pattern", "array_pattern", "rest_pattern", "nested_identifier"},
		jsxFields: [][2]string{{"jsx_opening_element", "name"}, {"jsx_self_closing_element", "name"}},
		imports:   true,
	})
}

// jsQueries lists the fields (and first named children, "") that the
// JavaScript and TypeScript analysis looks up by node kind; see
// queryTable. Member expressions, nested type identifiers and call
// arguments come from the reference tables.
var jsQueries = map[string][]string{
	"export_statement":      {"source", "declaration", "value"},
	"expression_statement":  {""},
	"ambient_declaration":   {""},
	"export_specifier":      {"name", "alias"},
	"import_specifier":      {"name", "alias"},
	"import_statement":      {"source"},
	"import_require_clause": {"source", ""},
	"namespace_import":      {""},
	"namespace_export":      {""},
	// jsDecl
	"function_declaration":           {"name"},
	"generator_function_declaration": {"name"},
	"function_signature":             {"name"},
	"function_expression":            {"name"},
	"generator_function":             {"name"},
	"arrow_function":                 {"name"},
	"class_declaration":              {"name", "body"},
	"abstract_class_declaration":     {"name", "body"},
	"class":                          {"name", "body"},
	"interface_declaration":          {"name", "body"},
	"type_alias_declaration":         {"name"},
	"enum_declaration":               {"name", "body"},
	"internal_module":                {"name", "body"},
	"module":                         {"name", "body"},
	// jsVariables, jsPatternNames
	"variable_declarator":       {"name", "value"},
	"call_expression":           {"function"},
	"pair_pattern":              {"value"},
	"assignment_pattern":        {"left"},
	"object_assignment_pattern": {"left"},
	// class, interface and enum members
	"method_definition":         {"name"},
	"method_signature":          {"name"},
	"abstract_method_signature": {"name"},
	"public_field_definition":   {"name"},
	"field_definition":          {"property"},
	"property_signature":        {"name"},
	"enum_assignment":           {"name"},
	// jsCommonJS
	"assignment_expression": {"left", "right"},
	"member_expression":     {"object", "property"},
	"pair":                  {"value"},
	// dynamicImport: the arguments of require(...) and import(...)
	"arguments":       {""},
	"template_string": {""},
	"ERROR":           {""},
}

// topJS handles one top-level node of a JavaScript or TypeScript file.
func (a *analyzer) topJS(n nodeID) {
	switch k := a.kind(n); k {
	case "comment", "html_comment", "hash_bang_line":
		a.comment(n)
		return
	case "import_statement":
		a.jsImports(n)
		a.jsHeader(n)
		return
	case "export_statement":
		if a.child(n, "source") != none { // a re-export
			a.jsImports(n)
			a.jsHeader(n)
			return
		}
		a.jsExport(n)
	case "expression_statement":
		inner := a.namedChild0(n)
		switch {
		case a.kind(inner) == "internal_module":
			kind, symbol := a.jsDecl(inner, n, false, "", a.topDoc(true))
			a.addUnit(kind, symbol, n)
		case a.kind(inner) == "string" && len(a.units) == 0: // "use strict"
			a.addHeader(n)
		default:
			if symbol := a.jsCommonJS(n, inner); symbol != "" {
				a.addUnit(ChunkKindDecl, symbol, n)
			} else {
				a.addUnit(ChunkKindLines, "", n)
			}
		}
	case "ambient_declaration":
		kind, symbol := ChunkKindDecl, ""
		if inner := a.namedChild0(n); inner != none {
			kind, symbol = a.jsDecl(inner, n, false, "", a.topDoc(true))
		}
		a.addUnit(kind, symbol, n)
	default:
		kind, symbol := a.jsDecl(n, n, false, "", a.topDoc(true))
		a.addUnit(kind, symbol, n)
	}
	a.refs(n)
}

// jsHeader adds an import or re-export to the header while it is open.
func (a *analyzer) jsHeader(n nodeID) {
	if a.headerOpen || len(a.units) == 0 {
		a.addHeader(n)
	} else {
		a.addUnit(ChunkKindLines, "", n)
	}
}

// jsExport handles an export statement without a source module.
func (a *analyzer) jsExport(n nodeID) {
	if d := a.child(n, "declaration"); d != none {
		kind, symbol := a.jsDecl(d, n, true, "", a.topDoc(true))
		a.addUnit(kind, symbol, n)
		return
	}
	if v := a.child(n, "value"); v != none { // export default <expression>
		switch a.kind(v) {
		case "identifier":
			a.exportName(a.text(v))
		case "class", "function_expression", "arrow_function", "generator_function", "function":
			kind, symbol := a.jsDecl(v, n, true, "", a.topDoc(true))
			a.addUnit(kind, symbol, n)
			return
		}
		a.addUnit(ChunkKindDecl, "", n)
		return
	}
	for _, c := range a.namedChildren(n) {
		if a.kind(c) != "export_clause" {
			continue
		}
		for _, spec := range a.namedChildren(c) {
			if name := a.child(spec, "name"); name != none {
				a.exportName(a.text(name))
			}
		}
	}
	a.addUnit(ChunkKindDecl, "", n)
}

// jsDecl records the symbols of a declaration d (outer is the statement
// that holds it and gives the extent; doc is its doc comment) and returns
// its chunk kind and main symbol.
func (a *analyzer) jsDecl(d, outer nodeID, exported bool, container, doc string) (string, string) {
	// The name is looked up only for the kinds below, which the query
	// table lists.
	named := func() (nodeID, string) {
		nameNode := a.child(d, "name")
		name := a.text(nameNode)
		if name == "" {
			name = "default"
		}
		return nameNode, name
	}
	switch a.kind(d) {
	case "function_declaration", "generator_function_declaration", "function_signature",
		"function_expression", "generator_function", "function", "arrow_function":
		nameNode, name := named()
		a.addNamedSymbol(name, KindFunc, container, outer, nameNode, exported, doc)
		return ChunkKindFunc, name
	case "class_declaration", "abstract_class_declaration", "class":
		nameNode, name := named()
		a.addNamedSymbol(name, KindClass, container, outer, nameNode, exported, doc)
		a.jsClassBody(a.child(d, "body"), join(container, name))
		return ChunkKindClass, name
	case "interface_declaration":
		nameNode, name := named()
		a.addNamedSymbol(name, KindInterface, container, outer, nameNode, exported, doc)
		a.jsInterfaceBody(a.child(d, "body"), join(container, name))
		return ChunkKindType, name
	case "type_alias_declaration":
		nameNode, name := named()
		a.addNamedSymbol(name, KindType, container, outer, nameNode, exported, doc)
		return ChunkKindType, name
	case "enum_declaration":
		nameNode, name := named()
		a.addNamedSymbol(name, KindEnum, container, outer, nameNode, exported, doc)
		a.jsEnumBody(a.child(d, "body"), join(container, name))
		return ChunkKindType, name
	case "internal_module", "module":
		nameNode, name := named()
		kind := KindNamespace
		if a.kind(nameNode) == "string" {
			kind, name = KindModule, jsString(name)
		}
		a.addNamedSymbol(name, kind, container, outer, nameNode, exported, doc)
		a.jsNamespaceBody(a.child(d, "body"), join(container, name))
		return ChunkKindDecl, name
	case "lexical_declaration", "variable_declaration":
		return a.jsVariables(d, outer, exported, container, doc)
	}
	return ChunkKindLines, ""
}

// exportName records name as exported by an export clause or CommonJS.
func (a *analyzer) exportName(name string) {
	if a.exportNames == nil {
		a.exportNames = map[string]bool{}
	}
	a.exportNames[name] = true
}

func join(container, name string) string {
	if container == "" {
		return name
	}
	return container + "." + name
}

// jsVariables records the names a variable declaration binds. A single
// function or class bound to a name gives a func or class chunk.
func (a *analyzer) jsVariables(d, outer nodeID, exported bool, container, doc string) (string, string) {
	kind := KindVar
	if strings.HasPrefix(a.text(d), "const") {
		kind = KindConst
	}
	chunk, first := ChunkKindDecl, ""
	declarators := a.namedChildren(d)
	for i := range declarators {
		v := declarators[i]
		if a.kind(v) != "variable_declarator" {
			continue
		}
		value := a.child(v, "value")
		nameNode := a.child(v, "name")
		if a.kind(nameNode) != "identifier" { // a destructuring pattern
			for _, id := range a.jsPatternNames(nameNode) {
				a.addSymbol(kind, container, outer, id, exported, doc)
				if first == "" {
					first = a.text(id)
				}
			}
			continue
		}
		name := a.text(nameNode)
		if first == "" {
			first = name
		}
		switch vk := a.kind(value); vk {
		case "arrow_function", "function_expression", "function", "generator_function":
			a.addSymbol(KindFunc, container, outer, nameNode, exported, doc)
			if len(declarators) == 1 {
				chunk = ChunkKindFunc
			}
		case "class":
			a.addSymbol(KindClass, container, outer, nameNode, exported, doc)
			a.jsClassBody(a.child(value, "body"), join(container, name))
			if len(declarators) == 1 {
				chunk = ChunkKindClass
			}
		case "call_expression":
			if f := a.child(value, "function"); a.kind(f) == "identifier" && a.text(f) == "require" {
				if a.requireAlias == nil {
					a.requireAlias = map[uint]string{}
				}
				a.requireAlias[a.startByte(value)] = name
			}
			a.addSymbol(kind, container, outer, nameNode, exported, doc)
		default:
			a.addSymbol(kind, container, outer, nameNode, exported, doc)
		}
	}
	return chunk, first
}

// jsPatternNames returns the identifiers a destructuring pattern binds.
func (a *analyzer) jsPatternNames(p nodeID) []nodeID {
	switch a.kind(p) {
	case "identifier", "shorthand_property_identifier_pattern":
		return []nodeID{p}
	case "pair_pattern":
		return a.jsPatternNames(a.child(p, "value"))
	case "assignment_pattern", "object_assignment_pattern":
		return a.jsPatternNames(a.child(p, "left"))
	case "object_pattern", "array_pattern", "rest_pattern":
		var out []nodeID
		for _, c := range a.namedChildren(p) {
			out = append(out, a.jsPatternNames(c)...)
		}
		return out
	}
	return nil
}
