package store

import (
	"bufio"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// startChild re-executes the test binary in a child mode and returns it
// with a reader of its stdout.
func startChild(t *testing.T, mode string) (*exec.Cmd, *bufio.Scanner, func()) {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), childEnv+"="+mode)
	cmd.Stderr = os.Stderr
	stdin, err := cmd.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = cmd.Process.Kill(); _ = cmd.Wait() })
	return cmd, bufio.NewScanner(out), func() { _ = stdin.Close() }
}

// TestCrashSafety SIGKILLs a child that writes batches (chunks, vectors,
// feedback, task events, deletions and a marker, one transaction each) at
// a random moment, then reopens the store: bbolt's consistency check and
// the package's invariants pass, every batch the child reported as
// committed is complete, and nothing of a later batch is visible. The same
// file is crashed repeatedly.
func TestCrashSafety(t *testing.T) {
	if testing.Short() {
		t.Skip("re-executes the test binary")
	}
	path := filepath.Join(t.TempDir(), FileName)
	rng := rand.New(rand.NewPCG(uint64(time.Now().UnixNano()), 42))
	reported := -1
	kills := 0
	for round := 0; round < 10; round++ {
		cmd, lines, _ := startChild(t, "crash:"+path)
		target := 1 + rng.IntN(25)
		for n := 0; n < target && lines.Scan(); n++ {
			reported = parseCommitted(t, lines.Text())
		}
		// While the child writes, another Open is refused as locked (its
		// pre-check reads the file under the writer's feet and must not
		// mistake a growing file for a truncated one).
		if _, err := Open(path, Options{Timeout: time.Millisecond}); !errors.Is(err, ErrLocked) {
			t.Fatalf("round %d: Open during writes: %v, want ErrLocked", round, err)
		}
		// Kill at a random point within the following batches.
		delay := time.Duration(rng.IntN(4000)) * time.Microsecond
		timer := time.NewTimer(delay)
		<-timer.C
		if err := cmd.Process.Signal(syscall.SIGKILL); err != nil {
			t.Fatal(err)
		}
		// Lines already written before the kill still count as committed.
		for lines.Scan() {
			reported = parseCommitted(t, lines.Text())
		}
		err := cmd.Wait()
		var exit *exec.ExitError
		if !errors.As(err, &exit) || exit.Sys().(syscall.WaitStatus).Signal() != syscall.SIGKILL {
			t.Fatalf("child ended with %v, want SIGKILL (did it fail early? see stderr)", err)
		}
		kills++

		s, err := Open(path, Options{})
		if err != nil {
			t.Fatalf("round %d: reopen after SIGKILL: %v", round, err)
		}
		if err := s.Check(); err != nil {
			t.Fatalf("round %d: %v", round, err)
		}
		last, err := lastBatch(s)
		if err != nil {
			t.Fatal(err)
		}
		// The child may have committed one more batch than it printed.
		if last != reported && last != reported+1 {
			t.Fatalf("round %d: marker %d, child reported %d committed", round, last, reported)
		}
		verifyBatches(t, s, last)
		t.Logf("round %d: killed after %v, %d batches committed in total", round, delay, last+1)
		reported = last
		if err := s.Close(); err != nil {
			t.Fatal(err)
		}
	}
	if kills == 0 {
		t.Fatal("no child was killed")
	}
}

func parseCommitted(t *testing.T, line string) int {
	t.Helper()
	s, ok := strings.CutPrefix(line, "committed ")
	n, err := strconv.Atoi(s)
	if !ok || err != nil {
		t.Fatalf("unexpected child output %q", line)
	}
	return n
}

func TestOpenLockedByAnotherProcess(t *testing.T) {
	path := filepath.Join(t.TempDir(), FileName)
	cmd, lines, release := startChild(t, "hold:"+path)
	if !lines.Scan() || lines.Text() != "ready" {
		t.Fatalf("child did not get ready: %q", lines.Text())
	}
	_, err := Open(path, Options{Timeout: 150 * time.Millisecond})
	wantErr(t, err, ErrLocked)
	msg := err.Error()
	t.Log(msg)
	if !strings.Contains(msg, fmt.Sprintf("pid %d", cmd.Process.Pid)) || !strings.Contains(msg, "opened ") ||
		!strings.Contains(msg, "another aios") {
		t.Fatalf("error does not name the holder: %s", msg)
	}
	_, err = Open(path, Options{ReadOnly: true, Timeout: 50 * time.Millisecond})
	wantErr(t, err, ErrLocked)

	release()
	if err := cmd.Wait(); err != nil {
		t.Fatalf("holder: %v", err)
	}
	s, err := Open(path, Options{Timeout: 150 * time.Millisecond})
	if err != nil {
		t.Fatalf("open after the holder exited: %v", err)
	}
	_ = s.Close()
}

func TestOpenLockedInThisProcess(t *testing.T) {
	s, path := openTemp(t, Options{NoSync: true})
	_, err := Open(path, Options{Timeout: 50 * time.Millisecond})
	wantErr(t, err, ErrLocked)
	t.Log(err)
	if !strings.Contains(err.Error(), fmt.Sprintf("pid %d", os.Getpid())) {
		t.Fatalf("error does not name this process: %v", err)
	}
	_ = s.Close()
	s2, err := Open(path, Options{Timeout: 50 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	_ = s2.Close()
}
