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
	max  int
	mu   sync.Mutex // guards recs
	recs []agents.TaskRecord
}

// NewMemory returns a Memory agent that keeps the n most recent task
// records (by start time).
func NewMemory(n int) *Memory {
	if n <= 0 {
		n = 100
	}
	return &Memory{max: n, recs: make([]agents.TaskRecord, 0, n)}
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

// add keeps rec, evicting the record that started first when full. A
// record with events and no start time adds its events to the record of
// the same ID.
func (m *Memory) add(rec agents.TaskRecord) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if rec.Started.IsZero() && len(rec.Events) > 0 {
		for i := range m.recs {
			if m.recs[i].ID == rec.ID {
				m.recs[i].Events = append(m.recs[i].Events, rec.Events...)
				return
			}
		}
		return // the task has been forgotten
	}
	if len(m.recs) < m.max {
		m.recs = append(m.recs, rec)
		return
	}
	oldest := 0
	for i := range m.recs {
		if m.recs[i].Started.Before(m.recs[oldest].Started) {
			oldest = i
		}
	}
	if rec.Started.After(m.recs[oldest].Started) {
		m.recs[oldest] = rec
	}
}

// Recent returns up to limit task records, newest first (limit <= 0: all).
func (m *Memory) Recent(limit int) []agents.TaskRecord {
	m.mu.Lock()
	out := slices.Clone(m.recs)
	m.mu.Unlock()
	slices.SortStableFunc(out, func(a, b agents.TaskRecord) int { return b.Started.Compare(a.Started) })
	if limit > 0 && limit < len(out) {
		out = out[:limit]
	}
	return out
}
