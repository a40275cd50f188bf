package macro

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"sync"

	"github.com/aios-dev/aios/agents"
)

// MemoryID is the Memory macro agent.
const MemoryID agents.ID = "macro/memory"

// Memory is the Memory macro agent. It keeps the working memory of the
// kernel: the records of the most recent tasks, which it receives as
// informs and answers for as query-refs.
type Memory struct {
	mu   sync.Mutex // guards ring, next and full
	ring []agents.TaskRecord
	next int
	full bool
}

// NewMemory returns a Memory agent that keeps the last n task records.
func NewMemory(n int) *Memory {
	if n <= 0 {
		n = 100
	}
	return &Memory{ring: make([]agents.TaskRecord, n)}
}

// HandleMessage implements agents.Agent.
func (m *Memory) HandleMessage(ctx context.Context, msg *agents.Message) (*agents.Message, error) {
	switch {
	case msg.Ontology == agents.OntologyTaskRecord && msg.Performative == agents.Inform:
		var recs []agents.TaskRecord
		if err := json.Unmarshal(msg.Content, &recs); err != nil {
			return nil, fmt.Errorf("task records: %w", err)
		}
		for _, rec := range recs {
			m.add(rec)
		}
		return nil, nil
	case msg.Ontology == agents.OntologyTasks && msg.Performative == agents.QueryRef:
		var q agents.TasksQuery
		if len(msg.Content) > 0 {
			if err := json.Unmarshal(msg.Content, &q); err != nil {
				return msg.NewReply(agents.NotUnderstood, []byte(err.Error())), nil
			}
		}
		return agents.InformJSON(msg, m.Recent(q.Limit))
	}
	return msg.NewReply(agents.NotUnderstood, []byte("memory: unknown ontology "+msg.Ontology)), nil
}

func (m *Memory) add(rec agents.TaskRecord) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.ring[m.next] = rec
	m.next = (m.next + 1) % len(m.ring)
	if m.next == 0 {
		m.full = true
	}
}

// Recent returns up to limit task records, newest first (limit <= 0: all).
func (m *Memory) Recent(limit int) []agents.TaskRecord {
	m.mu.Lock()
	defer m.mu.Unlock()
	n := m.next
	if m.full {
		n = len(m.ring)
	}
	if limit <= 0 || limit > n {
		limit = n
	}
	out := make([]agents.TaskRecord, 0, n)
	for i := 1; i <= n; i++ {
		out = append(out, m.ring[(m.next-i+len(m.ring))%len(m.ring)])
	}
	// Records arrive in the order tasks finished; list them by start.
	slices.SortStableFunc(out, func(a, b agents.TaskRecord) int { return b.Started.Compare(a.Started) })
	return out[:limit]
}
