package memory

import (
	"fmt"
	"math"
	"strings"
	"testing"
)

func TestFuseRRF(t *testing.T) {
	lists := map[string][]Hit{
		"sparse": {{"a", 9}, {"b", 5}, {"c", 1}},
		"dense":  {{"b", 0.9}, {"d", 0.8}},
		"graph":  {{"c", 0.5}, {"b", 0.4}, {"a", 0.1}, {"a", 0.05}}, // a repeated: first rank counts
	}
	got := FuseRRF(lists, 0)
	want := map[string]float64{
		"a": 1.0/61 + 1.0/63,
		"b": 1.0/62 + 1.0/61 + 1.0/62,
		"c": 1.0/63 + 1.0/61,
		"d": 1.0 / 62,
	}
	order := []string{"b", "a", "c", "d"}
	if len(got) != len(order) {
		t.Fatalf("got %d entries: %+v", len(got), got)
	}
	for i, f := range got {
		if f.ID != order[i] || math.Abs(f.Score-want[f.ID]) > 1e-15 {
			t.Errorf("entry %d = %s %.6f, want %s %.6f", i, f.ID, f.Score, order[i], want[order[i]])
		}
	}
	if r := got[0].Ranks; r["sparse"] != 2 || r["dense"] != 1 || r["graph"] != 2 {
		t.Errorf("ranks of b: %v", r)
	}
	if r := got[1].Ranks; r["graph"] != 3 {
		t.Errorf("a repeated entry must keep its first rank: %v", r)
	}
	// Another k.
	if f := FuseRRF(map[string][]Hit{"x": {{"a", 1}}}, 1); f[0].Score != 0.5 {
		t.Errorf("k=1: %v", f[0].Score)
	}
	if f := FuseRRF(nil, 0); len(f) != 0 {
		t.Errorf("no lists: %v", f)
	}
}

func chunkOf(path string, start int, lines ...string) Chunk {
	text := strings.Join(lines, "\n") + "\n"
	return Chunk{ID: fmt.Sprintf("%s#%d", path, start), Path: path, Lang: "go", StartLine: start, EndLine: start + len(lines) - 1, Text: text}
}

func TestPackItems(t *testing.T) {
	long := make([]string, 40)
	for i := range long {
		long[i] = fmt.Sprintf("\tline %02d := compute(%d) // some code here", i, i)
	}
	items := []Item{
		{Chunk: chunkOf("a.go", 1, "func A() {", "\treturn", "}")},
		{Chunk: chunkOf("b.go", 10, long...)},
		{Chunk: chunkOf("c.go", 5, "func C() {}")},
	}
	for _, budget := range []int{1, 10, 30, 60, 100, 200, 400, 1000} {
		packed, tokens, kept, omitted := packItems(items, budget)
		if tokens > budget || EstimateTokens(packed) != tokens {
			t.Errorf("budget %d: %d tokens (estimate %d)", budget, tokens, EstimateTokens(packed))
		}
		if len(kept)+omitted != len(items) {
			t.Errorf("budget %d: %d kept + %d omitted != %d", budget, len(kept), omitted, len(items))
		}
		sum := 0
		for _, it := range kept {
			sum += it.Tokens
		}
		if sum < tokens {
			t.Errorf("budget %d: item tokens %d < packed %d", budget, sum, tokens)
		}
		// Every line of the packed text is a whole line of some chunk, a
		// header, a fence or a cut marker: nothing is cut mid-line.
		whole := map[string]bool{}
		for _, it := range items {
			for _, l := range splitLines(it.Text) {
				whole[strings.TrimSuffix(l, "\n")] = true
			}
		}
		for _, l := range strings.Split(packed, "\n") {
			switch {
			case l == "", whole[l], strings.HasPrefix(l, "```"), strings.HasPrefix(l, "… [cut: lines "),
				strings.HasPrefix(l, "a.go:"), strings.HasPrefix(l, "b.go:"), strings.HasPrefix(l, "c.go:"):
			default:
				t.Errorf("budget %d: line %q is not a whole line", budget, l)
			}
		}
		for _, it := range kept {
			if it.Cut != (it.ID == "b.go#10" && !strings.Contains(packed, long[39])) {
				t.Errorf("budget %d: item %s Cut=%v", budget, it.ID, it.Cut)
			}
		}
	}
	// With room for everything, nothing is cut and order is kept.
	packed, _, kept, omitted := packItems(items, 10000)
	if omitted != 0 || len(kept) != 3 || strings.Contains(packed, "[cut:") {
		t.Fatalf("large budget: omitted %d, kept %d", omitted, len(kept))
	}
	if !(strings.Index(packed, "a.go:1-3") < strings.Index(packed, "b.go:10-49") && strings.Index(packed, "b.go:10-49") < strings.Index(packed, "c.go:5-5")) {
		t.Errorf("order not kept:\n%s", packed)
	}
	// A budget that fits A and the start of B cuts B and marks the cut.
	packed, _, kept, _ = packItems(items, 120)
	if len(kept) < 2 || !kept[1].Cut || !strings.Contains(packed, "… [cut: lines ") {
		t.Errorf("budget 120: expected B cut:\n%s", packed)
	}
}

func TestSelectItemsDedup(t *testing.T) {
	st := openTestStore(t)
	m, err := Open(Options{Store: st})
	if err != nil {
		t.Fatal(err)
	}
	defer m.Close()
	ctx := t.Context()
	same := "func Same() {}\n"
	a := []Chunk{
		{ID: "a1", Path: "a.go", StartLine: 1, EndLine: 10, Text: "func A1() {}\n"},
		{ID: "a2", Path: "a.go", StartLine: 5, EndLine: 12, Text: "func A2() {}\n"}, // overlaps a1
		{ID: "a3", Path: "a.go", StartLine: 20, EndLine: 30, Text: "func A3() {}\n"},
		{ID: "a4", Path: "a.go", StartLine: 40, EndLine: 50, Text: "func A4() {}\n"},
		{ID: "a5", Path: "a.go", StartLine: 60, EndLine: 61, Text: same},
	}
	b := []Chunk{{ID: "b1", Path: "b.go", StartLine: 1, EndLine: 2, Text: same}, {ID: "b2", Path: "b.go", StartLine: 3, EndLine: 4, Text: "func B2() {}\n"}}
	if err := m.IndexFile(ctx, FileFacts{Path: "a.go"}, a); err != nil {
		t.Fatal(err)
	}
	if err := m.IndexFile(ctx, FileFacts{Path: "b.go"}, b); err != nil {
		t.Fatal(err)
	}
	var cands []candidate
	for _, id := range []string{"a1", "a2", "a5", "b1", "a3", "a4", "b2"} {
		cands = append(cands, candidate{meta: m.chunks[id]})
	}
	items, err := m.selectItems(cands, 5, 2)
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	for _, it := range items {
		ids = append(ids, it.ID)
	}
	// a2 overlaps a1; b1 repeats a5's text; a3 and a4 exceed 2 per file.
	if got := strings.Join(ids, ","); got != "a1,a5,b2" {
		t.Errorf("selected %s, want a1,a5,b2", got)
	}
	if items[0].Text != "func A1() {}\n" {
		t.Errorf("text not read from the store: %q", items[0].Text)
	}
}

func TestWorkingMemory(t *testing.T) {
	if _, err := NewWorkingMemory(0); err == nil {
		t.Fatal("budget 0 accepted")
	}
	w, err := NewWorkingMemory(42)
	if err != nil {
		t.Fatal(err)
	}
	w.Add(WorkRetrieval, "retrieved line one\nretrieved line two\nretrieved line three\nretrieved line four\n", 1)
	w.Add(WorkRequest, "fix the failing test", 10)
	w.Add(WorkFeedback, "the last fix was rejected", 5)
	w.Add(WorkBuffer, "", 7) // ignored
	w.Add(WorkBuffer, "func main() {}", 5)
	text, tokens := w.Pack()
	if tokens > 42 || tokens != EstimateTokens(text) {
		t.Errorf("tokens %d (estimate %d), budget 42", tokens, EstimateTokens(text))
	}
	order := []string{"## request", "## feedback", "## buffer", "## retrieval"}
	last := -1
	for _, h := range order {
		i := strings.Index(text, h)
		if i < 0 || i < last {
			t.Fatalf("order: %q not after the previous heading in\n%s", h, text)
		}
		last = i
	}
	if !strings.Contains(text, "… [cut: ") {
		t.Errorf("the low-priority entry should be cut:\n%s", text)
	}
	again, _ := w.Pack()
	if again != text {
		t.Error("Pack is not deterministic")
	}
	if w.Len() != 4 {
		t.Errorf("Len %d", w.Len())
	}
	w.Reset()
	if text, tokens := w.Pack(); text != "" || tokens != 0 {
		t.Errorf("after Reset: %q", text)
	}
}
