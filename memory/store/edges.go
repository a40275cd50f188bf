package store

import (
	"encoding/binary"
	"fmt"
	"math"
	"slices"
	"strings"
)

// Edge kinds of the knowledge graph.
const (
	EdgeDefines     = "defines"
	EdgeReferences  = "references"
	EdgeImports     = "imports"
	EdgeCalls       = "calls"
	EdgeTestsOf     = "tests-of"
	EdgeChangesWith = "changes-with"
)

var edgeKinds = []string{EdgeDefines, EdgeReferences, EdgeImports, EdgeCalls, EdgeTestsOf, EdgeChangesWith}

// EdgeKinds returns the edge kinds the store accepts.
func EdgeKinds() []string { return slices.Clone(edgeKinds) }

// Edge is one edge of the knowledge graph. From and To are node names
// chosen by the caller (e.g. "file:a.go", "sym:a.go#Server.Serve").
type Edge struct {
	From, To, Kind string
	Weight         float64
}

func (e *Edge) validate(i int) error {
	if e.From == "" || e.To == "" {
		return invalid("edge %d has an empty endpoint", i)
	}
	if len(e.From) > maxShort || len(e.To) > maxShort {
		return invalid("edge %d: endpoint longer than %d bytes", i, maxShort)
	}
	if !slices.Contains(edgeKinds, e.Kind) {
		return invalid("edge %d has kind %q; known kinds: %s", i, e.Kind, strings.Join(edgeKinds, ", "))
	}
	if math.IsNaN(e.Weight) || math.IsInf(e.Weight, 0) {
		return invalid("edge %d has weight %v", i, e.Weight)
	}
	return nil
}

// ReplaceFileEdges atomically replaces the edges owned by path (the edges
// of its file and symbols) with edges; nil or empty deletes them.
func (t *Tx) ReplaceFileEdges(path string, edges []Edge) (err error) {
	defer recoverCorrupt(&err)
	err = func() error {
		if err := t.writable(); err != nil {
			return err
		}
		if err := checkName("path", path); err != nil {
			return err
		}
		if uint64(len(edges)) > math.MaxUint32 {
			return invalid("%d edges", len(edges))
		}
		for i := range edges {
			if err := edges[i].validate(i); err != nil {
				return err
			}
		}
		eb, err := t.bucket(bEdges)
		if err != nil {
			return err
		}
		prefix := prefixKey(path)
		if _, err := deletePrefix(eb, prefix); err != nil {
			return err
		}
		for i := range edges {
			key := binary.BigEndian.AppendUint32(append([]byte(nil), prefix...), uint32(i))
			if err := eb.Put(key, encodeEdge(&edges[i])); err != nil {
				return err
			}
		}
		return nil
	}()
	if err != nil {
		return fmt.Errorf("store: replace edges of %q: %w", path, err)
	}
	return nil
}

// FileEdges returns the edges owned by path, in the order they were given.
func (t *Tx) FileEdges(path string) (edges []Edge, err error) {
	defer recoverCorrupt(&err)
	if err := checkName("path", path); err != nil {
		return nil, fmt.Errorf("store: file edges: %w", err)
	}
	eb, err := t.bucket(bEdges)
	if err != nil {
		return nil, err
	}
	prefix := prefixKey(path)
	var out []Edge
	in := newInterner()
	c := eb.Cursor()
	for k, v := c.Seek(prefix); k != nil && hasPrefix(k, prefix); k, v = c.Next() {
		e, err := decodeEdge(v, in)
		if err != nil {
			return nil, fmt.Errorf("store: %w", corrupt("edge", k, err))
		}
		out = append(out, e)
	}
	return out, nil
}

// ForEachEdge calls fn with every edge and the path that owns it, ordered
// by path. An error from fn stops the walk and is returned unchanged.
func (t *Tx) ForEachEdge(fn func(path string, e Edge) error) (err error) {
	defer recoverCorrupt(&err)
	eb, err := t.bucket(bEdges)
	if err != nil {
		return err
	}
	in := newInterner()
	c := eb.Cursor()
	for k, v := c.First(); k != nil; k, v = c.Next() {
		path, _, ok := splitKey(k)
		if !ok {
			return fmt.Errorf("store: %w: edge key %q has no NUL separator", ErrCorrupt, k)
		}
		e, err := decodeEdge(v, in)
		if err != nil {
			return fmt.Errorf("store: %w", corrupt("edge", k, err))
		}
		if err := call2(fn, in.path(path), e); err != nil {
			return err
		}
	}
	return nil
}
