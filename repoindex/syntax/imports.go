package syntax

import ts "github.com/tree-sitter/go-tree-sitter"

// importNode records the imports of an import statement met anywhere in
// the tree.
func (a *analyzer) importNode(n *ts.Node) {
	switch a.g.lang {
	case LangGo:
		a.goImports(n)
	case LangPython:
		a.pyImports(n)
	default:
		a.jsImports(n)
	}
}
