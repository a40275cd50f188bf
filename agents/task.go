package agents

import "time"

// Ontologies of the Memory agent's task history.
const (
	OntologyTaskRecord = "aios.task-record/v1" // inform: content is a []TaskRecord
	OntologyTasks      = "aios.tasks/v1"       // query-ref: content is a TasksQuery; reply: []TaskRecord
)

// TaskRecord is what the kernel remembers of one task.
type TaskRecord struct {
	ID       string        `json:"id"`
	Kind     string        `json:"kind"`
	Started  time.Time     `json:"started"`
	Duration time.Duration `json:"durationNs"`
	Status   string        `json:"status"`
	Error    string        `json:"error,omitempty"`
	Steps    []StepRecord  `json:"steps"`
	// Events are what happened to the task's result afterwards: the
	// escalation policy's decision with its reasons, the user's verdict,
	// a commit, an undo. A record with events and no Started time carries
	// only events for the record of the same ID.
	Events []TaskEvent `json:"events,omitempty"`
}

// TaskEvent is one event of a task.
type TaskEvent struct {
	At      time.Time `json:"at"`
	Kind    string    `json:"kind"` // "decision", "accepted", "rejected", "commit", "undo", ...
	Detail  string    `json:"detail,omitempty"`
	Reasons []string  `json:"reasons,omitempty"`
}

// StepRecord is the trace of one plan step.
type StepRecord struct {
	ID         string        `json:"id"`
	Capability string        `json:"capability"`
	Agent      string        `json:"agent"`
	Start      time.Time     `json:"start"`
	Duration   time.Duration `json:"durationNs"`
	Attempts   int           `json:"attempts"`
	Status     string        `json:"status"`
	Error      string        `json:"error,omitempty"`
}

// TasksQuery asks the Memory agent for the most recent tasks.
type TasksQuery struct {
	Limit int `json:"limit"`
}
