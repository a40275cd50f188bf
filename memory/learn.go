package memory

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"time"
)

// RecordFeedback stores f (store.AddFeedback) and adds it to the feedback
// index at once, so that the next Retrieve already feels it. An empty ID
// gets a random one and a zero Time the current time; the stored item is
// returned.
func (m *Memory) RecordFeedback(ctx context.Context, f Feedback) (Feedback, error) {
	if err := ctx.Err(); err != nil {
		return f, err
	}
	if err := m.checkOpen(); err != nil {
		return f, err
	}
	if f.ID == "" {
		var b [12]byte
		_, _ = rand.Read(b[:])
		f.ID = "fb-" + hex.EncodeToString(b[:])
	}
	if f.Time.IsZero() {
		f.Time = time.Now()
	}
	f.Files = append([]string(nil), f.Files...)
	if err := m.st.AddFeedback(toStoreFeedback(f)); err != nil {
		return f, fmt.Errorf("memory: record feedback: %w", err)
	}
	m.feedback.add(f)
	return f, nil
}

// SimilarFeedback returns the k stored feedback items whose query and
// detail are most similar to query (BM25), best first.
func (m *Memory) SimilarFeedback(query string, k int) []Feedback {
	if k <= 0 {
		return nil
	}
	return m.feedback.similar(query, k)
}

// Snapshot writes the index snapshot now (Close does it too), so that a
// crash later still reopens fast as long as nothing changed meanwhile.
func (m *Memory) Snapshot() error {
	if err := m.checkOpen(); err != nil {
		return err
	}
	m.writeMu.Lock()
	defer m.writeMu.Unlock()
	if m.snapValid.Load() {
		return nil
	}
	if !m.graphComplete.Load() {
		return fmt.Errorf("memory: snapshot: the knowledge graph did not load completely; see the log")
	}
	if err := m.writeSnapshot(); err != nil {
		return fmt.Errorf("memory: snapshot: %w", err)
	}
	return nil
}
