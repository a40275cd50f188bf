package orchestrator

import (
	"context"
	"encoding/json"
	"fmt"
	"path/filepath"
	"strings"
	"sync"

	"github.com/aios-dev/aios/agents"
	"github.com/aios-dev/aios/agents/knowledge"
	"github.com/aios-dev/aios/memory"
)

// KindSearch is the request kind of a retrieval (inputs: query, optional
// document).
const KindSearch = "search"

// Aliases for the kernel's callers.
type (
	Query         = memory.Query
	SearchResult  = memory.Result
	KnowledgeStat = knowledge.Stats
	RefreshReport = knowledge.Report
)

// knowledgeState holds the workspace's index and memory, opened by
// OpenKnowledge.
type knowledgeState struct {
	mu  sync.RWMutex // guards svc
	svc *knowledge.Service
}

func (k *Kernel) knowledgeService() *knowledge.Service {
	k.know.mu.RLock()
	defer k.know.mu.RUnlock()
	return k.know.svc
}

// registerRetrieve adds the Retrieve meso agent and the search rule.
func (k *Kernel) registerRetrieve(root string) error {
	if err := k.reg.Register(knowledge.RetrieveID, agents.Meso, knowledge.Agent{Get: k.knowledgeService, Root: root}, knowledge.Retrieve); err != nil {
		return err
	}
	k.planner.setRule(KindSearch, true, func(Inputs) (*Graph, error) {
		return (&Graph{Kind: KindSearch}).Add(Step{ID: "retrieve", Capability: "retrieve"}), nil
	})
	return nil
}

// OpenKnowledge opens the workspace's index and memory (fast: nothing is
// parsed) and starts following the editor's buffers. Call RefreshKnowledge
// to bring them up to date. storePath "" is Options.KnowledgeStore, else
// the workspace's store under the user's cache directory.
func (k *Kernel) OpenKnowledge(storePath string) error {
	if k.workspace == "" {
		return fmt.Errorf("the kernel has no workspace")
	}
	if storePath == "" {
		storePath = k.knowledgeStore
	}
	opts := knowledge.Options{Root: k.workspace, StorePath: storePath, Overlay: k.overlay, Logger: k.log}
	if k.inference != nil && k.embedModel != "" {
		opts.Embedder, opts.EmbedModel = k.inference, k.embedModel
	}
	svc, err := knowledge.Open(opts)
	if err != nil {
		return err
	}
	svc.Follow()
	k.know.mu.Lock()
	old := k.know.svc
	k.know.svc = svc
	k.know.mu.Unlock()
	if old != nil {
		old.Close()
	}
	return nil
}

// RefreshKnowledge updates the index and memory from the workspace.
func (k *Kernel) RefreshKnowledge(ctx context.Context) (*knowledge.Report, error) {
	svc := k.knowledgeService()
	if svc == nil {
		return nil, knowledge.ErrNotReady
	}
	return svc.Refresh(ctx)
}

// BufferChanged tells the index that an open buffer changed (path is
// absolute); saved tells it the file on disk changed.
func (k *Kernel) BufferChanged(ctx context.Context, path string, saved bool) error {
	svc := k.knowledgeService()
	if svc == nil {
		return nil // not opened: nothing follows the workspace
	}
	rel, err := filepath.Rel(svc.Index().Root(), path)
	if err != nil || rel == ".." || strings.HasPrefix(rel, "../") {
		return nil // outside the workspace
	}
	rel = filepath.ToSlash(rel)
	if saved {
		return svc.UpdateFiles(ctx, []string{rel})
	}
	return svc.UpdateBuffer(ctx, rel)
}

// FilesChanged tells the index that files changed on disk (absolute
// paths; workspace/didChangeWatchedFiles): they are re-read, and removed
// when gone.
func (k *Kernel) FilesChanged(ctx context.Context, paths []string) error {
	svc := k.knowledgeService()
	if svc == nil {
		return nil
	}
	rels := make([]string, 0, len(paths))
	for _, p := range paths {
		rel, err := filepath.Rel(svc.Index().Root(), p)
		if err != nil || rel == ".." || strings.HasPrefix(rel, "../") {
			continue
		}
		rels = append(rels, filepath.ToSlash(rel))
	}
	if len(rels) == 0 {
		return nil
	}
	return svc.UpdateFiles(ctx, rels)
}

// HasWorkspace reports whether the kernel retrieves over a workspace
// (Options.Workspace).
func (k *Kernel) HasWorkspace() bool { return k.workspace != "" }

// KnowledgeOpen reports whether OpenKnowledge has succeeded.
func (k *Kernel) KnowledgeOpen() bool { return k.knowledgeService() != nil }

// KnowledgeStats describes the index and memory.
func (k *Kernel) KnowledgeStats() (knowledge.Stats, error) {
	svc := k.knowledgeService()
	if svc == nil {
		return knowledge.Stats{}, knowledge.ErrNotReady
	}
	return svc.Stats()
}

// Search runs a retrieval task.
func (k *Kernel) Search(ctx context.Context, q memory.Query, doc *DocumentRef) (*memory.Result, *Outcome, error) {
	in := Inputs{"query": mustJSON(q)}
	if doc != nil {
		in["document"] = mustJSON(doc)
	}
	out, err := k.Submit(ctx, Request{Kind: KindSearch, Inputs: in})
	if err != nil {
		return nil, nil, err
	}
	var res memory.Result
	if err := json.Unmarshal(out.Outputs["retrieve"], &res); err != nil {
		return nil, out, fmt.Errorf("search result: %w", err)
	}
	return &res, out, nil
}

func (k *Kernel) closeKnowledge() error {
	k.know.mu.Lock()
	svc := k.know.svc
	k.know.svc = nil
	k.know.mu.Unlock()
	if svc != nil {
		return svc.Close()
	}
	return nil
}
