package store

import (
	"fmt"
	"time"
)

// TaskEvent is one step in the life of an agent task.
type TaskEvent struct {
	TaskID string
	Time   time.Time
	Kind   string
	Detail string
}

// AddTaskEvent appends e to its task's events. A zero Time gets the
// current time.
func (t *Tx) AddTaskEvent(e TaskEvent) (err error) {
	defer recoverCorrupt(&err)
	err = func() error {
		if err := t.writable(); err != nil {
			return err
		}
		if e.Time.IsZero() {
			e.Time = time.Now()
		}
		if err := checkName("task ID", e.TaskID); err != nil {
			return err
		}
		if err := checkTime("task event time", e.Time); err != nil {
			return err
		}
		if len(e.Kind) > maxShort {
			return invalid("task event kind longer than %d bytes", maxShort)
		}
		if err := checkText("task event detail", e.Detail); err != nil {
			return err
		}
		tb, err := t.bucket(bTasks)
		if err != nil {
			return err
		}
		seq, err := tb.NextSequence()
		if err != nil {
			return err
		}
		return tb.Put(seqKey(e.TaskID, seq), encodeTaskEvent(&e))
	}()
	if err != nil {
		return fmt.Errorf("store: add task event: %w", err)
	}
	return nil
}

// TaskEvents returns taskID's events in the order they were added, with
// times in UTC. An unknown task has none.
func (t *Tx) TaskEvents(taskID string) (events []TaskEvent, err error) {
	defer recoverCorrupt(&err)
	if err := checkName("task ID", taskID); err != nil {
		return nil, fmt.Errorf("store: task events: %w", err)
	}
	tb, err := t.bucket(bTasks)
	if err != nil {
		return nil, err
	}
	prefix := prefixKey(taskID)
	var out []TaskEvent
	c := tb.Cursor()
	for k, v := c.Seek(prefix); k != nil && hasPrefix(k, prefix); k, v = c.Next() {
		if len(k) != len(prefix)+8 {
			return nil, fmt.Errorf("store: %w: task event key %q", ErrCorrupt, k)
		}
		ev, err := decodeTaskEvent(taskID, v)
		if err != nil {
			return nil, fmt.Errorf("store: %w", corrupt("task event", k, err))
		}
		out = append(out, ev)
	}
	return out, nil
}
