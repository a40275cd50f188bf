package memory

import (
	"path"
	"slices"
)

// dependencies returns the keys whose change can change the edges of f
// (see graphupdate.go), sorted and without repeats.
func dependencies(f FileFacts) []depKey {
	out := make([]depKey, 0, 2*len(f.Refs)+8)
	add := func(kind, a, b string) { out = append(out, keyOf(kind, a, b)) }
	dir := path.Dir(f.Path)
	type importKeys struct{ pkgs, dirs []string }
	byName := map[string][]importKeys{} // qualifier → what its imports may name
	fileStyle := map[string]bool{}      // qualifier names a Python or JavaScript module
	for _, imp := range f.Imports {
		exact, suffixes, pkgs, dirs := importCandidates(f.Path, f.Lang, imp)
		for _, p := range exact {
			add("p:", p, "")
		}
		for _, p := range suffixes {
			add("p:", p, "")
		}
		for _, p := range pkgs {
			add("k:", p, "")
		}
		for _, d := range dirs {
			add("d:", d, "")
		}
		for _, q := range importName(f.Lang, imp) {
			if len(exact)+len(suffixes) > 0 {
				fileStyle[q] = true
			}
			byName[q] = append(byName[q], importKeys{pkgs, dirs})
		}
	}
	for _, r := range f.Refs {
		add("dn:", dir, r.Name)
		add("n:", r.Name, "")
		if r.Qualifier == "" {
			continue
		}
		add("q:", r.Qualifier+"."+r.Name, "")
		if fileStyle[r.Qualifier] {
			add("na:", r.Name, "")
		}
		for _, ik := range byName[r.Qualifier] {
			for _, p := range ik.pkgs {
				add("kn:", p, r.Name)
			}
			for _, d := range ik.dirs {
				add("dn:", d, r.Name)
			}
		}
	}
	if IsTestFile(f.Path) {
		exact, suffixes, pkgDir := testTargets(f.Path)
		for _, p := range append(exact, suffixes...) {
			add("p:", p, "")
		}
		if pkgDir {
			add("d:", dir, "")
		}
		for _, s := range f.Symbols {
			for _, t := range testedSymbols(s.Name) {
				if pkgDir {
					add("dn:", dir, t[1])
				} else {
					add("na:", t[1], "")
				}
			}
		}
	}
	for _, c := range f.CoChanged {
		add("p:", c.Path, "")
	}
	slices.Sort(out)
	return slices.Compact(out)
}
