package orchestrator

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/aios-dev/aios/agents/knowledge"
	"github.com/aios-dev/aios/memory"
)

func TestKernelSearchThroughTheRetrieveAgent(t *testing.T) {
	dir := writeModule(t, map[string]string{
		"cart.go":    "package m\n\n// Total adds the prices of the items in a shopping cart.\nfunc Total(prices []float64) float64 {\n\tt := 0.0\n\tfor _, p := range prices {\n\t\tt += p\n\t}\n\treturn t\n}\n",
		"greeter.go": "package m\n\n// Hello greets a person by name.\nfunc Hello(name string) string { return \"hello \" + name }\n",
	})
	k, err := New(Options{Workspace: dir})
	if err != nil {
		t.Fatal(err)
	}
	defer k.Close()
	// Errors cross the bus as text: the reply names the reason.
	if _, _, err := k.Search(context.Background(), memory.Query{Text: "cart"}, nil); err == nil || !strings.Contains(err.Error(), knowledge.ErrNotReady.Error()) {
		t.Fatalf("before OpenKnowledge: %v", err)
	}
	if err := k.OpenKnowledge(filepath.Join(t.TempDir(), "aios.db")); err != nil {
		t.Fatal(err)
	}
	rep, err := k.RefreshKnowledge(context.Background())
	if err != nil || rep.Indexed != 3 {
		t.Fatalf("refresh %+v %v", rep, err)
	}
	res, out, err := k.Search(context.Background(), memory.Query{Text: "sum the prices in the shopping cart"}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Items) == 0 || res.Items[0].Path != "cart.go" || out.Task.Steps[0].Agent != string(knowledge.RetrieveID) {
		t.Fatalf("search %+v, trace %+v", res.Items, out.Task.Steps)
	}
	// An edited buffer reaches retrieval.
	path := filepath.Join(dir, "greeter.go")
	src, _ := os.ReadFile(path)
	if err := k.Overlay().Set(path, 2, append(src, []byte("\n// Farewell says goodbye when a visitor leaves.\nfunc Farewell() string { return \"bye\" }\n")...)); err != nil {
		t.Fatal(err)
	}
	if err := k.BufferChanged(context.Background(), path, false); err != nil {
		t.Fatal(err)
	}
	res, _, err = k.Search(context.Background(), memory.Query{Text: "say goodbye to a visitor who leaves"}, &DocumentRef{Path: path, Version: 2})
	// Small neighbouring functions share a chunk: the first item is the one
	// holding the new function.
	if err != nil || len(res.Items) == 0 || res.Items[0].Path != "greeter.go" || !strings.Contains(res.Items[0].Text, "func Farewell") {
		t.Fatalf("after buffer edit: %+v %v", res.Items, err)
	}
	if st, err := k.KnowledgeStats(); err != nil || st.Memory.Files != 3 {
		t.Fatalf("stats %+v %v", st.Memory, err)
	}
}
