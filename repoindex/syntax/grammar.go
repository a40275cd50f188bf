package syntax

import (
	"runtime"
	"sync"
	"unsafe"

	ts "github.com/tree-sitter/go-tree-sitter"
	tsgo "github.com/tree-sitter/tree-sitter-go/bindings/go"
	tsjs "github.com/tree-sitter/tree-sitter-javascript/bindings/go"
	tspy "github.com/tree-sitter/tree-sitter-python/bindings/go"
	tsts "github.com/tree-sitter/tree-sitter-typescript/bindings/go"
)

// grammar is one language's tree-sitter grammar with its kind and field
// ids resolved, its reference-walk tables and its parser pool. A grammar
// is immutable after load, except for the pool.
type grammar struct {
	lang    Lang
	ts      *ts.Language
	kinds   []string            // kind name by id; "" for anonymous kinds
	kindID  map[string][]uint16 // named kind name -> its ids (aliases give several)
	fields  map[string]uint16   // field name -> id (0: the grammar has no such field)
	refs    refTables
	queries queryTable
	pool    *parserPool
}

// kindName returns the name of a named node kind ("" for anonymous kinds
// and ERROR nodes).
func (g *grammar) kindName(id uint16) string {
	if int(id) < len(g.kinds) {
		return g.kinds[id]
	}
	return ""
}

// grammars holds one lazily loaded grammar per language.
var grammars = map[Lang]*lazyGrammar{
	LangGo:         {lang: LangGo, ptr: tsgo.Language, tables: goRefTables, queries: goQueries},
	LangPython:     {lang: LangPython, ptr: tspy.Language, tables: pythonRefTables, queries: pythonQueries},
	LangJavaScript: {lang: LangJavaScript, ptr: tsjs.Language, tables: jsRefTables, queries: jsQueries},
	LangTypeScript: {lang: LangTypeScript, ptr: tsts.LanguageTypescript, tables: jsRefTables, queries: jsQueries},
	LangTSX:        {lang: LangTSX, ptr: tsts.LanguageTSX, tables: jsRefTables, queries: jsQueries},
}

type lazyGrammar struct {
	lang    Lang
	ptr     func() unsafe.Pointer
	tables  func(*grammar) refTables
	queries map[string][]string // kind -> fields (see buildQueries)
	once    sync.Once
	g       *grammar
}

// grammarFor returns the grammar of lang, loading it on first use; nil for
// LangText and unknown languages.
func grammarFor(lang Lang) *grammar {
	lg := grammars[lang]
	if lg == nil {
		return nil
	}
	useLibcAllocator()
	lg.once.Do(func() { lg.g = loadGrammar(lg) })
	return lg.g
}

func loadGrammar(lg *lazyGrammar) *grammar {
	l := ts.NewLanguage(lg.ptr())
	g := &grammar{lang: lg.lang, ts: l, kindID: map[string][]uint16{}, fields: map[string]uint16{}}
	// Ids are listed with NodeKindForId and FieldNameForId: the name-to-id
	// look-ups of go-tree-sitter v0.25.0 leak the C string of the name.
	n := l.NodeKindCount()
	g.kinds = make([]string, n)
	for id := range uint16(n) {
		if !l.NodeKindIsNamed(id) {
			continue
		}
		name := l.NodeKindForId(id)
		g.kinds[id] = name
		g.kindID[name] = append(g.kindID[name], id)
	}
	for id := uint16(1); uint32(id) <= l.FieldCount(); id++ {
		g.fields[l.FieldNameForId(id)] = id
	}
	g.refs = lg.tables(g)
	g.queries = g.buildQueries(lg.queries)
	g.pool = newParserPool(newCLang(lg.ptr(), g.queries), max(2, runtime.GOMAXPROCS(0)))
	return g
}
