package syntax

// importNode records the imports of an import statement met anywhere in
// the tree.
func (a *analyzer) importNode(n nodeID) {
	switch a.g.lang {
	case LangGo:
		a.goImports(n)
	case LangPython:
		a.pyImports(n)
	default:
		a.jsImports(n)
	}
}
