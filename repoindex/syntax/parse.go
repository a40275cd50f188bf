package syntax

import (
	"cmp"
	"context"
	"fmt"
	"slices"
)

// Parse analyses content as the file at path; the language comes from the
// path's extension (LangForPath). It is ParseContext without cancellation.
// Parse is safe for concurrent use.
func Parse(path string, content []byte, opts Options) (*File, error) {
	return ParseContext(context.Background(), path, content, opts)
}

// ParseContext analyses content as the file at path. It returns
//   - an error wrapping ErrInvalidOptions for impossible options,
//   - an error wrapping ErrBinary for binary content,
//   - an error wrapping the context's error when ctx ends first,
//   - for LangText paths, a File with line chunks only,
//   - for content above MaxFileBytes, a File with Lang LangText, TooLarge
//     set and line chunks (no error),
//   - otherwise the full analysis, also for files with syntax errors
//     (counted in File.Errors).
//
// content is not modified or retained. ParseContext is safe for
// concurrent use.
func ParseContext(ctx context.Context, path string, content []byte, opts Options) (*File, error) {
	f, _, err := parseFile(ctx, path, content, opts)
	return f, err
}

// parseStats tells the tests about the look-ups of one parse that the
// flat tree could not answer as tree-sitter would have: both must be zero.
type parseStats struct {
	misses     int // queries missing from the grammar's query table
	unresolved int // query answers the walk did not meet
}

// parseFile is ParseContext with the statistics of the parse.
func parseFile(ctx context.Context, path string, content []byte, opts Options) (*File, parseStats, error) {
	return parseFileWith(ctx, path, content, opts, nil)
}

// parseFileWith is parseFile starting from, and keeping, the tree trees
// holds for path (trees may be nil).
func parseFileWith(ctx context.Context, path string, content []byte, opts Options, trees *Trees) (*File, parseStats, error) {
	o, err := opts.withDefaults()
	if err != nil {
		return nil, parseStats{}, err
	}
	if err := ctx.Err(); err != nil {
		return nil, parseStats{}, fmt.Errorf("%s: %w", path, err)
	}
	if isBinary(content) {
		return nil, parseStats{}, fmt.Errorf("%s: %w", path, ErrBinary)
	}
	lang := LangForPath(path)
	if len(content) > o.MaxFileBytes {
		return &File{Lang: LangText, TooLarge: true, Chunks: ChunkLines(content, o)}, parseStats{}, nil
	}
	g := grammarFor(lang)
	if g == nil {
		return &File{Lang: LangText, Chunks: ChunkLines(content, o)}, parseStats{}, nil
	}
	w, err := g.pool.get()
	if err != nil {
		return nil, parseStats{}, fmt.Errorf("%s: %w", path, err)
	}
	defer g.pool.put(w) // after the analysis: the tree lives in w's memory
	t, kept, err := w.parseTree(ctx, content, true, trees.take(path, lang, content), trees != nil)
	if err != nil {
		return nil, parseStats{}, fmt.Errorf("%s: %w", path, err)
	}
	if kept != nil {
		trees.keep(path, lang, kept, content)
	}
	a := &analyzer{
		ctx:  ctx,
		g:    g,
		t:    t,
		src:  content,
		li:   newLineIndex(content),
		opts: o,
		f:    &File{Lang: lang},
	}
	if err := a.run(); err != nil {
		return nil, parseStats{}, fmt.Errorf("%s: %w", path, err)
	}
	return a.f, parseStats{misses: a.misses, unresolved: t.unresolved}, nil
}

// run analyses the tree into a.f.
func (a *analyzer) run() error {
	const root nodeID = 0
	if a.hasError(root) {
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
	a.f.Refs = make([]Ref, 0, a.maxRefs())
	for a.topIdx = range a.top {
		if err := a.ctx.Err(); err != nil {
			return err
		}
		top(a.top[a.topIdx])
	}
	a.topIdx = len(a.top)
	a.finishUnits()
	a.finishExports()
	if len(a.f.Refs) == 0 {
		a.f.Refs = nil
	}
	byStart := func(p, q Point) int { return cmp.Compare(p.Byte, q.Byte) }
	if !slices.IsSortedFunc(a.f.Refs, func(p, q Ref) int { return byStart(p.Start, q.Start) }) {
		slices.SortStableFunc(a.f.Refs, func(p, q Ref) int { return byStart(p.Start, q.Start) })
	}
	slices.SortStableFunc(a.f.Imports, func(p, q Import) int { return byStart(p.Start, q.Start) })
	slices.SortStableFunc(a.f.Symbols, func(p, q Symbol) int { return byStart(p.Start, q.Start) })
	a.f.Chunks = a.chunks()
	return nil
}

// maxRefs bounds the number of refs: each comes from a node with a
// reference role. Allocating that many at once saves the copies of append;
// the bound is typically within twice the count, as append's capacity is.
func (a *analyzer) maxRefs() int {
	role := a.g.refs.role
	n := 0
	for i := range a.t.nodes {
		if k := a.t.nodes[i].kind; int(k) < len(role) {
			switch role[k] {
			case roleIdent, roleType, roleSelector, roleQualified:
				n++
			}
		}
	}
	return n
}

// topLevel returns the children of n (the root), with every ERROR node
// among them replaced by its named children (recursively): declarations
// that tree-sitter could not fit into the tree are still found. The
// error's other bytes fall into lines chunks.
func (a *analyzer) topLevel(n nodeID) []nodeID {
	children := a.children(n)
	if !a.hasError(n) {
		return children
	}
	var out []nodeID
	for _, c := range children {
		if a.isError(c) {
			out = append(out, a.topLevel(c)...)
			continue
		}
		if a.isNamed(c) {
			out = append(out, c)
		}
	}
	return out
}

// countErrors counts the ERROR and MISSING nodes under n, skipping
// subtrees without errors.
func (a *analyzer) countErrors(n nodeID) int {
	count := 0
	if a.isError(n) || a.isMissing(n) {
		count++
	}
	if !a.hasError(n) {
		return count
	}
	for c := a.firstChild(n); c != none; c = a.nextSibling(n, c) {
		count += a.countErrors(c)
	}
	return count
}
