package syntax

import "testing"

// TestQuerySpecNames checks that every kind and field named in a query
// spec exists in at least one grammar that uses the spec: a misspelt name
// would silently leave a look-up unanswered.
func TestQuerySpecNames(t *testing.T) {
	specs := []struct {
		name  string
		spec  map[string][]string
		langs []Lang
	}{
		{"goQueries", goQueries, []Lang{LangGo}},
		{"pythonQueries", pythonQueries, []Lang{LangPython}},
		{"jsQueries", jsQueries, []Lang{LangJavaScript, LangTypeScript, LangTSX}},
	}
	for _, s := range specs {
		for kind, fields := range s.spec {
			kindOK := kind == "ERROR"
			for _, lang := range s.langs {
				if len(grammarFor(lang).kindID[kind]) > 0 {
					kindOK = true
				}
			}
			if !kindOK {
				t.Errorf("%s: no grammar has kind %q", s.name, kind)
			}
			for _, f := range fields {
				fieldOK := f == ""
				for _, lang := range s.langs {
					if _, ok := grammarFor(lang).fields[f]; ok {
						fieldOK = true
					}
				}
				if !fieldOK {
					t.Errorf("%s: no grammar has field %q (of %s)", s.name, f, kind)
				}
			}
		}
	}
}
