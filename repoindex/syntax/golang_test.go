package syntax

import "testing"

const goSample = `// Package shapes draws.
package shapes

import (
	"fmt"
	str "strings"
	_ "embed"
)

import . "math"

// Shape is anything with an area.
type Shape interface {
	// Area returns the area.
	Area() float64
	fmt.Stringer
}

// Circle is round.
type Circle struct {
	// R is the radius.
	R, d float64
	*Base
	io.Reader
	tags []string ` + "`json:\"tags\"`" + `
}

type (
	// ID names a shape.
	ID = string
	list[T any] []T
)

// Area implements Shape.
/* It uses Pi. */
func (c *Circle) Area() float64 {
	return Pi * c.R * c.R
}

func (l *list[T]) push(v T) { *l = append(*l, v) }

const (
	// Small is small.
	Small, Large = 1, 2
	medium       = 3
)

// Default is the default circle.
var Default = &Circle{R: 1}

func Describe(s Shape) string {
	n := s.Area()
	var k str.Builder
	k.WriteString(fmt.Sprint(n))
	for i, v := range []int{1} {
		_ = i + v
	}
	return helper(k.String(), Default)
}
`

func TestGoSymbols(t *testing.T) {
	f := mustParse(t, "shapes.go", goSample, Options{})
	if f.Lang != LangGo || f.Package != "shapes" || f.Doc != "Package shapes draws." || f.Errors != 0 {
		t.Fatalf("Lang %q Package %q Doc %q Errors %d", f.Lang, f.Package, f.Doc, f.Errors)
	}
	equalStrings(t, "symbols", symbolStrings(f.Symbols), []string{
		"interface Shape  true",
		"method Area Shape true",
		"struct Circle  true",
		"field R Circle true",
		"field d Circle false",
		"field Base Circle true",
		"field Reader Circle true",
		"field tags Circle false",
		"type ID  true",
		"type list  false",
		"method Area Circle true",
		"method push list false",
		"const Small  true",
		"const Large  true",
		"const medium  false",
		"var Default  true",
		"func Describe  true",
	})
	docs := map[string]string{}
	for _, s := range f.Symbols {
		docs[s.Container+"."+s.Name] = s.Doc
	}
	for key, want := range map[string]string{
		".Shape":        "Shape is anything with an area.",
		"Shape.Area":    "Area returns the area.",
		".Circle":       "Circle is round.",
		"Circle.R":      "R is the radius.",
		"Circle.d":      "R is the radius.",
		"Circle.Base":   "",
		".ID":           "ID names a shape.",
		".list":         "",
		"Circle.Area":   "Area implements Shape.\nIt uses Pi.",
		".Small":        "Small is small.",
		".medium":       "",
		".Default":      "Default is the default circle.",
		".Describe":     "",
		"list.push":     "",
		"Circle.Reader": "",
	} {
		if docs[key] != want {
			t.Errorf("doc of %s = %q, want %q", key, docs[key], want)
		}
	}
}

func TestGoPositions(t *testing.T) {
	src := "package p\n\n// F doc.\nfunc F() {}\n\ntype T struct{ X int }\n"
	f := mustParse(t, "p.go", src, Options{})
	want := []Symbol{
		{Name: "F", Kind: KindFunc, Start: Point{4, 1, 21}, End: Point{4, 12, 32}, NameStart: Point{4, 6, 26}, Exported: true, Doc: "F doc."},
		{Name: "T", Kind: KindStruct, Start: Point{6, 1, 34}, End: Point{6, 23, 56}, NameStart: Point{6, 6, 39}, Exported: true},
		{Name: "X", Kind: KindField, Container: "T", Start: Point{6, 16, 49}, End: Point{6, 21, 54}, NameStart: Point{6, 16, 49}, Exported: true},
	}
	if len(f.Symbols) != len(want) {
		t.Fatalf("symbols %+v", f.Symbols)
	}
	for i := range want {
		if f.Symbols[i] != want[i] {
			t.Errorf("symbol %d = %+v, want %+v", i, f.Symbols[i], want[i])
		}
	}
}

func TestGoRefs(t *testing.T) {
	f := mustParse(t, "shapes.go", goSample, Options{})
	refs := refStrings(f.Refs)
	equalStrings(t, "refs", refs, []string{
		"type fmt.Stringer@16:6",
		"type Base@23:3",
		"type io.Reader@24:5",
		"type T@31:16",
		"type Circle@36:10",
		"ident Pi@37:9",
		"ident c@37:14",
		"selector c.R@37:16",
		"ident c@37:20",
		"selector c.R@37:22",
		"type list@40:10",
		"type T@40:15",
		"type T@40:26",
		"ident l@40:32",
		"ident l@40:44",
		"ident v@40:47",
		"type Circle@49:16",
		"ident R@49:23", // a composite literal key
		"type Shape@51:17",
		"ident s@52:7",
		"call s.Area@52:9",
		"type str.Builder@53:12",
		"ident k@54:2",
		"call k.WriteString@54:4",
		"ident fmt@54:16",
		"call fmt.Sprint@54:20",
		"ident n@54:27",
		"ident i@56:7",
		"ident v@56:11",
		"call helper@58:9",
		"ident k@58:16",
		"call k.String@58:18",
		"ident Default@58:28",
	})
	noRefs(t, goSample, f.Refs,
		"Describe@51:6", // declarations
		"Area@36:18",
		"c@36:7",        // receiver
		"float64@36:25", // predeclared
		"v@40:24",       // parameter
		"append@40:36",  // predeclared
		"s@51:15",
		"n@52:2", // declared by :=
		"k@53:6", // declared by var
		"i@55:6", // declared by range
		"v@55:9",
		"_@56:3", // blank
	)
}

func TestGoImports(t *testing.T) {
	f := mustParse(t, "shapes.go", goSample, Options{})
	equalStrings(t, "imports", importStrings(f.Imports), []string{"fmt", "strings  str", "embed  _", "math  ."})
	if p := f.Imports[1].Start; p.Line != 6 || p.Column != 2 {
		t.Errorf("import start %+v", p)
	}
}

func TestGoChunks(t *testing.T) {
	f := mustParse(t, "shapes.go", goSample, Options{})
	equalStrings(t, "chunks", chunkStrings(f.Chunks), []string{
		"header  1-10",
		"type Shape 12-17",
		"type Circle 19-26",
		"type ID 28-32",
		"method Circle.Area 34-38",
		"method list.push 40-40",
		"decl Small 42-59",
	})
	// The small const, var and func declarations are merged; methods and
	// types are not.
	equalStrings(t, "merged symbols", f.Chunks[6].Symbols, []string{"Small", "Large", "medium", "Default", "Describe"})
}
