package syntax

import (
	"strings"

	ts "github.com/tree-sitter/go-tree-sitter"
)

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

// topJS handles one top-level node of a JavaScript or TypeScript file.
func (a *analyzer) topJS(n *ts.Node) {
	switch k := a.kind(n); k {
	case "comment", "html_comment", "hash_bang_line":
		a.comment(n)
		return
	case "import_statement":
		a.jsImports(n)
		a.jsHeader(n)
		return
	case "export_statement":
		if a.child(n, "source") != nil { // a re-export
			a.jsImports(n)
			a.jsHeader(n)
			return
		}
		a.jsExport(n)
	case "expression_statement":
		inner := n.NamedChild(0)
		switch {
		case a.kind(inner) == "internal_module":
			kind, symbol := a.jsDecl(inner, n, false, "", a.docAbove(n, true))
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
		if inner := n.NamedChild(0); inner != nil {
			kind, symbol = a.jsDecl(inner, n, false, "", a.docAbove(n, true))
		}
		a.addUnit(kind, symbol, n)
	default:
		kind, symbol := a.jsDecl(n, n, false, "", a.docAbove(n, true))
		a.addUnit(kind, symbol, n)
	}
	a.refs(n)
}

// jsHeader adds an import or re-export to the header while it is open.
func (a *analyzer) jsHeader(n *ts.Node) {
	if a.headerOpen || len(a.units) == 0 {
		a.addHeader(n)
	} else {
		a.addUnit(ChunkKindLines, "", n)
	}
}

// jsExport handles an export statement without a source module.
func (a *analyzer) jsExport(n *ts.Node) {
	if d := a.child(n, "declaration"); d != nil {
		kind, symbol := a.jsDecl(d, n, true, "", a.docAbove(n, true))
		a.addUnit(kind, symbol, n)
		return
	}
	if v := a.child(n, "value"); v != nil { // export default <expression>
		switch a.kind(v) {
		case "identifier":
			a.exportNames[a.text(v)] = true
		case "class", "function_expression", "arrow_function", "generator_function", "function":
			kind, symbol := a.jsDecl(v, n, true, "", a.docAbove(n, true))
			a.addUnit(kind, symbol, n)
			return
		}
		a.addUnit(ChunkKindDecl, "", n)
		return
	}
	for _, c := range a.namedChildren(n) {
		if a.kind(&c) != "export_clause" {
			continue
		}
		for _, spec := range a.namedChildren(&c) {
			if name := a.child(&spec, "name"); name != nil {
				a.exportNames[a.text(name)] = true
			}
		}
	}
	a.addUnit(ChunkKindDecl, "", n)
}

// jsDecl records the symbols of a declaration d (outer is the statement
// that holds it and gives the extent; doc is its doc comment) and returns
// its chunk kind and main symbol.
func (a *analyzer) jsDecl(d, outer *ts.Node, exported bool, container, doc string) (string, string) {
	nameNode := a.child(d, "name")
	name := a.text(nameNode)
	if name == "" {
		name = "default"
	}
	switch a.kind(d) {
	case "function_declaration", "generator_function_declaration", "function_signature",
		"function_expression", "generator_function", "function", "arrow_function":
		a.addNamedSymbol(name, KindFunc, container, outer, nameNode, exported, doc)
		return ChunkKindFunc, name
	case "class_declaration", "abstract_class_declaration", "class":
		a.addNamedSymbol(name, KindClass, container, outer, nameNode, exported, doc)
		a.jsClassBody(a.child(d, "body"), join(container, name))
		return ChunkKindClass, name
	case "interface_declaration":
		a.addNamedSymbol(name, KindInterface, container, outer, nameNode, exported, doc)
		a.jsInterfaceBody(a.child(d, "body"), join(container, name))
		return ChunkKindType, name
	case "type_alias_declaration":
		a.addNamedSymbol(name, KindType, container, outer, nameNode, exported, doc)
		return ChunkKindType, name
	case "enum_declaration":
		a.addNamedSymbol(name, KindEnum, container, outer, nameNode, exported, doc)
		a.jsEnumBody(a.child(d, "body"), join(container, name))
		return ChunkKindType, name
	case "internal_module", "module":
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

func join(container, name string) string {
	if container == "" {
		return name
	}
	return container + "." + name
}

// jsVariables records the names a variable declaration binds. A single
// function or class bound to a name gives a func or class chunk.
func (a *analyzer) jsVariables(d, outer *ts.Node, exported bool, container, doc string) (string, string) {
	kind := KindVar
	if strings.HasPrefix(a.text(d), "const") {
		kind = KindConst
	}
	chunk, first := ChunkKindDecl, ""
	declarators := a.namedChildren(d)
	for i := range declarators {
		v := &declarators[i]
		if a.kind(v) != "variable_declarator" {
			continue
		}
		value := a.child(v, "value")
		nameNode := a.child(v, "name")
		if a.kind(nameNode) != "identifier" { // a destructuring pattern
			for _, id := range a.jsPatternNames(nameNode) {
				a.addSymbol(kind, container, outer, &id, exported, doc)
				if first == "" {
					first = a.text(&id)
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
				a.requireAlias[value.StartByte()] = name
			}
			a.addSymbol(kind, container, outer, nameNode, exported, doc)
		default:
			a.addSymbol(kind, container, outer, nameNode, exported, doc)
		}
	}
	return chunk, first
}

// jsPatternNames returns the identifiers a destructuring pattern binds.
func (a *analyzer) jsPatternNames(p *ts.Node) []ts.Node {
	switch a.kind(p) {
	case "identifier", "shorthand_property_identifier_pattern":
		return []ts.Node{*p}
	case "pair_pattern":
		return a.jsPatternNames(a.child(p, "value"))
	case "assignment_pattern", "object_assignment_pattern":
		return a.jsPatternNames(a.child(p, "left"))
	case "object_pattern", "array_pattern", "rest_pattern":
		var out []ts.Node
		for _, c := range a.namedChildren(p) {
			out = append(out, a.jsPatternNames(&c)...)
		}
		return out
	}
	return nil
}
