package main

import (
	"encoding/json"
	"io"
	"os/exec"
	"strings"
	"testing"
)

// layer ranks the top-level folders: a package may import only packages of
// its own folder or of a later layer. The four leaves never import each
// other, and only inference imports metal.
var layer = map[string]int{
	"cmd": 0, "lsp": 1, "orchestrator": 2, "agents": 3,
	"memory": 4, "inference": 4, "critic": 4, "repoindex": 4,
	"metal": 5,
}

const module = "github.com/aios-dev/aios/"

func topFolder(pkg string) string {
	rest := strings.TrimPrefix(pkg, module)
	top, _, _ := strings.Cut(rest, "/")
	return top
}

func TestImportsFlowOneWay(t *testing.T) {
	out, err := exec.Command("go", "list", "-json=ImportPath,Imports", "github.com/aios-dev/aios/...").Output()
	if err != nil {
		t.Fatalf("go list: %v", err)
	}
	dec := json.NewDecoder(strings.NewReader(string(out)))
	checked := 0
	for {
		var p struct {
			ImportPath string
			Imports    []string
		}
		if err := dec.Decode(&p); err == io.EOF {
			break
		} else if err != nil {
			t.Fatal(err)
		}
		from := topFolder(p.ImportPath)
		fr, ok := layer[from]
		if !ok {
			t.Errorf("%s: top-level folder %q is not one of the fixed folders", p.ImportPath, from)
			continue
		}
		for _, imp := range p.Imports {
			if !strings.HasPrefix(imp, module) {
				continue
			}
			checked++
			to := topFolder(imp)
			tr := layer[to]
			switch {
			case to == from:
			case to == "metal" && from != "inference":
				t.Errorf("%s imports %s: only inference may import metal", p.ImportPath, imp)
			case tr <= fr:
				t.Errorf("%s imports %s: imports flow cmd → lsp → orchestrator → agents → {memory, inference, critic, repoindex}", p.ImportPath, imp)
			}
		}
	}
	if checked == 0 {
		t.Fatal("no module imports checked")
	}
}
