package store

import (
	"crypto/rand"
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"time"
)

// Feedback is one user reaction to something aios proposed.
type Feedback struct {
	ID       string // empty: AddFeedback assigns a random one
	Time     time.Time
	Query    string
	Action   string // e.g. "quickfix", "ai-fix"
	Accepted bool
	Detail   string
	Files    []string
	TaskID   string
}

// maxFeedbackFiles bounds Feedback.Files.
const maxFeedbackFiles = 10000

func (f *Feedback) validate() error {
	if err := checkName("feedback ID", f.ID); err != nil {
		return err
	}
	if err := checkTime("feedback time", f.Time); err != nil {
		return err
	}
	if err := checkText("feedback query", f.Query); err != nil {
		return err
	}
	if err := checkText("feedback detail", f.Detail); err != nil {
		return err
	}
	if len(f.Action) > maxShort || len(f.TaskID) > maxShort {
		return invalid("feedback action or task ID longer than %d bytes", maxShort)
	}
	if len(f.Files) > maxFeedbackFiles {
		return invalid("feedback names %d files (limit %d)", len(f.Files), maxFeedbackFiles)
	}
	for _, p := range f.Files {
		if len(p) > maxShort {
			return invalid("feedback file name longer than %d bytes", maxShort)
		}
	}
	return nil
}

// AddFeedback stores f. An empty ID gets a random one and a zero Time the
// current time. Adding an ID that is already stored replaces that record in
// place (so a retried write does not duplicate it).
func (t *Tx) AddFeedback(f Feedback) (err error) {
	defer recoverCorrupt(&err)
	err = func() error {
		if err := t.writable(); err != nil {
			return err
		}
		if f.ID == "" {
			var b [12]byte
			if _, err := rand.Read(b[:]); err != nil {
				return err
			}
			f.ID = hex.EncodeToString(b[:])
		}
		if f.Time.IsZero() {
			f.Time = time.Now()
		}
		if err := f.validate(); err != nil {
			return err
		}
		fb, err := t.bucket(bFeedback)
		if err != nil {
			return err
		}
		ids, err := t.bucket(bFeedbackIDs)
		if err != nil {
			return err
		}
		key := ids.Get([]byte(f.ID))
		if key == nil {
			seq, err := fb.NextSequence()
			if err != nil {
				return err
			}
			key = binary.BigEndian.AppendUint64(nil, seq)
			if err := ids.Put([]byte(f.ID), key); err != nil {
				return err
			}
		} else {
			key = append([]byte(nil), key...)
		}
		return fb.Put(key, encodeFeedback(&f))
	}()
	if err != nil {
		return fmt.Errorf("store: add feedback: %w", err)
	}
	return nil
}

// ForEachFeedback calls fn with every feedback record in the order they
// were first added. Times are in UTC. An error from fn stops the walk and is
// returned unchanged.
func (t *Tx) ForEachFeedback(fn func(Feedback) error) (err error) {
	defer recoverCorrupt(&err)
	fb, err := t.bucket(bFeedback)
	if err != nil {
		return err
	}
	c := fb.Cursor()
	for k, v := c.First(); k != nil; k, v = c.Next() {
		f, err := decodeFeedback(v)
		if err != nil {
			return fmt.Errorf("store: %w", corrupt("feedback", k, err))
		}
		if err := call1(fn, f); err != nil {
			return err
		}
	}
	return nil
}
