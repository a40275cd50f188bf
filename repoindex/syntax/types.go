package syntax

// Point is a position in a file. Line and Column are 1-based and Column
// counts bytes; Byte is the 0-based byte offset.
type Point struct {
	Line, Column, Byte int
}

// Symbol kinds. Go uses func, method, struct, interface, type (every other
// named type, aliases included), const, var and field; Python func, method,
// class, var and field; JavaScript and TypeScript func, method, class, var,
// const, field, interface, type (type aliases), enum, namespace and module.
const (
	KindFunc      = "func"
	KindMethod    = "method"
	KindType      = "type"
	KindStruct    = "struct"
	KindInterface = "interface"
	KindVar       = "var"
	KindConst     = "const"
	KindClass     = "class"
	KindField     = "field"
	KindEnum      = "enum"
	KindNamespace = "namespace"
	KindModule    = "module"
)

// Symbol is one declaration: a package- or module-level declaration, or a
// member (method, field) of a top-level type or class. Local declarations
// inside function bodies are not symbols.
type Symbol struct {
	Name      string
	Kind      string // one of the Kind constants
	Container string // receiver type or enclosing class/interface/namespace, "" at top level
	Start     Point  // the whole declaration (decorators included, doc comment excluded)
	End       Point  // exclusive
	NameStart Point  // the identifier
	// Exported is, for Go, a capitalised name; for Python, a name without a
	// leading underscore; for JavaScript and TypeScript, a top-level
	// declaration that is exported (export statements, export clauses,
	// CommonJS module.exports), or a member of an exported class,
	// interface or enum that is not private (#name, private, protected).
	Exported bool
	// Doc is the doc comment directly above the declaration with its comment
	// markers stripped: Go // and /* */ comments, JSDoc /** */ comments, or a
	// Python docstring. For a Go spec inside a grouped declaration without a
	// comment of its own, the group's comment.
	Doc string
}

// Reference kinds.
const (
	RefCall     = "call"     // a call: f(), pkg.F(), x.M(), new C()
	RefType     = "type"     // a type name in a type position
	RefIdent    = "ident"    // any other use of a name
	RefSelector = "selector" // x.f that is not called
)

// Ref is a use of a name. Identifiers that declare a name (the declared
// symbol, parameters, local variables on their defining side, import names)
// are not refs, nor are Go's predeclared identifiers (int, len, nil...) and
// Python's self and cls.
type Ref struct {
	Name string
	Kind string // one of the Ref constants
	// Start is the position of Name itself (for fmt.Println, of Println).
	Start Point
	// Qualifier is the text of the operand of a selector or qualified name:
	// "fmt" for fmt.Println, "s.mu" for s.mu.Lock(). It is set only when the
	// operand is a chain of plain names (this and self included); for other
	// operands (calls, literals, indexing) it is "".
	Qualifier string
}

// Import is one imported module or package.
type Import struct {
	// Path is the Go import path, the Python module ("os", "a.b", ".x" for
	// relative imports) or the JavaScript/TypeScript module specifier.
	Path string
	// Alias is the local name when the source gives one: a Go import name
	// (including "." and "_"), Python "as" names, the binding of a JavaScript
	// default or namespace import or of `const x = require("m")`, and
	// "import x as y" specifiers.
	Alias string
	// Name is the imported member for Python "from m import name" and
	// JavaScript named imports ("default" for default imports, "*" for
	// namespace and wildcard imports and re-exports); "" when the whole
	// module is imported.
	Name  string
	Start Point // the import spec (Go), imported name (Python) or specifier (JS)
}

// Chunk kinds.
const (
	ChunkKindFunc   = "func"   // a function, or a JS/TS function expression bound to a name
	ChunkKindMethod = "method" // a Go method
	ChunkKindType   = "type"   // type declarations (Go types; TS interfaces, type aliases and enums)
	ChunkKindClass  = "class"  // a class
	ChunkKindDecl   = "decl"   // other declarations (const, var, namespaces), merged small declarations of mixed kinds
	ChunkKindHeader = "header" // package clause, imports and the comments before them
	ChunkKindLines  = "lines"  // text files, top-level statements and syntax errors
)

// Chunk is a range of a file that is retrieved as one unit.
type Chunk struct {
	Kind string // one of the ChunkKind constants
	// Symbol is the main symbol: the declared name, "Recv.Method" for Go
	// methods, "" for header and lines chunks.
	Symbol string
	// Symbols lists the top-level symbols declared in the chunk, in order:
	// one for a declaration, several for a grouped or merged declaration,
	// nil for header and lines chunks; Go methods appear as "Recv.Method".
	// A part of a split declaration lists the names declared in that part,
	// or else Symbol.
	Symbols []string
	// Part is 0 for a chunk that holds a whole declaration, and 1..n for
	// the consecutive parts of a declaration larger than
	// Options.MaxChunkBytes (all parts share Kind and Symbol).
	Part       int
	Start, End Point // End is exclusive
}

// File is the analysis of one file.
type File struct {
	Lang    Lang
	Package string // Go package clause
	// Doc is the Go package comment or the Python module docstring.
	Doc     string
	Symbols []Symbol // in source order
	Refs    []Ref    // in source order
	Imports []Import // in source order
	// Chunks cover the file: every non-blank byte lies in exactly one chunk,
	// in order.
	Chunks []Chunk
	// Errors counts tree-sitter ERROR and MISSING nodes (syntax errors).
	// The rest of the result is still as complete as tree-sitter's error
	// recovery allows.
	Errors int
	// TooLarge reports that the content exceeded Options.MaxFileBytes: it
	// was not parsed, Lang is LangText and Chunks are line chunks.
	TooLarge bool
}
