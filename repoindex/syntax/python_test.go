package syntax

import "testing"

const pySample = `#!/usr/bin/env python3
"""Geometry helpers.

Second line.
"""
import os, sys as system
from a.b import c, d as e
from . import rel
from __future__ import annotations

PI = 3.14
_cache: dict = {}
x, (y, z) = 1, (2, 3)
a = b = 0

@dataclass
class Circle(Shape):
    """A circle.

    Details:
        Indented detail.
    """
    r = 1.0

    def area(self, scale=DEFAULT):
        """Return the area."""
        return PI * self.r ** 2 * scale

    async def _fetch(self, *args, key=None, **kw):
        import json
        data = await load(key, *args)
        return json.loads(data)

    class Meta:
        def inner(self): pass

def top(n: int) -> int:
    # no docstring
    total = [v for v in range(n) if check(v)]
    return helper(total, n=n)

if __name__ == "__main__":
    top(3)
`

func TestPythonSymbols(t *testing.T) {
	f := mustParse(t, "geo.py", pySample, Options{})
	if f.Lang != LangPython || f.Errors != 0 || f.Doc != "Geometry helpers.\n\nSecond line." {
		t.Fatalf("Lang %q Errors %d Doc %q", f.Lang, f.Errors, f.Doc)
	}
	equalStrings(t, "symbols", symbolStrings(f.Symbols), []string{
		"var PI  true",
		"var _cache  false",
		"var x  true",
		"var y  true",
		"var z  true",
		"var a  true",
		"var b  true",
		"class Circle  true",
		"field r Circle true",
		"method area Circle true",
		"method _fetch Circle false",
		"class Meta Circle true",
		"method inner Circle.Meta true",
		"func top  true",
	})
	docs := map[string]string{}
	for _, s := range f.Symbols {
		docs[s.Name] = s.Doc
		if s.Name == "Circle" && (s.Start.Line != 16 || s.NameStart.Line != 17) {
			t.Errorf("Circle starts %+v, name %+v: the decorator belongs to the class", s.Start, s.NameStart)
		}
	}
	for name, want := range map[string]string{
		"Circle": "A circle.\n\nDetails:\n    Indented detail.",
		"area":   "Return the area.",
		"_fetch": "",
		"top":    "",
	} {
		if docs[name] != want {
			t.Errorf("doc of %s = %q, want %q", name, docs[name], want)
		}
	}
}

func TestPythonRefs(t *testing.T) {
	f := mustParse(t, "geo.py", pySample, Options{})
	refs := refStrings(f.Refs)
	equalStrings(t, "refs", refs, []string{
		"ident dict@12:9",
		"ident dataclass@16:2",
		"ident Shape@17:14",
		"ident DEFAULT@25:26",
		"ident PI@27:16",
		"selector self.r@27:26",
		"ident scale@27:35",
		"call load@31:22",
		"ident key@31:27",
		"ident args@31:33",
		"ident json@32:16",
		"call json.loads@32:21",
		"ident data@32:27",
		"ident int@37:12",
		"ident int@37:20",
		"ident v@39:14",
		"call range@39:25",
		"ident n@39:31",
		"call check@39:37",
		"ident v@39:43",
		"call helper@40:12",
		"ident total@40:19",
		"ident n@40:28",
		"ident __name__@42:4",
		"call top@43:5",
	})
	noRefs(t, pySample, f.Refs,
		"self@25:14",  // parameter
		"scale@25:20", // parameter
		"self@27:21",  // self is never a ref
		"data@31:9",   // assigned
		"v@39:20",     // comprehension variable
		"n@40:26",     // keyword argument name
		"top@37:5",    // the declaration
		"PI@11:1",
	)
}

func TestPythonImports(t *testing.T) {
	f := mustParse(t, "geo.py", pySample, Options{})
	equalStrings(t, "imports", importStrings(f.Imports), []string{
		"os",
		"sys  system",
		"a.b c",
		"a.b d e",
		". rel",
		"__future__ annotations",
		"json", // inside a method
	})
}

func TestPythonChunks(t *testing.T) {
	f := mustParse(t, "geo.py", pySample, Options{})
	equalStrings(t, "chunks", chunkStrings(f.Chunks), []string{
		"header  1-9",
		"decl PI 11-14",
		"class Circle 16-35",
		"decl top 37-43", // a small function and a statement, merged
	})
}
