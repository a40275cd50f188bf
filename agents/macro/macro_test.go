package macro

import (
	"context"
	"encoding/json"
	"os"
	"testing"
	"time"

	"github.com/aios-dev/aios/agents"
)

type files map[string]struct {
	content string
	version int32
}

func (f files) ReadFile(path string) ([]byte, int32, error) {
	e, ok := f[path]
	if !ok {
		return nil, 0, os.ErrNotExist
	}
	return []byte(e.content), e.version, nil
}

func stepMsg(t *testing.T, inputs map[string]any) *agents.Message {
	t.Helper()
	in := make(map[string]json.RawMessage)
	for k, v := range inputs {
		data, err := json.Marshal(v)
		if err != nil {
			t.Fatal(err)
		}
		in[k] = data
	}
	content, _ := json.Marshal(agents.StepRequest{Task: "t1", Step: "critic", Capability: "verify-edits", Inputs: in})
	return &agents.Message{Performative: agents.Request, Sender: "macro/executor", Receiver: CriticID, Ontology: agents.OntologyStep, Content: content}
}

func TestCriticVerifiesAndVetoes(t *testing.T) {
	src := "package m\n\nfunc f() {\n\tx := 1\n\tx = x\n}\n"
	fs := files{"/w/a.go": {src, 4}}
	c := &Critic{Files: fs}
	finding := agents.Finding{File: "/w/a.go", Analyzer: "assign"}
	del := agents.Edit{File: "/w/a.go", Start: 24, End: 31}  // "\tx = x\n"
	breaks := agents.Edit{File: "/w/a.go", Start: 0, End: 7} // "package"
	in := agents.FixSet{Fixes: []agents.FixCandidate{
		{Title: "good", Finding: finding, Version: 4, Edits: []agents.Edit{del}},
		{Title: "stale", Finding: finding, Version: 3, Edits: []agents.Edit{del}},
		{Title: "syntax", Finding: finding, Version: 4, Edits: []agents.Edit{breaks}},
		{Title: "empty", Finding: finding, Version: 4},
	}}
	reply, err := c.HandleMessage(context.Background(), stepMsg(t, map[string]any{"fixes": in}))
	if err != nil {
		t.Fatal(err)
	}
	var out agents.FixSet
	if err := json.Unmarshal(reply.Content, &out); err != nil {
		t.Fatal(err)
	}
	want := map[string]bool{"good": true, "stale": false, "syntax": false, "empty": false}
	for _, fc := range out.Fixes {
		if fc.Verified != want[fc.Title] {
			t.Errorf("%s: verified=%v vetoes=%v", fc.Title, fc.Verified, fc.Vetoes)
		}
		if !fc.Verified && len(fc.Vetoes) == 0 {
			t.Errorf("%s vetoed without a reason", fc.Title)
		}
	}
	bad, _ := c.HandleMessage(context.Background(), &agents.Message{Ontology: "nope", Sender: "a", Receiver: CriticID})
	if bad == nil || bad.Performative != agents.NotUnderstood {
		t.Fatalf("unknown ontology: %v", bad)
	}
}

func TestMemoryKeepsRecentTasksNewestFirst(t *testing.T) {
	m := NewMemory(3)
	base := time.Unix(1000, 0)
	send := func(ids ...int) {
		var recs []agents.TaskRecord
		for _, i := range ids {
			recs = append(recs, agents.TaskRecord{ID: string(rune('a' + i)), Started: base.Add(time.Duration(i) * time.Second)})
		}
		data, _ := json.Marshal(recs)
		if _, err := m.HandleMessage(context.Background(), &agents.Message{Performative: agents.Inform, Ontology: agents.OntologyTaskRecord, Content: data}); err != nil {
			t.Fatal(err)
		}
	}
	send(1, 0) // arrive out of order
	send(2)
	send(3)
	got := m.Recent(0)
	if len(got) != 3 || got[0].ID != "d" || got[1].ID != "c" || got[2].ID != "b" {
		t.Fatalf("recent %+v", got)
	}
	q, _ := json.Marshal(agents.TasksQuery{Limit: 2})
	reply, err := m.HandleMessage(context.Background(), &agents.Message{Performative: agents.QueryRef, Ontology: agents.OntologyTasks, Content: q})
	if err != nil {
		t.Fatal(err)
	}
	var listed []agents.TaskRecord
	if err := json.Unmarshal(reply.Content, &listed); err != nil || len(listed) != 2 || listed[0].ID != "d" {
		t.Fatalf("query: %v %+v", err, listed)
	}
	if _, err := m.HandleMessage(context.Background(), &agents.Message{Performative: agents.Inform, Ontology: agents.OntologyTaskRecord, Content: []byte("{")}); err == nil {
		t.Fatal("corrupt record accepted")
	}
}
