// The analysis as of commit a7334fb, before the flat tree: it walks the
// live tree-sitter tree with go-tree-sitter cursors and cgo calls per node.
// TestFlatTreeMatchesLegacy checks that Parse gives exactly its results.
// Copied mechanically: analyzer, unit and member renamed with a legacy
// prefix; the free functions both versions share are not repeated. Keep
// it unchanged.

package syntax

import (
	"cmp"
	"context"
	"slices"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	ts "github.com/tree-sitter/go-tree-sitter"
)

// analyzer holds the state of one Parse over one syntax tree.
type legacyAnalyzer struct {
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

	units      []legacyUnit
	pending    []ts.Node // top-level comments not yet given to a unit
	headerOpen bool      // the last unit is a header that may still grow
	symMark    int       // len(f.Symbols) when the last unit was added

	// JavaScript and TypeScript.
	requireAlias map[uint]string // require("m") call start -> bound name
	exportNames  map[string]bool // names exported by export clauses or module.exports
	members      []legacyMember  // class, interface and enum members, for Exported
}

// member is a JavaScript/TypeScript member symbol whose Exported flag
// depends on its container's, which export clauses can set later.
type legacyMember struct {
	index   int // in f.Symbols
	private bool
}

func (a *legacyAnalyzer) text(n *ts.Node) string {
	if n == nil {
		return ""
	}
	return string(a.src[n.StartByte():n.EndByte()])
}

func (a *legacyAnalyzer) pt(off uint) Point { return a.li.point(int(off)) }

func (a *legacyAnalyzer) kind(n *ts.Node) string {
	if n == nil {
		return ""
	}
	id := n.KindId()
	if int(id) < len(a.g.kinds) {
		return a.g.kinds[id]
	}
	return ""
}

// child returns n's child in field, or nil.
func (a *legacyAnalyzer) child(n *ts.Node, field string) *ts.Node {
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
func (a *legacyAnalyzer) children(n *ts.Node) []ts.Node {
	if n == nil || n.ChildCount() == 0 {
		return nil
	}
	return n.Children(a.lc)
}

// namedChildren lists n's named children.
func (a *legacyAnalyzer) namedChildren(n *ts.Node) []ts.Node {
	if n == nil || n.NamedChildCount() == 0 {
		return nil
	}
	return n.NamedChildren(a.lc)
}

// addSymbol records a symbol declared by decl with its name in nameNode,
// and returns its index in f.Symbols.
func (a *legacyAnalyzer) addSymbol(kind, container string, decl, nameNode *ts.Node, exported bool, doc string) int {
	return a.addNamedSymbol(a.text(nameNode), kind, container, decl, nameNode, exported, doc)
}

// addNamedSymbol is addSymbol with a name that is not nameNode's text.
func (a *legacyAnalyzer) addNamedSymbol(name, kind, container string, decl, nameNode *ts.Node, exported bool, doc string) int {
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
func (a *legacyAnalyzer) isComment(n *ts.Node) bool {
	return a.kind(n) == "comment"
}

// run analyses the tree under root into a.f.
func (a *legacyAnalyzer) run(root *ts.Node) error {
	if root.HasError() {
		a.f.Errors = a.countErrors(root)
	}
	top := a.topGo
	switch a.g.lang {
	case LangPython:
		top = a.topPython
	case LangJavaScript, LangTypeScript, LangTSX:
		top = a.topJS
	}
	a.top = a.topLevel(root)
	for a.topIdx = range a.top {
		if err := a.ctx.Err(); err != nil {
			return err
		}
		top(&a.top[a.topIdx])
	}
	a.topIdx = len(a.top)
	a.finishUnits()
	a.finishExports()
	byStart := func(p, q Point) int { return cmp.Compare(p.Byte, q.Byte) }
	if !slices.IsSortedFunc(a.f.Refs, func(p, q Ref) int { return byStart(p.Start, q.Start) }) {
		slices.SortStableFunc(a.f.Refs, func(p, q Ref) int { return byStart(p.Start, q.Start) })
	}
	slices.SortStableFunc(a.f.Imports, func(p, q Import) int { return byStart(p.Start, q.Start) })
	slices.SortStableFunc(a.f.Symbols, func(p, q Symbol) int { return byStart(p.Start, q.Start) })
	a.f.Chunks = a.chunks()
	return nil
}

// topLevel returns the root's children, with every ERROR node among them
// replaced by its named children (recursively): declarations that
// tree-sitter could not fit into the tree are still found. The error's
// other bytes fall into lines chunks.
func (a *legacyAnalyzer) topLevel(root *ts.Node) []ts.Node {
	children := a.children(root)
	if !root.HasError() {
		return children
	}
	var out []ts.Node
	for _, c := range children {
		if c.IsError() {
			out = append(out, a.topLevel(&c)...)
			continue
		}
		if c.IsNamed() {
			out = append(out, c)
		}
	}
	return out
}

// countErrors counts the ERROR and MISSING nodes under n, skipping
// subtrees without errors.
func (a *legacyAnalyzer) countErrors(n *ts.Node) int {
	a.wc.Reset(*n)
	return a.countErrorsAt()
}

func (a *legacyAnalyzer) countErrorsAt() int {
	n := a.wc.Node()
	count := 0
	if n.IsError() || n.IsMissing() {
		count++
	}
	if !n.HasError() || !a.wc.GotoFirstChild() {
		return count
	}
	for {
		count += a.countErrorsAt()
		if !a.wc.GotoNextSibling() {
			break
		}
	}
	a.wc.GotoParent()
	return count
}

// topGo handles one top-level node of a Go file.
func (a *legacyAnalyzer) topGo(n *ts.Node) {
	switch a.kind(n) {
	case "comment":
		a.comment(n)
		return
	case "package_clause":
		if id := n.NamedChild(0); id != nil {
			a.f.Package = a.text(id)
		}
		a.f.Doc = a.docAbove(n, false)
		a.addHeader(n)
		return
	case "import_declaration":
		a.goImports(n)
		a.addHeader(n)
		return
	case "function_declaration":
		name := a.child(n, "name")
		a.addSymbol(KindFunc, "", n, name, goExported(a.text(name)), a.docAbove(n, false))
		a.addUnit(ChunkKindFunc, a.text(name), n)
	case "method_declaration":
		name := a.child(n, "name")
		recv := a.goReceiver(n)
		a.addSymbol(KindMethod, recv, n, name, goExported(a.text(name)), a.docAbove(n, false))
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

// goReceiver returns the receiver type name of a method, without pointer
// and type parameters.
func (a *legacyAnalyzer) goReceiver(n *ts.Node) string {
	recv := a.child(n, "receiver")
	if recv == nil {
		return ""
	}
	for _, p := range a.namedChildren(recv) {
		if a.kind(&p) == "parameter_declaration" {
			return a.goTypeName(a.child(&p, "type"))
		}
	}
	return ""
}

// goTypeName returns the base name of a type expression: T for T, *T,
// T[P], pkg.T and (T); "" for other types.
func (a *legacyAnalyzer) goTypeName(t *ts.Node) string {
	return a.text(a.goTypeNameNode(t))
}

// goSpecs records the symbols of a type, const or var declaration and its
// unit.
func (a *legacyAnalyzer) goSpecs(decl *ts.Node, chunkKind string) {
	groupDoc := a.docAbove(decl, false)
	var specs []ts.Node
	for _, c := range a.namedChildren(decl) {
		if k := a.kind(&c); k == "var_spec_list" {
			specs = append(specs, a.namedChildren(&c)...)
		} else {
			specs = append(specs, c)
		}
	}
	single := len(specs) == 1
	var names []string
	for i := range specs {
		spec := &specs[i]
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
			a.addSymbol(kind, "", whole, &name, goExported(a.text(&name)), doc)
			names = append(names, a.text(&name))
		}
	}
	symbol := ""
	if len(names) > 0 {
		symbol = names[0]
	}
	a.addUnit(chunkKind, symbol, decl)
}

// fieldChildren lists n's named children in field.
func (a *legacyAnalyzer) fieldChildren(n *ts.Node, field string) []ts.Node {
	if _, ok := a.g.fields[field]; !ok {
		return nil
	}
	var out []ts.Node
	for _, c := range n.ChildrenByFieldName(field, a.lc) {
		if c.IsNamed() {
			out = append(out, c)
		}
	}
	return out
}

// goTypeSpec records a type and its fields or interface methods, and
// returns its name.
func (a *legacyAnalyzer) goTypeSpec(spec, whole *ts.Node, doc string, alias bool) string {
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
			if a.kind(&list) == "field_declaration_list" {
				a.goFields(&list, name)
			}
		}
	case KindInterface:
		elems := a.namedChildren(typ)
		for i := range elems {
			if m := &elems[i]; a.kind(m) == "method_elem" {
				mname := a.child(m, "name")
				a.addSymbol(KindMethod, name, m, mname, goExported(a.text(mname)), a.docAt(elems, i, false))
			}
		}
	}
	return name
}

// goFields records the fields of a struct; an embedded field is named
// after its type.
func (a *legacyAnalyzer) goFields(list *ts.Node, container string) {
	decls := a.namedChildren(list)
	for i := range decls {
		fd := &decls[i]
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
			a.addSymbol(KindField, container, fd, &name, goExported(a.text(&name)), doc)
		}
	}
}

// goTypeNameNode returns the name node of a type expression (see
// goTypeName), or nil.
func (a *legacyAnalyzer) goTypeNameNode(t *ts.Node) *ts.Node {
	for t != nil {
		switch a.kind(t) {
		case "type_identifier":
			return t
		case "qualified_type":
			return a.child(t, "name")
		case "generic_type":
			t = a.child(t, "type")
		case "pointer_type", "parenthesized_type":
			t = t.NamedChild(0)
		default:
			return nil
		}
	}
	return nil
}

// goImports records the imports of an import declaration.
func (a *legacyAnalyzer) goImports(decl *ts.Node) {
	var specs []ts.Node
	for _, c := range a.namedChildren(decl) {
		switch a.kind(&c) {
		case "import_spec":
			specs = append(specs, c)
		case "import_spec_list":
			for _, s := range a.namedChildren(&c) {
				if a.kind(&s) == "import_spec" {
					specs = append(specs, s)
				}
			}
		}
	}
	for i := range specs {
		spec := &specs[i]
		lit := a.text(a.child(spec, "path"))
		path, err := strconv.Unquote(lit)
		if err != nil {
			path = jsString(lit)
		}
		a.f.Imports = append(a.f.Imports, Import{
			Path:  path,
			Alias: a.text(a.child(spec, "name")),
			Start: a.pt(spec.StartByte()),
		})
	}
}

// topPython handles one top-level node of a Python file.
func (a *legacyAnalyzer) topPython(n *ts.Node) {
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
		if s := a.pyDocstringOf(n); s != nil && len(a.units) == 0 {
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

// pyFunc records a function (a method inside a class) and returns its name.
// decl is the definition or its decorated_definition.
func (a *legacyAnalyzer) pyFunc(def, decl *ts.Node, container string) string {
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
func (a *legacyAnalyzer) pyClass(def, decl *ts.Node, container string) string {
	nameNode := a.child(def, "name")
	name := a.text(nameNode)
	a.addSymbol(KindClass, container, decl, nameNode, pyExported(name), a.pyDoc(def))
	inner := name
	if container != "" {
		inner = container + "." + name
	}
	for _, st := range a.namedChildren(a.child(def, "body")) {
		d := &st
		if a.kind(d) == "decorated_definition" {
			d = a.child(d, "definition")
		}
		switch a.kind(d) {
		case "function_definition":
			a.pyFunc(d, &st, inner)
		case "class_definition":
			a.pyClass(d, &st, inner)
		case "expression_statement":
			a.pyAssignment(d, inner, KindField)
		}
	}
	return name
}

// pyDoc returns the docstring of a function or class definition.
func (a *legacyAnalyzer) pyDoc(def *ts.Node) string {
	for _, st := range a.namedChildren(a.child(def, "body")) {
		if a.isComment(&st) {
			continue
		}
		if s := a.pyDocstringOf(&st); s != nil {
			return pythonDocstring(a.text(s))
		}
		return ""
	}
	return ""
}

// pyDocstringOf returns the string literal of an expression statement
// that is only a string, or nil.
func (a *legacyAnalyzer) pyDocstringOf(st *ts.Node) *ts.Node {
	if a.kind(st) != "expression_statement" || st.NamedChildCount() != 1 {
		return nil
	}
	s := st.NamedChild(0)
	if a.kind(s) != "string" {
		return nil
	}
	return s
}

// pyAssignment records the names an assignment statement binds (a = b = 1
// and a, b = ... bind several) as symbols of kind and returns them.
func (a *legacyAnalyzer) pyAssignment(st *ts.Node, container, kind string) []string {
	if st.NamedChildCount() != 1 {
		return nil
	}
	var names []string
	for as := st.NamedChild(0); a.kind(as) == "assignment"; as = a.child(as, "right") {
		for _, id := range a.pyTargets(a.child(as, "left")) {
			name := a.text(&id)
			a.addSymbol(kind, container, st, &id, pyExported(name), "")
			names = append(names, name)
		}
	}
	return names
}

// pyTargets returns the identifiers an assignment target binds.
func (a *legacyAnalyzer) pyTargets(t *ts.Node) []ts.Node {
	switch a.kind(t) {
	case "identifier":
		return []ts.Node{*t}
	case "pattern_list", "tuple_pattern", "list_pattern", "list_splat_pattern":
		var out []ts.Node
		for _, c := range a.namedChildren(t) {
			out = append(out, a.pyTargets(&c)...)
		}
		return out
	}
	return nil
}

// pyImports records the imports of an import statement: one Import per
// imported module or name.
func (a *legacyAnalyzer) pyImports(n *ts.Node) {
	module := ""
	isFrom := a.kind(n) != "import_statement"
	if isFrom {
		module = a.text(a.child(n, "module_name"))
		if a.kind(n) == "future_import_statement" {
			module = "__future__"
		}
	}
	for _, c := range a.namedChildren(n) {
		if m := a.child(n, "module_name"); m != nil && m.Id() == c.Id() {
			continue
		}
		imp := Import{Start: a.pt(c.StartByte())}
		switch a.kind(&c) {
		case "dotted_name":
			imp.Path = a.text(&c)
		case "aliased_import":
			imp.Path = a.text(a.child(&c, "name"))
			imp.Alias = a.text(a.child(&c, "alias"))
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

// topJS handles one top-level node of a JavaScript or TypeScript file.
func (a *legacyAnalyzer) topJS(n *ts.Node) {
	switch k := a.kind(n); k {
	case "comment", "html_comment", "hash_bang_line":
		a.comment(n)
		return
	case "import_statement":
		a.jsImports(n)
		a.jsHeader(n)
		return
	case "export_statement":
		if a.child(n, "source") != nil {
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
		case a.kind(inner) == "string" && len(a.units) == 0:
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
func (a *legacyAnalyzer) jsHeader(n *ts.Node) {
	if a.headerOpen || len(a.units) == 0 {
		a.addHeader(n)
	} else {
		a.addUnit(ChunkKindLines, "", n)
	}
}

// jsExport handles an export statement without a source module.
func (a *legacyAnalyzer) jsExport(n *ts.Node) {
	if d := a.child(n, "declaration"); d != nil {
		kind, symbol := a.jsDecl(d, n, true, "", a.docAbove(n, true))
		a.addUnit(kind, symbol, n)
		return
	}
	if v := a.child(n, "value"); v != nil {
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
func (a *legacyAnalyzer) jsDecl(d, outer *ts.Node, exported bool, container, doc string) (string, string) {
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

// jsVariables records the names a variable declaration binds. A single
// function or class bound to a name gives a func or class chunk.
func (a *legacyAnalyzer) jsVariables(d, outer *ts.Node, exported bool, container, doc string) (string, string) {
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
		if a.kind(nameNode) != "identifier" {
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
func (a *legacyAnalyzer) jsPatternNames(p *ts.Node) []ts.Node {
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

// jsClassBody records the methods and fields of a class.
func (a *legacyAnalyzer) jsClassBody(body *ts.Node, container string) {
	members := a.namedChildren(body)
	for i := range members {
		m := &members[i]
		var kind string
		var nameNode *ts.Node
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
		if nameNode == nil {
			continue
		}
		private := a.kind(nameNode) == "private_property_identifier"
		for _, c := range a.namedChildren(m) {
			if a.kind(&c) == "accessibility_modifier" {
				if t := a.text(&c); t == "private" || t == "protected" {
					private = true
				}
			}
		}
		s := a.addSymbol(kind, container, m, nameNode, false, a.docAt(members, i, true))
		a.members = append(a.members, legacyMember{index: s, private: private})
	}
}

// jsInterfaceBody records the properties and methods of an interface.
func (a *legacyAnalyzer) jsInterfaceBody(body *ts.Node, container string) {
	members := a.namedChildren(body)
	for i := range members {
		m := &members[i]
		kind := ""
		switch a.kind(m) {
		case "property_signature":
			kind = KindField
		case "method_signature":
			kind = KindMethod
		default:
			continue
		}
		if name := a.child(m, "name"); name != nil {
			s := a.addSymbol(kind, container, m, name, false, a.docAt(members, i, true))
			a.members = append(a.members, legacyMember{index: s})
		}
	}
}

// jsEnumBody records the members of an enum.
func (a *legacyAnalyzer) jsEnumBody(body *ts.Node, container string) {
	members := a.namedChildren(body)
	for i := range members {
		m := &members[i]
		name := m
		switch a.kind(m) {
		case "property_identifier", "string":
		case "enum_assignment":
			name = a.child(m, "name")
		default:
			continue
		}
		if name != nil {
			s := a.addSymbol(KindField, container, m, name, false, a.docAt(members, i, true))
			a.members = append(a.members, legacyMember{index: s})
		}
	}
}

// jsNamespaceBody records the declarations of a namespace or module block.
func (a *legacyAnalyzer) jsNamespaceBody(body *ts.Node, container string) {
	statements := a.namedChildren(body)
	for i := range statements {
		st := &statements[i]
		doc := a.docAt(statements, i, true)
		switch a.kind(st) {
		case "export_statement":
			if d := a.child(st, "declaration"); d != nil {
				a.jsDecl(d, st, true, container, doc)
			}
		case "expression_statement":
			if inner := st.NamedChild(0); a.kind(inner) == "internal_module" {
				a.jsDecl(inner, st, false, container, doc)
			}
		case "ambient_declaration":
			if inner := st.NamedChild(0); inner != nil {
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
func (a *legacyAnalyzer) jsCommonJS(stmt, expr *ts.Node) string {
	if a.kind(expr) != "assignment_expression" {
		return ""
	}
	left, right := a.child(expr, "left"), a.child(expr, "right")
	if a.kind(left) != "member_expression" || right == nil {
		return ""
	}
	obj, prop := a.text(a.child(left, "object")), a.child(left, "property")
	switch {
	case obj == "module" && a.text(prop) == "exports":
		switch a.kind(right) {
		case "identifier":
			a.exportNames[a.text(right)] = true
		case "object":
			for _, p := range a.namedChildren(right) {
				switch a.kind(&p) {
				case "shorthand_property_identifier":
					a.exportNames[a.text(&p)] = true
				case "pair":
					if v := a.child(&p, "value"); a.kind(v) == "identifier" {
						a.exportNames[a.text(v)] = true
					}
				}
			}
		}
		return ""
	case obj == "exports" || obj == "module.exports":
		kind := KindVar
		switch a.kind(right) {
		case "identifier":
			a.exportNames[a.text(right)] = true
		case "function_expression", "arrow_function", "function", "generator_function":
			kind = KindFunc
		case "class":
			kind = KindClass
		}
		a.addSymbol(kind, "", stmt, prop, true, a.docAbove(stmt, true))
		return a.text(prop)
	}
	return ""
}

// finishExports applies export clauses and CommonJS exports to top-level
// symbols, then sets the Exported flag of members: a member of an exported
// container that is not private.
func (a *legacyAnalyzer) finishExports() {
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
func (a *legacyAnalyzer) jsImports(n *ts.Node) {
	path := jsString(a.text(a.child(n, "source")))
	add := func(at *ts.Node, name, alias string) {
		a.f.Imports = append(a.f.Imports, Import{Path: path, Name: name, Alias: alias, Start: a.pt(at.StartByte())})
	}
	before := len(a.f.Imports)
	for _, c := range a.namedChildren(n) {
		switch a.kind(&c) {
		case "import_clause":
			for _, part := range a.namedChildren(&c) {
				switch a.kind(&part) {
				case "identifier":
					add(&part, "default", a.text(&part))
				case "namespace_import":
					add(&part, "*", a.text(part.NamedChild(0)))
				case "named_imports":
					for _, spec := range a.namedChildren(&part) {
						if a.kind(&spec) == "import_specifier" {
							add(&spec, a.text(a.child(&spec, "name")), a.text(a.child(&spec, "alias")))
						}
					}
				}
			}
		case "import_require_clause":
			path = jsString(a.text(a.child(&c, "source")))
			add(&c, "", a.text(c.NamedChild(0)))
		case "export_clause":
			for _, spec := range a.namedChildren(&c) {
				if a.kind(&spec) == "export_specifier" {
					add(&spec, a.text(a.child(&spec, "name")), a.text(a.child(&spec, "alias")))
				}
			}
		case "namespace_export":
			add(&c, "*", a.text(c.NamedChild(0)))
		}
	}
	if len(a.f.Imports) == before && path != "" {
		name := ""
		if a.kind(n) == "export_statement" {
			name = "*"
		}
		add(n, name, "")
	}
}

// refs reports the references in the subtree of n.
func (a *legacyAnalyzer) refs(n *ts.Node) {
	a.wc.Reset(*n)
	a.walk(ctxUse)
}

// walk reports the references in the subtree at the cursor.
func (a *legacyAnalyzer) walk(ctx uint8) {
	t := &a.g.refs
	n := a.wc.Node()
	var k uint16 // ERROR nodes keep 0: no role, walk their children
	if id := n.KindId(); int(id) < len(t.role) {
		if a.g.kinds[id] == "" {
			return
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
	if !a.wc.GotoFirstChild() {
		return
	}
	pass := (ctx == ctxDecl && t.passDecl[k]) || t.declAll[k]
	for {
		child := ctxUse
		if pass {
			child = ctxDecl
		}
		callee := false
		if t.hasFields[k] {
			fid := a.wc.FieldId()
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
			a.callee(n, k)
		} else {
			a.walk(child)
		}
		if !a.wc.GotoNextSibling() {
			break
		}
	}
	a.wc.GotoParent()
}

// callee reports the callee of call (at the cursor) as a RefCall.
func (a *legacyAnalyzer) callee(call *ts.Node, callKind uint16) {
	t := &a.g.refs
	n := a.wc.Node()
	k := n.KindId()
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
		a.walk(ctxUse)
	}
}

// ident reports n as a reference of kind and returns its name ("" when it
// is not reported).
func (a *legacyAnalyzer) ident(n *ts.Node, kind string, ctx uint8) string {
	start, end := n.StartByte(), n.EndByte()
	name := string(a.src[start:end])
	if name == "" || a.g.refs.ignore[name] {
		return ""
	}
	if ctx == ctxJSX {
		if r, _ := utf8.DecodeRuneInString(name); unicode.IsLower(r) {
			return ""
		}
	}
	a.f.Refs = append(a.f.Refs, Ref{Name: name, Kind: kind, Start: a.pt(start)})
	return name
}

// selector walks the operand of operand.name (n, at the cursor), then
// reports name as a ref of kind.
func (a *legacyAnalyzer) selector(n *ts.Node, k uint16, kind string) {
	t := &a.g.refs
	op, member := t.operand[k], t.member[k]

	if a.wc.GotoFirstChild() {
		for {
			if a.wc.FieldId() == op {
				a.walk(ctxUse)
			}
			if !a.wc.GotoNextSibling() {
				break
			}
		}
		a.wc.GotoParent()
	}
	if name := n.ChildByFieldId(member); name != nil {
		start, end := name.StartByte(), name.EndByte()
		a.f.Refs = append(a.f.Refs, Ref{
			Name:      string(a.src[start:end]),
			Kind:      kind,
			Start:     a.pt(start),
			Qualifier: a.qualifier(n.ChildByFieldId(op)),
		})
	}
}

// qualified reports a qualified type name pkg.Name.
func (a *legacyAnalyzer) qualified(n *ts.Node, k uint16, kind string) {
	t := &a.g.refs
	name := n.ChildByFieldId(t.member[k])
	if name == nil {
		return
	}
	start, end := name.StartByte(), name.EndByte()
	a.f.Refs = append(a.f.Refs, Ref{
		Name:      string(a.src[start:end]),
		Kind:      kind,
		Start:     a.pt(start),
		Qualifier: a.qualifier(n.ChildByFieldId(t.operand[k])),
	})
}

// qualifier returns the text of a selector's operand when it is a chain of
// plain names (a, a.b, this.x), and "" otherwise.
func (a *legacyAnalyzer) qualifier(op *ts.Node) string {
	if op == nil {
		return ""
	}
	start, end := op.StartByte(), op.EndByte()
	if end-start > maxQualifier {
		return ""
	}
	s := a.src[start:end]
	if !isNameChain(s) {
		return ""
	}
	return string(s)
}

// dynamicImport records require("m") and import("m") as imports.
func (a *legacyAnalyzer) dynamicImport(call *ts.Node, callKind uint16) {
	args := call.ChildByFieldId(a.g.refs.args[callKind])
	if args == nil || args.NamedChildCount() == 0 {
		return
	}
	arg := args.NamedChild(0)
	if a.kind(arg) != "string" {
		return
	}
	start := call.StartByte()
	a.f.Imports = append(a.f.Imports, Import{
		Path:  jsString(a.text(arg)),
		Alias: a.requireAlias[start],
		Start: a.pt(start),
	})
}

// docAbove returns the doc comment of the top-level node n (see docAt).
func (a *legacyAnalyzer) docAbove(n *ts.Node, jsdoc bool) string {
	if a.topIdx < len(a.top) && a.top[a.topIdx].Id() == n.Id() {
		return a.docAt(a.top, a.topIdx, jsdoc)
	}
	// Not reached by the language handlers, which pass sibling lists to
	// docAt: PrevSibling costs time linear in the number of siblings.
	var prev []ts.Node
	for p := n.PrevSibling(); p != nil && a.isComment(p); p = p.PrevSibling() {
		prev = append([]ts.Node{*p}, prev...)
	}
	return a.docAt(append(prev, *n), len(prev), jsdoc)
}

// docAt returns the comments directly above siblings[i] (no blank line
// between them and it, each starting its own line) with their markers
// stripped. With jsdoc set, only the nearest comment counts and only if it
// is a /** */ comment.
func (a *legacyAnalyzer) docAt(siblings []ts.Node, i int, jsdoc bool) string {
	var group []string
	next := siblings[i].StartByte()
	for j := i - 1; j >= 0; j-- {
		p := &siblings[j]
		if !a.isComment(p) || !a.adjacent(p.EndByte(), next) || !a.startsLine(p.StartByte()) {
			break
		}
		text := a.text(p)
		if jsdoc {
			if strings.HasPrefix(text, "/**") && text != "/**/" {
				return cleanComments([]string{text})
			}
			return ""
		}
		group = append(group, text)
		next = p.StartByte()
	}
	for i, j := 0, len(group)-1; i < j; i, j = i+1, j-1 {
		group[i], group[j] = group[j], group[i]
	}
	return cleanComments(group)
}

// adjacent reports whether only blanks with at most one line break lie
// between end and next.
func (a *legacyAnalyzer) adjacent(end, next uint) bool {
	if end > next {
		return false
	}
	newlines := 0
	for _, b := range a.src[end:next] {
		switch b {
		case '\n':
			newlines++
		case ' ', '\t', '\r', '\f', '\v':
		default:
			return false
		}
	}
	return newlines <= 1
}

// startsLine reports whether only blanks precede off on its line.
func (a *legacyAnalyzer) startsLine(off uint) bool {
	return isBlank(a.src[a.li.lineStart(int(off)):off])
}

// importNode records the imports of an import statement met anywhere in
// the tree.
func (a *legacyAnalyzer) importNode(n *ts.Node) {
	switch a.g.lang {
	case LangGo:
		a.goImports(n)
	case LangPython:
		a.pyImports(n)
	default:
		a.jsImports(n)
	}
}

// unit is a top-level piece of a file that becomes one chunk, or several
// when it is too large: a declaration with the comments above it, or the
// header.
type legacyUnit struct {
	kind    string
	symbol  string
	symbols []string
	start   int
	end     int
	nodes   []ts.Node // the syntax nodes inside, for splitting
}

func (u *legacyUnit) size() int { return u.end - u.start }

// comment handles a top-level comment: a comment that starts on the line
// where the previous unit ends trails it; any other comment waits for the
// next unit.
func (a *legacyAnalyzer) comment(n *ts.Node) {
	if len(a.pending) == 0 && len(a.units) > 0 {
		last := &a.units[len(a.units)-1]
		if a.li.lineOf(last.end) == a.li.lineOf(int(n.StartByte())) {
			last.end = int(n.EndByte())
			last.nodes = append(last.nodes, *n)
			return
		}
	}
	a.pending = append(a.pending, *n)
}

// addUnit starts a unit for the top-level node n; the waiting comments
// join it. symbol may be "". The unit lists the top-level symbols
// recorded since the previous unit, or else symbol.
func (a *legacyAnalyzer) addUnit(kind, symbol string, n *ts.Node) {
	u := legacyUnit{kind: kind, symbol: symbol, start: int(n.StartByte()), end: int(n.EndByte())}
	for _, s := range a.f.Symbols[a.symMark:] {
		if s.Container == "" {
			u.symbols = append(u.symbols, s.Name)
		}
	}
	a.symMark = len(a.f.Symbols)
	if len(u.symbols) == 0 && symbol != "" {
		u.symbols = []string{symbol}
	}
	if len(a.pending) > 0 {
		u.start = int(a.pending[0].StartByte())
		u.nodes = append(u.nodes, a.pending...)
		a.pending = a.pending[:0]
	}
	u.nodes = append(u.nodes, *n)
	a.units = append(a.units, u)
	a.headerOpen = false
}

// addHeader adds n (package clause, import, module docstring) to the header
// unit, which grows while nothing else comes between.
func (a *legacyAnalyzer) addHeader(n *ts.Node) {
	if !a.headerOpen {
		a.addUnit(ChunkKindHeader, "", n)
		a.headerOpen = true
		return
	}
	last := &a.units[len(a.units)-1]
	last.nodes = append(last.nodes, a.pending...)
	a.pending = a.pending[:0]
	last.nodes = append(last.nodes, *n)
	last.end = int(n.EndByte())
}

// finishUnits gives the comments left at the end of the file to the last
// unit, or to a lines unit when there is none.
func (a *legacyAnalyzer) finishUnits() {
	if len(a.pending) == 0 {
		return
	}
	if len(a.units) == 0 {
		first, last := a.pending[0], a.pending[len(a.pending)-1]
		a.units = append(a.units, legacyUnit{kind: ChunkKindLines, start: int(first.StartByte()), end: int(last.EndByte()), nodes: a.pending})
	} else {
		last := &a.units[len(a.units)-1]
		last.nodes = append(last.nodes, a.pending...)
		last.end = int(a.pending[len(a.pending)-1].EndByte())
	}
	a.pending = nil
}

// chunks turns the analyzer's units into Chunks: gaps with content become
// lines units, small units are merged, large ones split.
func (a *legacyAnalyzer) chunks() []Chunk {
	us := legacyMergeSmall(a.fillGaps(a.units), a.opts)
	k := a.chunker()
	names := a.topNames()
	var out []Chunk
	prevEnd := 0
	for _, u := range us {
		if u.size() <= a.opts.MaxChunkBytes {
			if c, ok := k.mkChunk(u.kind, u.symbol, u.symbols, 0, u.start, u.end, prevEnd); ok {
				out = append(out, c)
				prevEnd = c.End.Byte
			}
			continue
		}
		part := 0
		for _, s := range a.split(u) {
			c, ok := k.mkChunk(u.kind, u.symbol, nil, part+1, s[0], s[1], prevEnd)
			if !ok {
				continue
			}
			part++
			if c.Symbols = names.in(c.Start.Byte, c.End.Byte); c.Symbols == nil && u.symbol != "" {
				c.Symbols = []string{u.symbol}
			}
			out = append(out, c)
			prevEnd = c.End.Byte
		}
	}
	return out
}

func (a *legacyAnalyzer) topNames() nameIndex {
	var ni nameIndex
	for _, s := range a.f.Symbols {
		if s.Container == "" {
			ni.at = append(ni.at, s.NameStart.Byte)
			ni.names = append(ni.names, s.Name)
		}
	}
	return ni
}

// fillGaps returns units in order without overlap, with a lines unit for
// every gap between them that holds more than blanks.
func (a *legacyAnalyzer) fillGaps(units []legacyUnit) []legacyUnit {
	out := make([]legacyUnit, 0, len(units)+1)
	prevEnd := 0
	gap := func(start, end int) {
		if start < end && !isBlank(a.src[start:end]) {
			out = append(out, legacyUnit{kind: ChunkKindLines, start: start, end: end})
		}
	}
	for _, u := range units {
		if u.end <= prevEnd {
			continue
		}
		u.start = max(u.start, prevEnd)
		gap(prevEnd, u.start)
		out = append(out, u)
		prevEnd = u.end
	}
	gap(prevEnd, len(a.src))
	return out
}

// mergeSmall merges runs of adjacent small mergeable units while the
// merged unit stays below MinChunkBytes.
func legacyMergeSmall(us []legacyUnit, o Options) []legacyUnit {
	out := make([]legacyUnit, 0, len(us))
	for i := 0; i < len(us); {
		u := us[i]
		i++
		if !mergeable(u.kind) || u.size() >= o.MinChunkBytes {
			out = append(out, u)
			continue
		}
		for i < len(us) && u.size() < o.MinChunkBytes {
			v := us[i]
			if !mergeable(v.kind) || v.size() >= o.MinChunkBytes || v.end-u.start > o.MaxChunkBytes {
				break
			}
			i++
			if v.kind != u.kind {
				u.kind = ChunkKindDecl
			}
			if u.symbol == "" {
				u.symbol = v.symbol
			}
			u.symbols = append(u.symbols[:len(u.symbols):len(u.symbols)], v.symbols...)
			u.nodes = append(u.nodes[:len(u.nodes):len(u.nodes)], v.nodes...)
			u.end = v.end
		}
		out = append(out, u)
	}
	return out
}

func (a *legacyAnalyzer) chunker() chunker {
	return chunker{src: a.src, li: a.li, max: a.opts.MaxChunkBytes}
}

// split cuts a unit larger than MaxChunkBytes into consecutive spans of at
// most MaxChunkBytes. Cuts are taken at syntax boundaries (the starts of
// the unit's nodes and, inside nodes that are too large, of their
// children, recursively), moved to the start of their line when only blanks
// precede them. A cut at a line start is preferred when it keeps the span
// at least a quarter full; without any syntax boundary in reach, the span
// ends at the last line start in reach, or else at the last UTF-8
// character boundary.
func (a *legacyAnalyzer) split(u legacyUnit) [][2]int {
	var cands []int
	for i := range u.nodes {
		n := &u.nodes[i]
		if i > 0 {
			cands = append(cands, int(n.StartByte()))
		}
		if int(n.EndByte()-n.StartByte()) > a.opts.MaxChunkBytes {
			a.cutsInside(n, &cands)
		}
	}
	for i, c := range cands {
		if ls := a.li.lineStart(c); isBlank(a.src[ls:c]) {
			cands[i] = ls
		}
	}
	slices.Sort(cands)
	cands = slices.Compact(cands)
	return a.chunker().pack(u.start, u.end, cands)
}

// cutsInside appends the starts of n's children, and recursively of the
// children of those that are larger than MaxChunkBytes.
func (a *legacyAnalyzer) cutsInside(n *ts.Node, cands *[]int) {
	children := a.children(n)
	for i := range children {
		c := &children[i]
		*cands = append(*cands, int(c.StartByte()))
		if int(c.EndByte()-c.StartByte()) > a.opts.MaxChunkBytes {
			a.cutsInside(c, cands)
		}
	}
}
