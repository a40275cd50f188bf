package syntax

import (
	"cmp"
	"context"
	"fmt"
	"slices"

	ts "github.com/tree-sitter/go-tree-sitter"
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
	o, err := opts.withDefaults()
	if err != nil {
		return nil, err
	}
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	if isBinary(content) {
		return nil, fmt.Errorf("%s: %w", path, ErrBinary)
	}
	lang := LangForPath(path)
	if len(content) > o.MaxFileBytes {
		return &File{Lang: LangText, TooLarge: true, Chunks: ChunkLines(content, o)}, nil
	}
	g := grammarFor(lang)
	if g == nil {
		return &File{Lang: LangText, Chunks: ChunkLines(content, o)}, nil
	}
	pp, err := g.pool.get()
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	tree, err := pp.parse(ctx, content)
	g.pool.put(pp)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	defer tree.Close()
	root := tree.RootNode()
	a := &analyzer{
		ctx:  ctx,
		g:    g,
		src:  content,
		li:   newLineIndex(content),
		opts: o,
		f:    &File{Lang: lang},
		wc:   root.Walk(),
		lc:   root.Walk(),

		requireAlias: map[uint]string{},
		exportNames:  map[string]bool{},
	}
	defer a.wc.Close()
	defer a.lc.Close()
	if err := a.run(root); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return a.f, nil
}

// run analyses the tree under root into a.f.
func (a *analyzer) run(root *ts.Node) error {
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
func (a *analyzer) topLevel(root *ts.Node) []ts.Node {
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
func (a *analyzer) countErrors(n *ts.Node) int {
	a.wc.Reset(*n)
	return a.countErrorsAt()
}

func (a *analyzer) countErrorsAt() int {
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
