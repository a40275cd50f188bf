package store

import (
	"encoding/json"
	"fmt"
	"os"
	"strings"
	"time"
)

// ownerRecord is written next to the store file (path + ".owner") by a
// read-write Open, so that a second aios blocked on the lock can say who
// holds it. It is advisory: the flock on the store file is the lock.
type ownerRecord struct {
	PID     int       `json:"pid"`
	Host    string    `json:"host"`
	Command string    `json:"command"`
	Opened  time.Time `json:"opened"`
}

func ownerPath(path string) string { return path + ".owner" }

func writeOwner(path string) error {
	host, _ := os.Hostname()
	rec := ownerRecord{PID: os.Getpid(), Host: host, Command: strings.Join(os.Args, " "), Opened: time.Now().UTC()}
	if len(rec.Command) > 200 {
		rec.Command = rec.Command[:200] + "…"
	}
	b, err := json.Marshal(rec)
	if err != nil {
		return err
	}
	tmp := ownerPath(path) + ".tmp"
	if err := os.WriteFile(tmp, b, 0o600); err != nil {
		return err
	}
	return os.Rename(tmp, ownerPath(path))
}

func readOwner(path string) (ownerRecord, bool) {
	b, err := os.ReadFile(ownerPath(path))
	if err != nil || len(b) > 4096 {
		return ownerRecord{}, false
	}
	var rec ownerRecord
	if json.Unmarshal(b, &rec) != nil || rec.PID <= 0 {
		return ownerRecord{}, false
	}
	return rec, true
}

// removeOwner deletes the owner record if this process wrote it.
func removeOwner(path string) {
	if rec, ok := readOwner(path); ok && rec.PID == os.Getpid() {
		_ = os.Remove(ownerPath(path))
	}
}

// lockError explains a lock timeout: which process holds the lock (from the
// kernel's lock table where the platform has one, else the owner record)
// and what to do about it.
func lockError(path string, timeout time.Duration, readOnly bool, cause error) error {
	holder, self := describeHolder(path)
	mode := "read-write"
	hint := "another aios is probably serving this workspace: close it first (read-only opens wait for it too)"
	if readOnly {
		mode = "read-only"
		hint = "a read-write aios holds it exclusively: close it first"
	}
	if self {
		hint = "share the Store that is already open instead of opening the file twice"
	}
	return fmt.Errorf("store: %w: %s open of %s timed out after %v; held by %s; %s (%v)",
		ErrLocked, mode, path, timeout, holder, hint, cause)
}

// describeHolder names the lock holders; self is true when this process
// is one of them.
func describeHolder(path string) (desc string, self bool) {
	rec, haveRec := readOwner(path)
	pids := lockHolders(path)
	if len(pids) == 0 {
		if haveRec {
			return fmt.Sprintf("pid %d on %s (%q, opened %s, from its owner record)",
				rec.PID, rec.Host, rec.Command, rec.Opened.Format(time.RFC3339)), rec.PID == os.Getpid()
		}
		return "an unknown process (no owner record; perhaps a read-only reader or another bbolt tool)", false
	}
	parts := make([]string, 0, len(pids))
	for _, pid := range pids {
		s := fmt.Sprintf("pid %d", pid)
		if cmd := processCommand(pid); cmd != "" {
			s += fmt.Sprintf(" (%q)", cmd)
		}
		if pid == os.Getpid() {
			s += " (this process: the store is already open here)"
			self = true
		}
		if haveRec && rec.PID == pid {
			s += ", opened " + rec.Opened.Format(time.RFC3339)
		}
		parts = append(parts, s)
	}
	return strings.Join(parts, ", "), self
}
