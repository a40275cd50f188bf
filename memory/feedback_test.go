package memory

import (
	"path/filepath"
	"slices"
	"testing"
)

func TestFeedbackBoostsAndSurvivesReopen(t *testing.T) {
	path := filepath.Join(t.TempDir(), "aios.db")
	st := openStoreAt(t, path)
	m, err := Open(Options{Store: st})
	if err != nil {
		t.Fatal(err)
	}
	indexFixture(t, m)
	q := Query{Text: "evict entries from the cache", K: 8}
	lru, arc := "cache/lru.go#LRU.evict", "cache/arc.go#ARC.evict"
	order := func(m *Memory) (int, int, *Result) {
		r := retrieve(t, m, q)
		ids := itemIDs(r)
		return slices.Index(ids, lru), slices.Index(ids, arc), r
	}
	l, a, _ := order(m)
	if l < 0 || a < 0 || a > l {
		t.Fatalf("before feedback ARC.evict should lead: lru %d, arc %d", l, a)
	}

	ctx := t.Context()
	accepted, err := m.RecordFeedback(ctx, Feedback{Query: "evict entries from cache when it is full", Action: "ai-fix",
		Accepted: true, Detail: "changed LRU eviction", Files: []string{"cache/lru.go"}, TaskID: "task-1"})
	if err != nil {
		t.Fatal(err)
	}
	if accepted.ID == "" || accepted.Time.IsZero() {
		t.Fatalf("RecordFeedback did not fill ID and Time: %+v", accepted)
	}
	if _, err := m.RecordFeedback(ctx, Feedback{Query: "cache evict entries", Action: "quickfix",
		Accepted: false, Files: []string{"cache/arc.go"}}); err != nil {
		t.Fatal(err)
	}
	check := func(label string, m *Memory) {
		t.Helper()
		l, a, r := order(m)
		if l < 0 || a < 0 || l > a {
			t.Fatalf("%s: accepted feedback should lift LRU.evict above ARC.evict: lru %d, arc %d", label, l, a)
		}
		if f := r.Items[l].Scores.Factors["feedback"]; !(f > 1 && f <= 1+FeedbackWeight) {
			t.Errorf("%s: LRU feedback factor %v", label, f)
		}
		if f := r.Items[a].Scores.Factors["feedback"]; !(f < 1 && f >= 1-FeedbackWeight) {
			t.Errorf("%s: ARC feedback factor %v", label, f)
		}
		// An unrelated query feels nothing.
		for _, it := range retrieve(t, m, Query{Text: "fetch user from the api"}).Items {
			if _, ok := it.Scores.Factors["feedback"]; ok {
				t.Errorf("%s: unrelated query got a feedback factor on %s", label, it.ID)
			}
		}
		similar := m.SimilarFeedback("entries to evict", 5)
		if len(similar) != 2 {
			t.Fatalf("%s: SimilarFeedback found %d items", label, len(similar))
		}
		if similar[0].ID != accepted.ID && similar[1].ID != accepted.ID {
			t.Errorf("%s: SimilarFeedback lost the accepted item: %+v", label, similar)
		}
		got := similar[slices.IndexFunc(similar, func(f Feedback) bool { return f.ID == accepted.ID })]
		if got.Action != "ai-fix" || !got.Accepted || got.TaskID != "task-1" || !slices.Equal(got.Files, []string{"cache/lru.go"}) {
			t.Errorf("%s: feedback fields not kept: %+v", label, got)
		}
		if m.SimilarFeedback("nothing alike", 5) != nil && len(m.SimilarFeedback("nothing alike", 5)) != 0 {
			t.Errorf("%s: unrelated feedback found", label)
		}
	}
	check("same session", m)

	if err := m.Close(); err != nil {
		t.Fatal(err)
	}
	if err := st.Close(); err != nil {
		t.Fatal(err)
	}
	m2, err := Open(Options{Store: openStoreAt(t, path)})
	if err != nil {
		t.Fatal(err)
	}
	defer m2.Close()
	check("after reopen", m2)
}
