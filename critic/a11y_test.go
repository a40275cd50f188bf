package critic

import (
	"math"
	"strings"
	"testing"
)

func TestA11yRules(t *testing.T) {
	tests := []struct {
		name          string
		jsx           bool
		before, after string
		want          []string // rules newly reported
	}{
		{"img without alt", false, `<p>x</p>`, `<p>x</p><img src="a.png">`, []string{A11yImgAlt}},
		{"img with alt", false, ``, `<img src="a.png" alt="A cat">`, nil},
		{"decorative img", false, ``, `<img src="a.png" alt=""><img src="b.png" role="presentation">`, nil},
		{"img already without alt", false, `<img src="a.png">`, "<h1>t</h1>\n<img  src=\"a.png\">", nil},
		{"second img without alt", false, `<img src="a.png">`, `<img src="a.png"><img src="a.png">`, []string{A11yImgAlt}},
		{"jsx img", true, `const A = () => <div/>;`, `const A = () => <div><img src={logo} /></div>;`, []string{A11yImgAlt}},
		{"jsx img alt expr", true, ``, `const A = () => <img src={logo} alt={t("logo")} />;`, nil},
		{"jsx spread", true, ``, `const A = (p) => <img {...p} />;`, nil},
		{"input without label", false, ``, `<form><input type="text" name="q"></form>`, []string{A11yFormLabel}},
		{"input with for", false, ``, `<label for="q">Search</label><input id="q" type="text">`, nil},
		{"input wrapped", false, ``, `<label>Search <input type="text"></label>`, nil},
		{"input aria-label", false, ``, `<input type="email" aria-label="Email">`, nil},
		{"hidden input", false, ``, `<input type="hidden" name="csrf">`, nil},
		{"select and textarea", false, ``, `<select name="a"></select><textarea></textarea>`, []string{A11yFormLabel, A11yFormLabel}},
		{"jsx htmlFor", true, ``, `<><label htmlFor="n">Name</label><input id="n" /></>`, nil},
		{"jsx htmlFor expr", true, ``, `<><label htmlFor={"n"}>Name</label><input id={"n"} /></>`, nil},
		{"button empty", false, ``, `<button class="x"></button>`, []string{A11yButtonName}},
		{"button icon only", false, ``, `<button><svg viewBox="0 0 1 1"><path d="M0"/></svg></button>`, []string{A11yButtonName}},
		{"button with text", false, ``, `<button>Save</button>`, nil},
		{"button aria-label", false, ``, `<button aria-label="Close"><svg></svg></button>`, nil},
		{"button img alt", false, ``, `<button><img src="x.png" alt="Close"></button>`, nil},
		{"jsx button expr", true, ``, `const B = () => <button onClick={go}>{label}</button>;`, nil},
		{"jsx button self-closing", true, ``, `const B = () => <button onClick={go} />;`, []string{A11yButtonName}},
		{"input button no value", false, ``, `<input type="button">`, []string{A11yButtonName}},
		{"html without lang", false, `<!doctype html><html lang="en"><body></body></html>`, `<!doctype html><html><body></body></html>`, []string{A11yHTMLLang}},
		{"html with lang", false, ``, `<html lang="fr"></html>`, nil},
		{"low contrast", false, ``, `<p style="color:#777;background:#fff">x</p>`, []string{A11yContrast}},
		{"enough contrast", false, ``, `<p style="color:#767676;background:#fff">x</p>`, nil},
		{"contrast rgb and names", false, ``, `<p style="color: rgb(200, 200, 200); background-color: white">x</p>`, []string{A11yContrast}},
		{"jsx contrast", true, ``, `<p style={{color: '#aaa', backgroundColor: "#ffffff"}}>x</p>`, []string{A11yContrast}},
		{"one colour only", false, ``, `<p style="color:#eee">x</p>`, nil},
		{"script ignored", false, ``, `<script>if (a <img) {}</script>`, nil},
		{"comment ignored", false, ``, `<!-- <img src="x"> -->`, nil},
		{"ts generics", true, ``, `function f<T>(x: Array<string>): T { return x as T; } const c = a < b && b > 2;`, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got []string
			for _, is := range newA11yIssues([]byte(tt.before), []byte(tt.after), tt.jsx) {
				got = append(got, is.rule)
			}
			if strings.Join(got, ",") != strings.Join(tt.want, ",") {
				t.Fatalf("new issues %q, want %q", got, tt.want)
			}
		})
	}
}

func TestContrastRatio(t *testing.T) {
	for _, tt := range []struct {
		fg, bg string
		want   float64
	}{
		{"#000", "#fff", 21},
		{"#777777", "#ffffff", 4.48},
		{"#767676", "white", 4.54},
		{"red", "white", 4.0},
	} {
		fg, _ := parseColour(tt.fg)
		bg, _ := parseColour(tt.bg)
		if got := contrastRatio(fg, bg); math.Abs(got-tt.want) > 0.01 {
			t.Errorf("contrast(%s, %s) = %.3f, want %.2f", tt.fg, tt.bg, got, tt.want)
		}
	}
}

// TestReviewA11y: in a review, a nameless control vetoes (Safety) and low
// contrast costs Style; issues that were already there do not count.
func TestReviewA11y(t *testing.T) {
	page := "<!doctype html>\n<html lang=\"en\">\n<body>\n<img src=\"old.png\">\n<p>Hello</p>\n</body>\n</html>\n"
	ws := newModule(t, map[string]string{"web/index.html": page, "web/App.tsx": "export const App = () => <main>hi</main>;\n"})
	c := newCritic(t, ws, nil)

	// Pre-existing img without alt, moved: accepted.
	moved := strings.Replace(page, "<p>Hello</p>\n", "", 1)
	moved = strings.Replace(moved, "<body>\n", "<body>\n<p>Hello</p>\n", 1)
	rv := review(t, c, Task{Kind: KindInstruction}, Patch{[]FileChange{fchange("web/index.html", moved)}})
	if !rv.Accepted {
		t.Fatalf("pre-existing issue blamed:\n%s", explain(rv))
	}

	// A new nameless button in TSX: veto.
	rv = review(t, c, Task{Kind: KindInstruction}, Patch{[]FileChange{fchange("web/App.tsx",
		"export const App = () => <main>hi<button onClick={close}><svg /></button></main>;\n")}})
	if rv.Accepted || !hasVeto(rv, "accessibility regression", "web/App.tsx:1", A11yButtonName) {
		t.Fatalf("nameless button accepted:\n%s", explain(rv))
	}

	// Low contrast and a removed lang: Style only.
	low := strings.Replace(page, "<p>Hello</p>", `<p style="color:#999;background:#fff">Hello</p>`, 1)
	low = strings.Replace(low, ` lang="en"`, "", 1)
	rv = review(t, c, Task{Kind: KindInstruction}, Patch{[]FileChange{fchange("web/index.html", low)}})
	style := rv.Dimension(DimStyle)
	ev := strings.Join(style.Evidence, "\n")
	if len(rv.Vetoes) > 0 || math.Abs(style.Score-0.6) > 1e-9 || !strings.Contains(ev, A11yContrast) || !strings.Contains(ev, A11yHTMLLang) {
		t.Fatalf("style issues:\n%s", explain(rv))
	}
}
