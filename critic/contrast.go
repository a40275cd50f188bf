package critic

import (
	"math"
	"regexp"
	"strconv"
	"strings"
)

// rgb is an opaque sRGB colour.
type rgb struct{ r, g, b uint8 }

// namedColours are the CSS colour keywords the contrast check knows.
var namedColours = map[string]rgb{
	"black": {0, 0, 0}, "white": {255, 255, 255}, "gray": {128, 128, 128}, "grey": {128, 128, 128},
	"silver": {192, 192, 192}, "lightgray": {211, 211, 211}, "lightgrey": {211, 211, 211},
	"darkgray": {169, 169, 169}, "darkgrey": {169, 169, 169}, "dimgray": {105, 105, 105}, "dimgrey": {105, 105, 105},
	"gainsboro": {220, 220, 220}, "whitesmoke": {245, 245, 245},
	"red": {255, 0, 0}, "maroon": {128, 0, 0}, "green": {0, 128, 0}, "lime": {0, 255, 0},
	"blue": {0, 0, 255}, "navy": {0, 0, 128}, "yellow": {255, 255, 0}, "olive": {128, 128, 0},
	"orange": {255, 165, 0}, "purple": {128, 0, 128}, "teal": {0, 128, 128},
	"aqua": {0, 255, 255}, "cyan": {0, 255, 255}, "fuchsia": {255, 0, 255}, "magenta": {255, 0, 255},
}

var (
	jsxStyleEntry = regexp.MustCompile(`([A-Za-z-]+|"[^"]*"|'[^']*')\s*:\s*("[^"]*"|'[^']*'|` + "`[^`]*`" + `)`)
	rgbFunc       = regexp.MustCompile(`^rgba?\(\s*(\d{1,3})[\s,]+(\d{1,3})[\s,]+(\d{1,3})\s*(?:[,/]\s*([\d.]+%?)\s*)?\)$`)
)

// inlineColours reads the text and background colours of an inline style:
// style="color:#777;background:#fff" in HTML, style={{color: '#777',
// backgroundColor: '#fff'}} in JSX. ok is false unless both are known,
// opaque colours; inherited colours are not modelled.
func inlineColours(style string, jsx bool) (fg, bg rgb, ok bool) {
	decls := make(map[string]string)
	if jsx && strings.HasPrefix(strings.TrimSpace(style), "{") {
		for _, m := range jsxStyleEntry.FindAllStringSubmatch(style, -1) {
			decls[cssName(strings.Trim(m[1], `"'`))] = strings.Trim(m[2], "\"'`")
		}
	} else {
		for _, d := range strings.Split(style, ";") {
			k, v, found := strings.Cut(d, ":")
			if found {
				decls[strings.ToLower(strings.TrimSpace(k))] = strings.TrimSpace(v)
			}
		}
	}
	fg, okFG := parseColour(decls["color"])
	bgText := decls["background-color"]
	if bgText == "" {
		bgText = firstColourToken(decls["background"])
	}
	bg, okBG := parseColour(bgText)
	return fg, bg, okFG && okBG
}

// cssName turns a JSX style key (backgroundColor) into its CSS name.
func cssName(k string) string {
	var b strings.Builder
	for _, r := range k {
		if r >= 'A' && r <= 'Z' {
			b.WriteByte('-')
			r += 'a' - 'A'
		}
		b.WriteRune(r)
	}
	return strings.ToLower(b.String())
}

// firstColourToken picks the colour out of a background shorthand.
func firstColourToken(v string) string {
	if i := strings.Index(v, "rgb"); i >= 0 {
		if j := strings.IndexByte(v[i:], ')'); j >= 0 {
			return v[i : i+j+1]
		}
	}
	for _, f := range strings.Fields(v) {
		if _, ok := parseColour(f); ok {
			return f
		}
	}
	return ""
}

// parseColour parses #rgb, #rrggbb, #rgba/#rrggbbaa (opaque only), rgb()
// and rgba() (opaque only) and the keywords in namedColours.
func parseColour(s string) (rgb, bool) {
	s = strings.ToLower(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(s), "!important")))
	if c, ok := namedColours[s]; ok {
		return c, true
	}
	if strings.HasPrefix(s, "#") {
		h := s[1:]
		switch len(h) {
		case 4:
			if h[3] != 'f' {
				return rgb{}, false
			}
			h = h[:3]
		case 8:
			if h[6:] != "ff" {
				return rgb{}, false
			}
			h = h[:6]
		}
		if len(h) == 3 {
			h = string([]byte{h[0], h[0], h[1], h[1], h[2], h[2]})
		}
		if len(h) != 6 {
			return rgb{}, false
		}
		v, err := strconv.ParseUint(h, 16, 32)
		if err != nil {
			return rgb{}, false
		}
		return rgb{uint8(v >> 16), uint8(v >> 8), uint8(v)}, true
	}
	if m := rgbFunc.FindStringSubmatch(s); m != nil {
		if a := m[4]; a != "" && a != "1" && a != "1.0" && a != "100%" {
			return rgb{}, false
		}
		var c [3]uint8
		for i := range 3 {
			v, err := strconv.Atoi(m[i+1])
			if err != nil || v > 255 {
				return rgb{}, false
			}
			c[i] = uint8(v)
		}
		return rgb{c[0], c[1], c[2]}, true
	}
	return rgb{}, false
}

// luminance is the WCAG relative luminance of c.
func luminance(c rgb) float64 {
	lin := func(v uint8) float64 {
		s := float64(v) / 255
		if s <= 0.03928 {
			return s / 12.92
		}
		return math.Pow((s+0.055)/1.055, 2.4)
	}
	return 0.2126*lin(c.r) + 0.7152*lin(c.g) + 0.0722*lin(c.b)
}

// contrastRatio is the WCAG contrast ratio of two colours, from 1 to 21.
func contrastRatio(a, b rgb) float64 {
	la, lb := luminance(a), luminance(b)
	if la < lb {
		la, lb = lb, la
	}
	return (la + 0.05) / (lb + 0.05)
}
