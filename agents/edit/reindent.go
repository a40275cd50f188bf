package edit

import "strings"

// reindenter maps the indentation of a model's lines to the file's, for
// text matched while ignoring indentation: the model wrote 4 spaces where
// the file has a tab, or its whole snippet is shifted.
type reindenter struct {
	m            map[string]string // model indentation -> file indentation
	mUnit, fUnit string            // one indentation level: "\t" or n spaces
	off          int               // file level minus model level
}

// newReindenter learns the mapping from the matched pairs model[i] ~
// file[i]; extra are the model's other lines (the inserted ones), used to
// find its indentation unit. It returns nil when no pair differs.
func newReindenter(model, file, extra []string, fileStyle string) *reindenter {
	r := &reindenter{m: make(map[string]string)}
	differs, first := false, true
	var firstM, firstF string
	var mInd, fInd []string
	for i := range model {
		if strings.TrimSpace(model[i]) == "" {
			continue
		}
		mi, fi := indentOf(model[i]), indentOf(file[i])
		differs = differs || mi != fi
		if _, ok := r.m[mi]; !ok {
			r.m[mi] = fi
		}
		if first {
			firstM, firstF, first = mi, fi, false
		}
		mInd, fInd = append(mInd, mi), append(fInd, fi)
	}
	if !differs {
		return nil
	}
	for _, l := range extra {
		if strings.TrimSpace(l) != "" {
			mInd = append(mInd, indentOf(l))
		}
	}
	r.mUnit = unitOf(mInd, "    ")
	r.fUnit = unitOf(fInd, fileStyle)
	fl, _ := levelOf(firstF, r.fUnit)
	ml, _ := levelOf(firstM, r.mUnit)
	r.off = fl - ml
	return r
}

func (r *reindenter) apply(s string) string {
	if r == nil || strings.TrimSpace(s) == "" {
		return s
	}
	ind := indentOf(s)
	rest := s[len(ind):]
	if v, ok := r.m[ind]; ok {
		return v + rest
	}
	lv, extra := levelOf(ind, r.mUnit)
	lv = max(lv+r.off, 0)
	return strings.Repeat(r.fUnit, lv) + strings.Repeat(" ", extra) + rest
}

func indentOf(s string) string {
	return s[:len(s)-len(strings.TrimLeft(s, " \t"))]
}

// unitOf guesses one indentation level from a set of indentations: a tab
// when any uses tabs, else the gcd of the space widths; fallback when none
// is indented.
func unitOf(inds []string, fallback string) string {
	g := 0
	for _, in := range inds {
		if strings.Contains(in, "\t") {
			return "\t"
		}
		if n := len(in); n >= 2 {
			g = gcd(g, n)
		}
	}
	if g < 2 || g > 8 {
		return fallback
	}
	return strings.Repeat(" ", g)
}

// levelOf splits an indentation into whole levels of unit and leftover
// spaces.
func levelOf(ind, unit string) (level, extra int) {
	if unit == "\t" {
		return strings.Count(ind, "\t"), strings.Count(ind, " ")
	}
	u := len(unit)
	w := strings.Count(ind, " ") + u*strings.Count(ind, "\t")
	return w / u, w % u
}

func gcd(a, b int) int {
	for b != 0 {
		a, b = b, a%b
	}
	return a
}

// indentStyle is the dominant indentation unit of a file's first lines.
func indentStyle(lines []string) string {
	tabs, spaces := 0, 0
	var inds []string
	for i, l := range lines {
		if i == 2000 {
			break
		}
		switch {
		case strings.HasPrefix(l, "\t"):
			tabs++
		case strings.HasPrefix(l, "  "):
			spaces++
			inds = append(inds, indentOf(l))
		}
	}
	if tabs > spaces {
		return "\t"
	}
	return unitOf(inds, "    ")
}
