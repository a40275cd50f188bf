package knowledge

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/aios-dev/aios/memory"
	"github.com/aios-dev/aios/repoindex"
)

func gitRepo(t *testing.T, files map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	for name, content := range files {
		p := filepath.Join(dir, name)
		os.MkdirAll(filepath.Dir(p), 0o755)
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	for _, args := range [][]string{{"init", "-q"}, {"add", "-A"}, {"-c", "user.name=t", "-c", "user.email=t@t", "commit", "-qm", "init"}} {
		cmd := exec.Command("git", args...)
		cmd.Dir = dir
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("git %v: %v\n%s", args, err, out)
		}
	}
	return dir
}

var corpus = map[string]string{
	"go.mod": "module example.com/shop\n\ngo 1.26\n",
	"cart/cart.go": `package cart

// Total adds up the price of every item in the cart, applying the discount.
func Total(items []Item, discount float64) float64 {
	sum := 0.0
	for _, it := range items {
		sum += it.Price * float64(it.Quantity)
	}
	return sum * (1 - discount)
}

// Item is one line of a cart.
type Item struct {
	Name     string
	Price    float64
	Quantity int
}
`,
	"payment/charge.go": `package payment

import "example.com/shop/cart"

// Charge bills the customer's card for the cart total.
func Charge(card string, items []cart.Item) error {
	amount := cart.Total(items, 0)
	return send(card, amount)
}

func send(card string, amount float64) error { return nil }
`,
	"README.md": "# shop\n\nA tiny shop used to test retrieval.\n",
}

func open(t *testing.T, root string, ov *repoindex.Overlay) *Service {
	t.Helper()
	s, err := Open(Options{Root: root, StorePath: filepath.Join(t.TempDir(), "aios.db"), Overlay: ov})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

func topPath(t *testing.T, s *Service, q memory.Query) string {
	t.Helper()
	res, err := s.Search(context.Background(), q)
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Items) == 0 {
		t.Fatalf("no results for %q (notes %v)", q.Text, res.Notes)
	}
	return res.Items[0].Path
}

func TestRefreshIndexesAndSearchFinds(t *testing.T) {
	root := gitRepo(t, corpus)
	s := open(t, root, nil)
	rep, err := s.Refresh(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if rep.Indexed != 4 || rep.Failed != 0 { // go.mod, README.md and the two Go files
		t.Fatalf("report %+v", rep)
	}
	if got := topPath(t, s, memory.Query{Text: "add up the price of items with a discount"}); got != "cart/cart.go" {
		t.Fatalf("top hit %s", got)
	}
	if got := topPath(t, s, memory.Query{Text: "bill the card"}); got != "payment/charge.go" {
		t.Fatalf("top hit %s", got)
	}
	// A second refresh has nothing to do.
	rep, err = s.Refresh(context.Background())
	if err != nil || rep.Indexed != 0 || rep.Unchanged != 4 {
		t.Fatalf("second refresh %+v %v", rep, err)
	}
	st, err := s.Stats()
	if err != nil || st.Memory.Files != 4 || st.Memory.Chunks == 0 || st.Memory.Edges == 0 {
		t.Fatalf("stats %+v %v", st.Memory, err)
	}
}

func TestBufferEditsReachMemoryAndDeletesLeave(t *testing.T) {
	root := gitRepo(t, corpus)
	ov := repoindex.NewOverlay()
	s := open(t, root, ov)
	if _, err := s.Refresh(context.Background()); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(root, "cart", "cart.go")
	edited := strings.Replace(corpus["cart/cart.go"], "func Total(", "// Refund returns money to a customer who sent the goods back.\nfunc Refund(amount float64) float64 { return -amount }\n\nfunc Total(", 1)
	if err := ov.Set(path, 2, []byte(edited)); err != nil {
		t.Fatal(err)
	}
	if err := s.UpdateBuffer(context.Background(), path); err != nil {
		t.Fatal(err)
	}
	res, err := s.Search(context.Background(), memory.Query{Text: "refund money for returned goods"})
	if err != nil || len(res.Items) == 0 || res.Items[0].Symbol != "Refund" {
		t.Fatalf("after buffer edit: %+v %v", res.Items, err)
	}
	os.Remove(filepath.Join(root, "payment", "charge.go"))
	ov.Delete(path)
	rep, err := s.Refresh(context.Background())
	if err != nil || rep.Removed != 1 {
		t.Fatalf("refresh after delete %+v %v", rep, err)
	}
	res, _ = s.Search(context.Background(), memory.Query{Text: "bill the card", K: 10})
	for _, it := range res.Items {
		if it.Path == "payment/charge.go" {
			t.Fatal("a deleted file is still retrieved")
		}
	}
}

func TestReopenKeepsMemoryAndFeedback(t *testing.T) {
	root := gitRepo(t, corpus)
	storePath := filepath.Join(t.TempDir(), "aios.db")
	s, err := Open(Options{Root: root, StorePath: storePath})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.Refresh(context.Background()); err != nil {
		t.Fatal(err)
	}
	if _, err := s.RecordFeedback(context.Background(), memory.Feedback{Query: "bill the card", Action: "ai-fix", Accepted: true, Files: []string{"payment/charge.go"}}); err != nil {
		t.Fatal(err)
	}
	s.Close()
	s, err = Open(Options{Root: root, StorePath: storePath})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	rep, err := s.Refresh(context.Background())
	if err != nil || rep.Indexed != 0 || rep.Unchanged != 4 {
		t.Fatalf("reopen refresh %+v %v", rep, err)
	}
	if fb := s.Memory().SimilarFeedback("bill the card", 3); len(fb) != 1 || !fb[0].Accepted {
		t.Fatalf("feedback after reopen %+v", fb)
	}
	if got := topPath(t, s, memory.Query{Text: "bill the card"}); got != "payment/charge.go" {
		t.Fatalf("top hit after reopen %s", got)
	}
}

// Files in other encodings and binary bytes inside text must not stop a
// refresh (GOROOT's testdata has both).
func TestOddEncodingsDoNotStopTheRefresh(t *testing.T) {
	root := gitRepo(t, map[string]string{
		"go.mod":           "module example.com/m\n\ngo 1.26\n",
		"data/latin1.txt":  "caf\xe9 cr\xe8me br\xfbl\xe9e recipe with caramelised sugar\n",
		"data/mixed.txt":   "a header line\n\x00\x01\x02 binary payload\n",
		"data/invalid.txt": strings.Repeat("ok line\n", 50) + "bad \xff\xfe bytes in a wombat census\n",
	})
	s := open(t, root, nil)
	rep, err := s.Refresh(context.Background())
	if err != nil || rep.Failed != 0 {
		t.Fatalf("refresh %+v %v", rep, err)
	}
	if got := topPath(t, s, memory.Query{Text: "caramelised sugar recipe"}); got != "data/latin1.txt" {
		t.Fatalf("latin-1 file: top hit %q", got)
	}
	if got := topPath(t, s, memory.Query{Text: "wombat census"}); got != "data/invalid.txt" {
		t.Fatalf("invalid UTF-8 file: top hit %q", got)
	}
}

func TestIsBadInput(t *testing.T) {
	for err, want := range map[error]bool{
		fmt.Errorf("x: %w", memory.ErrNotText): true, fmt.Errorf("x: %w", memory.ErrTooLarge): true,
		memory.ErrInvalidChunk: true, memory.ErrClosed: false, errors.New("disk full"): false,
	} {
		if got := isBadInput(err); got != want {
			t.Errorf("isBadInput(%v) = %v", err, got)
		}
	}
}

// A cold refresh indexes files into memory while the index is still
// parsing; memory then holds exactly what indexing after the parse gives.
func TestStreamedRefreshEqualsIndexingAfterTheParse(t *testing.T) {
	files := map[string]string{"go.mod": "module example.com/big\n\ngo 1.26\n"}
	for i := range 400 {
		var b strings.Builder
		fmt.Fprintf(&b, "package p%d\n\nimport \"example.com/big/p%d\"\n\n", i%20, (i+1)%20)
		for j := range 12 {
			fmt.Fprintf(&b, "// Step%d_%d advances the ledger of shop %d by %d coins.\nfunc Step%d_%d(n int) int {\n\treturn p%d.Step%d_%d(n) + %d\n}\n\n", i, j, i, j, i, j, (i+1)%20, (i+1)%400, j, j)
		}
		files[fmt.Sprintf("p%d/f%d.go", i%20, i)] = b.String()
	}
	files["p3/bad.go"] = "package p3\n\nvar s = \"\xff\xfe not utf-8 \x00\"\n"
	root := gitRepo(t, files)
	run := func(stream bool) (*Service, *Report) {
		s, err := Open(Options{Root: root, StorePath: filepath.Join(t.TempDir(), "aios.db"), NoHistory: true})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { s.Close() })
		s.noStream = !stream
		rep, err := s.Refresh(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		return s, rep
	}
	streamed, srep := run(true)
	after, arep := run(false)
	t.Logf("streamed report %+v; after the parse %+v", *srep, *arep)
	if srep.Streamed == 0 {
		t.Fatal("nothing was indexed while the index parsed")
	}
	if arep.Streamed != 0 || srep.Indexed != arep.Indexed || srep.Failed != arep.Failed || srep.Unchanged != 0 {
		t.Fatalf("reports differ: streamed %+v, after %+v", *srep, *arep)
	}
	ss, _ := streamed.Stats()
	as, _ := after.Stats()
	if ss.Memory.Files != as.Memory.Files || ss.Memory.Chunks != as.Memory.Chunks || ss.Memory.Nodes != as.Memory.Nodes || ss.Memory.Edges != as.Memory.Edges {
		t.Fatalf("memory differs: streamed %+v, after %+v", ss.Memory, as.Memory)
	}
	for _, q := range []string{"advances the ledger of shop 17", "coins ledger", "Step250_3"} {
		sr, err1 := streamed.Search(context.Background(), memory.Query{Text: q})
		ar, err2 := after.Search(context.Background(), memory.Query{Text: q})
		if err1 != nil || err2 != nil || len(sr.Items) == 0 || len(sr.Items) != len(ar.Items) {
			t.Fatalf("%q: %v %v, %d vs %d items", q, err1, err2, len(sr.Items), len(ar.Items))
		}
		for i := range sr.Items {
			if sr.Items[i].Path != ar.Items[i].Path || sr.Items[i].StartLine != ar.Items[i].StartLine {
				t.Fatalf("%q: result %d differs: %s:%d vs %s:%d", q, i, sr.Items[i].Path, sr.Items[i].StartLine, ar.Items[i].Path, ar.Items[i].StartLine)
			}
		}
	}
	// A second refresh has nothing to do.
	rep, err := streamed.Refresh(context.Background())
	if err != nil || rep.Indexed != 0 || rep.Unchanged != srep.Indexed {
		t.Fatalf("second refresh %+v %v", rep, err)
	}
}
