package edit

import (
	"io/fs"
	"testing"
)

// mapSource is an in-memory Source.
type mapSource map[string]string

func (m mapSource) Read(path string) ([]byte, error) {
	s, ok := m[path]
	if !ok {
		return nil, fs.ErrNotExist
	}
	return []byte(s), nil
}

// applyOne runs ParseAndApply and returns the edits as a path -> content
// map ("<deleted>" for deletions).
func applyAll(t *testing.T, answer string, src mapSource, opts Options) (map[string]string, error) {
	t.Helper()
	edits, err := ParseAndApply(answer, src, opts)
	if err != nil {
		return nil, err
	}
	out := make(map[string]string)
	for _, e := range edits {
		if e.Delete {
			out[e.Path] = "<deleted>"
			continue
		}
		out[e.Path] = string(e.Content)
	}
	return out, nil
}
