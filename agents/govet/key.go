package govet

import (
	"crypto/sha256"
	"encoding/binary"
	"hash"
	"path/filepath"
	"slices"
	"sort"
	"strings"
)

// cacheKey identifies one package variant's analysis inputs.
type cacheKey hashSum

// keyState computes cache keys for one request. It memoises directory and
// module hashes so that a request hashes each directory at most once. It is
// used by a single goroutine.
type keyState struct {
	e       *Engine
	ov      *overlayView
	extra   hashSum // go.work files and overlaid files outside mutable dirs
	dirSums map[dirSumKey]hashSum
	modSums map[string]hashSum
	keys    map[string]cacheKey
	mode    byte // 1 for requests that load dependencies from export data
}

type dirSumKey struct {
	dir   string
	tests bool
}

func newKeyState(e *Engine, ov *overlayView) (*keyState, error) {
	ks := &keyState{
		e:       e,
		ov:      ov,
		dirSums: make(map[dirSumKey]hashSum),
		modSums: make(map[string]hashSum),
		keys:    make(map[string]cacheKey),
	}
	h := sha256.New()
	for _, f := range e.workFiles {
		if err := ks.writeFileSum(h, f); err != nil {
			return nil, err
		}
	}
	// Overlaid files in immutable trees (GOROOT, module cache) are not
	// covered by any directory hash; fold them into every key.
	names := make([]string, 0, len(ov.sums))
	for name := range ov.sums {
		if !e.isMutableDir(filepath.Dir(name)) {
			names = append(names, name)
		}
	}
	sort.Strings(names)
	for _, name := range names {
		sum := ov.sums[name]
		writeString(h, name)
		h.Write(sum[:])
	}
	h.Sum(ks.extra[:0])
	return ks, nil
}

func writeString(h hash.Hash, s string) {
	var n [8]byte
	binary.LittleEndian.PutUint64(n[:], uint64(len(s)))
	h.Write(n[:])
	h.Write([]byte(s))
}

// writeFileSum writes the name and content hash of a file (overlay first,
// then disk) to h; a missing file is recorded as missing.
func (ks *keyState) writeFileSum(h hash.Hash, name string) error {
	writeString(h, name)
	if sum, ok := ks.ov.sums[name]; ok {
		h.Write(sum[:])
		return nil
	}
	sum, exists, err := ks.e.hasher.hashFile(name)
	if err != nil {
		return err
	}
	if !exists {
		writeString(h, "\x00missing")
		return nil
	}
	h.Write(sum[:])
	return nil
}

// dirSum hashes the names and contents of the source files of dir, with
// overlay entries winning over (and adding to) the disk listing. Test files
// are included only when tests is set.
func (ks *keyState) dirSum(dir string, tests bool) (hashSum, error) {
	k := dirSumKey{dir, tests}
	if sum, ok := ks.dirSums[k]; ok {
		return sum, nil
	}
	names, exists, err := ks.e.hasher.listDir(dir)
	if err != nil {
		return hashSum{}, err
	}
	if extra := ks.ov.byDir[dir]; len(extra) > 0 {
		names = slices.Clone(names)
		for _, n := range extra {
			if isSourceFile(n) {
				names = append(names, n)
			}
		}
		slices.Sort(names)
		names = slices.Compact(names)
	}
	h := sha256.New()
	writeString(h, dir)
	if !exists {
		writeString(h, "\x00nodir")
	}
	for _, n := range names {
		if !tests && strings.HasSuffix(n, "_test.go") {
			continue
		}
		if err := ks.writeFileSum(h, filepath.Join(dir, n)); err != nil {
			return hashSum{}, err
		}
	}
	var sum hashSum
	h.Sum(sum[:0])
	ks.dirSums[k] = sum
	return sum, nil
}

// modSum hashes a go.mod file and the go.sum beside it.
func (ks *keyState) modSum(gomod string) (hashSum, error) {
	if sum, ok := ks.modSums[gomod]; ok {
		return sum, nil
	}
	h := sha256.New()
	if gomod != "" {
		if err := ks.writeFileSum(h, gomod); err != nil {
			return hashSum{}, err
		}
		if err := ks.writeFileSum(h, filepath.Join(filepath.Dir(gomod), "go.sum")); err != nil {
			return hashSum{}, err
		}
	}
	var sum hashSum
	h.Sum(sum[:0])
	ks.modSums[gomod] = sum
	return sum, nil
}

// key computes the cache key of the package variant id from the import
// graph recorded by earlier loads. ok is false when the variant cannot be
// cached or its graph is not (completely) known.
func (ks *keyState) key(id string) (key cacheKey, ok bool, err error) {
	if k, ok := ks.keys[id]; ok {
		return k, true, nil
	}
	closure, ok := ks.e.closure(id)
	if !ok {
		return key, false, nil
	}
	h := sha256.New()
	h.Write(ks.e.salt[:])
	h.Write(ks.extra[:])
	h.Write([]byte{ks.mode})
	writeString(h, id)
	for _, n := range closure {
		writeString(h, n.id)
		if !n.mutable {
			continue // standard library or module cache: immutable
		}
		ds, err := ks.dirSum(n.dir, n.test)
		if err != nil {
			return key, false, err
		}
		ms, err := ks.modSum(n.goMod)
		if err != nil {
			return key, false, err
		}
		h.Write(ds[:])
		h.Write(ms[:])
	}
	h.Sum(key[:0])
	ks.keys[id] = key
	return key, true, nil
}

// forgetKeys drops memoised keys (not file hashes), so that keys are
// recomputed from the current import graph after a load.
func (ks *keyState) forgetKeys() {
	clear(ks.keys)
}
