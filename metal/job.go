package metal

import (
	"sync"
	"sync/atomic"
	"time"

	"github.com/hybridgroup/yzma/pkg/llama"
)

// A job is one admitted request on its way through the engine. The caller's
// goroutine waits on it; the engine fills it. Fields above mu are set
// before submit and read-only after.
type job struct {
	embed     bool
	tokens    []llama.Token   // generation: the prompt
	texts     [][]llama.Token // embeddings: one prompt per text
	maxTokens int
	stops     []string
	sampling  Sampling
	session   string
	ignoreEOS bool
	adapter   adapterCfg // set by submit, under Model.mu
	queued    time.Time

	cancelled atomic.Bool
	notify    chan struct{} // capacity 1: something was posted

	mu      sync.Mutex
	pieces  []string
	done    bool
	result  GenerateResult
	vectors [][]float32
	err     error
}

func newJob() *job {
	return &job{notify: make(chan struct{}, 1), queued: time.Now()}
}

func (j *job) signal() {
	select {
	case j.notify <- struct{}{}:
	default:
	}
}

// post queues a piece of text for the caller.
func (j *job) post(piece string) {
	j.mu.Lock()
	j.pieces = append(j.pieces, piece)
	j.mu.Unlock()
	j.signal()
}

// finish ends the job with a result or an error.
func (j *job) finish(res GenerateResult, vectors [][]float32, err error) {
	j.mu.Lock()
	if !j.done {
		j.done, j.result, j.vectors, j.err = true, res, vectors, err
	}
	j.mu.Unlock()
	j.signal()
}

// take returns the pieces posted so far and whether the job is done.
func (j *job) take() ([]string, bool) {
	j.mu.Lock()
	defer j.mu.Unlock()
	p := j.pieces
	j.pieces = nil
	return p, j.done
}
