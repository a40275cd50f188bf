package critic

import (
	"context"
	"net"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
)

// TestHelperDial is not a test: run by the sandbox tests as a child
// process, it dials AIOS_CRITIC_DIAL and exits 0 only when that works.
func TestHelperDial(t *testing.T) {
	addr := os.Getenv("AIOS_CRITIC_DIAL")
	if addr == "" {
		t.Skip("helper process only")
	}
	conn, err := net.DialTimeout("tcp", addr, 2*time.Second)
	if err != nil {
		t.Fatalf("dial: %v", err)
	}
	conn.Close()
}

// sandboxRun runs argv in c's sandbox with the workspace as working dir.
func sandboxRun(t *testing.T, c *Critic, env []string, timeout time.Duration, argv ...string) *runResult {
	t.Helper()
	tmp := t.TempDir()
	res, err := c.sandbox.run(context.Background(), runSpec{
		args: argv, dir: c.root, env: append([]string{"PATH=/usr/bin:/bin"}, env...), writable: []string{tmp},
		timeout: timeout, cpu: timeout, mem: 1 << 30, fsize: 1 << 20,
	})
	if err != nil {
		t.Fatalf("sandbox run %q: %v", argv, err)
	}
	return res
}

func TestSandboxNoNetwork(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	go func() {
		for {
			conn, err := ln.Accept()
			if err != nil {
				return
			}
			conn.Close()
		}
	}()
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	env := []string{"AIOS_CRITIC_DIAL=" + ln.Addr().String()}
	// The helper reaches the listener from outside the sandbox ...
	direct := sandboxRun(t, &Critic{root: t.TempDir(), sandbox: &sandbox{mode: SandboxFallback}}, env, 30*time.Second, exe, "-test.run=^TestHelperDial$")
	if direct.exitCode != 0 {
		t.Fatalf("helper cannot dial without a sandbox: %s%s", direct.stdout, direct.stderr)
	}
	// ... and not from inside.
	for _, mode := range []SandboxMode{SandboxAuto, SandboxFallback} {
		c := newCritic(t, t.TempDir(), func(o *Options) { o.Sandbox = mode })
		if c.SandboxMode() == SandboxFallback && c.sandbox.netPrefix == nil {
			t.Logf("%s: no network isolation available: %s", mode, c.SandboxInfo())
			continue
		}
		res := sandboxRun(t, c, env, 30*time.Second, exe, "-test.run=^TestHelperDial$")
		if res.exitCode == 0 || !strings.Contains(string(res.stdout), "dial") {
			t.Errorf("%s (%s): dial from the sandbox worked: exit %d: %s%s", mode, c.SandboxMode(), res.exitCode, res.stdout, res.stderr)
		}
	}
}

func TestSandboxReadOnlyHost(t *testing.T) {
	ws := t.TempDir()
	c := newCritic(t, ws, nil)
	requireBwrap(t, c)
	outside := filepath.Join(t.TempDir(), "escaped")
	res := sandboxRun(t, c, nil, 30*time.Second, "/bin/sh", "-c", "echo x > "+outside+"; echo y > "+filepath.Join(ws, "w"))
	if res.exitCode == 0 || !strings.Contains(string(res.stderr), "Read-only file system") {
		t.Fatalf("write outside the sandbox: exit %d: %s", res.exitCode, res.stderr)
	}
	for _, p := range []string{outside, filepath.Join(ws, "w")} {
		if _, err := os.Stat(p); err == nil {
			t.Errorf("%s was written from the sandbox", p)
		}
	}
}

func TestSandboxKillsAtTimeout(t *testing.T) {
	for _, mode := range []SandboxMode{SandboxAuto, SandboxFallback} {
		c := newCritic(t, t.TempDir(), func(o *Options) { o.Sandbox = mode })
		start := time.Now()
		// A child that ignores the end of its parent shell: the process
		// group (or the PID namespace) must go.
		res := sandboxRun(t, c, nil, time.Second, "/bin/sh", "-c", "sleep 60 & sleep 60")
		if !res.timedOut || time.Since(start) > 10*time.Second {
			t.Errorf("%s: timedOut=%v after %v", c.SandboxMode(), res.timedOut, time.Since(start))
		}
	}
}

func TestSandboxLimits(t *testing.T) {
	c := newCritic(t, t.TempDir(), nil)
	res := sandboxRun(t, c, nil, 30*time.Second, "/bin/sh", "-c", "ulimit -d; ulimit -f; ulimit -t")
	want := "1048576\n2048\n30\n"
	if string(res.stdout) != want {
		t.Fatalf("limits in the sandbox = %q, want %q (stderr %s)", res.stdout, want, res.stderr)
	}
	// The environment is the one given, nothing else (the shell that sets
	// the limits adds PWD).
	res = sandboxRun(t, c, []string{"ONLY=1"}, 30*time.Second, "/usr/bin/env")
	got := strings.Fields(string(res.stdout))
	got = slices.DeleteFunc(got, func(s string) bool { return strings.HasPrefix(s, "PWD=") })
	if len(got) != 2 {
		t.Fatalf("environment leaked into the sandbox: %q", got)
	}
}

// TestReviewNoNetwork: a test added by a patch cannot reach the host.
func TestReviewNoNetwork(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	ws := calcModule(t)
	c := newCritic(t, ws, nil)
	if c.SandboxMode() == SandboxFallback && c.sandbox.netPrefix == nil {
		t.Skipf("no network isolation here: %s", c.SandboxInfo())
	}
	dial := `package calc

import (
	"net"
	"testing"
)

func TestNoNetwork(t *testing.T) {
	if c, err := net.Dial("tcp", "` + ln.Addr().String() + `"); err == nil {
		c.Close()
		t.Fatal("the network is reachable from the sandbox")
	}
}
`
	rv := review(t, c, Task{Kind: KindTests}, Patch{[]FileChange{fchange("calc/net_test.go", dial)}})
	if !rv.Accepted {
		t.Fatalf("network reachable (or review failed):\n%s", explain(rv))
	}
}

// TestReviewContainment: in bwrap mode a test under review can write in its
// own package directory (a copy) and its temp dir, but not to the rest of
// the workspace or the host.
func TestReviewContainment(t *testing.T) {
	ws := calcModule(t)
	c := newCritic(t, ws, nil)
	requireBwrap(t, c)
	outside := filepath.Join(t.TempDir(), "escaped")
	probe := `package calc

import (
	"os"
	"path/filepath"
	"testing"
)

func TestContainment(t *testing.T) {
	for _, p := range []string{"` + outside + `", "` + filepath.Join(ws, "README.md") + `", "` + filepath.Join(ws, "cmd", "sum", "x") + `"} {
		if err := os.WriteFile(p, []byte("x"), 0o644); err == nil {
			t.Errorf("wrote %s", p)
		}
	}
	for _, p := range []string{"own.txt", filepath.Join(t.TempDir(), "tmp.txt")} {
		if err := os.WriteFile(p, []byte("x"), 0o644); err != nil {
			t.Errorf("cannot write %s: %v", p, err)
		}
	}
}
`
	rv := review(t, c, Task{Kind: KindTests}, Patch{[]FileChange{fchange("calc/contain_test.go", probe)}})
	if !rv.Accepted || !strings.Contains(strings.Join(rv.Dimension(DimTests).Evidence, " "), "3 tests pass") {
		t.Fatalf("containment:\n%s", explain(rv))
	}
	if _, err := os.Stat(outside); err == nil {
		t.Fatal("the test under review wrote outside the sandbox")
	}
}
