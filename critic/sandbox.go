package critic

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"syscall"
	"time"
)

// SandboxMode selects how builds and tests are isolated.
type SandboxMode string

// Sandbox modes.
const (
	// SandboxAuto uses bubblewrap when it is installed and works (probed
	// once in New), otherwise the fallback.
	SandboxAuto SandboxMode = "auto"
	// SandboxBwrap requires bubblewrap; New fails when it does not work.
	SandboxBwrap SandboxMode = "bwrap"
	// SandboxFallback never uses bubblewrap (see the package documentation
	// for what it does and does not protect).
	SandboxFallback SandboxMode = "fallback"
)

// mount is a bubblewrap bind mount; dst is the path inside the sandbox.
type mount struct {
	src, dst string
	rw       bool
}

// runSpec is one sandboxed command.
type runSpec struct {
	args     []string
	dir      string   // working directory, as the command sees it
	env      []string // the complete environment
	writable []string // host directories bound read-write at the same path (bwrap)
	mounts   []mount  // applied after the base mounts, in order (bwrap)
	timeout  time.Duration
	cpu      time.Duration // RLIMIT_CPU of each process
	mem      int64         // RLIMIT_DATA of each process, bytes
	fsize    int64         // RLIMIT_FSIZE, bytes
	// timesFile, if set, receives the CPU time the command used; it must
	// be writable in the sandbox.
	timesFile string
}

// runResult is what a sandboxed command did.
type runResult struct {
	stdout, stderr []byte
	exitCode       int
	timedOut       bool
	dur            time.Duration
	cpu            time.Duration // user+system time, when timesFile was set
}

// sandbox runs commands in the selected isolation.
type sandbox struct {
	mode      SandboxMode // SandboxBwrap or SandboxFallback
	info      string
	bwrap     string
	netPrefix []string // fallback: command prefix that unshares the network, if one works
}

// maxOutput bounds the stdout and stderr kept from one command.
const maxOutput = 32 << 20

// bwrapBase are the bubblewrap arguments every run starts with: all
// namespaces unshared (network included), the host's file system read-only,
// fresh /dev and /proc, and the sandbox killed with its parent.
func bwrapBase(bwrap string) []string {
	return []string{bwrap, "--unshare-all", "--die-with-parent", "--new-session",
		"--ro-bind", "/", "/", "--dev", "/dev", "--proc", "/proc"}
}

// limitScript applies the resource limits, runs "$@" and writes the CPU
// time of the command and its descendants (the second line of `times`) to
// the file $4.
const limitScript = `ulimit -t "$1" && ulimit -d "$2" && ulimit -f "$3" || exit 125
t=$4
shift 4
"$@"
rc=$?
times > "$t" 2>/dev/null
exit $rc`

// run runs sp. Its error is about the sandbox itself (it could not start,
// or bubblewrap failed to set up) or the cancellation of ctx; a command
// that ran and failed is described by the result.
func (s *sandbox) run(ctx context.Context, sp runSpec) (*runResult, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	runCtx, cancel := context.WithTimeout(ctx, sp.timeout)
	defer cancel()
	cpu := int64(sp.cpu / time.Second)
	if cpu <= 0 {
		cpu = 1
	}
	mem := "unlimited"
	if sp.mem > 0 {
		mem = fmt.Sprint(sp.mem >> 10) // KiB
	}
	fsize := "unlimited"
	if sp.fsize > 0 {
		fsize = fmt.Sprint(sp.fsize >> 9) // 512-byte blocks
	}
	times := os.DevNull
	if sp.timesFile != "" {
		times = sp.timesFile
	}
	inner := append([]string{"/bin/sh", "-c", limitScript, "sh", fmt.Sprint(cpu), mem, fsize, times}, sp.args...)
	var argv []string
	switch s.mode {
	case SandboxBwrap:
		argv = bwrapBase(s.bwrap)
		for _, w := range sp.writable {
			argv = append(argv, "--bind", w, w)
		}
		for _, m := range sp.mounts {
			flag := "--ro-bind"
			if m.rw {
				flag = "--bind"
			}
			argv = append(argv, flag, m.src, m.dst)
		}
		argv = append(argv, "--chdir", sp.dir, "--")
		argv = append(argv, inner...)
	default:
		argv = append(append([]string(nil), s.netPrefix...), inner...)
	}
	cmd := exec.CommandContext(runCtx, argv[0], argv[1:]...)
	cmd.Env = sp.env
	if s.mode != SandboxBwrap {
		cmd.Dir = sp.dir
	}
	// A process group of its own, killed as a whole on timeout: go test's
	// test binaries die with the go command.
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	cmd.Cancel = func() error { return syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL) }
	cmd.WaitDelay = 3 * time.Second
	var stdout, stderr capBuffer
	stdout.max, stderr.max = maxOutput, maxOutput
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	start := time.Now()
	err := cmd.Run()
	res := &runResult{stdout: stdout.Bytes(), stderr: stderr.Bytes(), dur: time.Since(start)}
	if ctx.Err() != nil {
		return nil, ctx.Err()
	}
	res.timedOut = runCtx.Err() != nil
	var exitErr *exec.ExitError
	switch {
	case err == nil:
	case errors.As(err, &exitErr):
		res.exitCode = exitErr.ExitCode()
		if res.exitCode < 0 {
			res.exitCode = 128 + int(syscall.SIGKILL)
		}
	case res.timedOut:
		res.exitCode = 128 + int(syscall.SIGKILL)
	default:
		return nil, fmt.Errorf("%w: %s: %v", ErrSandbox, argv[0], err)
	}
	if s.mode == SandboxBwrap && res.exitCode != 0 && bytes.HasPrefix(res.stderr, []byte("bwrap: ")) {
		return nil, fmt.Errorf("%w: %s", ErrSandbox, strings.TrimSpace(string(res.stderr)))
	}
	if res.exitCode == 125 && bytes.Contains(res.stderr, []byte("ulimit")) {
		return nil, fmt.Errorf("%w: setting resource limits failed: %s", ErrSandbox, strings.TrimSpace(string(res.stderr)))
	}
	if sp.timesFile != "" {
		if data, err := os.ReadFile(sp.timesFile); err == nil {
			res.cpu = parseTimes(string(data))
		}
	}
	return res, nil
}

// parseTimes reads the children's line of the shell's `times` output
// ("0m0.520000s 0m0.080000s") as user+system time.
func parseTimes(out string) time.Duration {
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if len(lines) < 2 {
		return 0
	}
	var total time.Duration
	for _, f := range strings.Fields(lines[1]) {
		m, s, ok := strings.Cut(strings.TrimSuffix(f, "s"), "m")
		if !ok {
			return 0
		}
		d, err := time.ParseDuration(m + "m" + s + "s")
		if err != nil {
			return 0
		}
		total += d
	}
	return total
}

// capBuffer keeps the first max bytes written to it.
type capBuffer struct {
	bytes.Buffer
	max       int
	truncated bool
}

func (b *capBuffer) Write(p []byte) (int, error) {
	if room := b.max - b.Len(); room < len(p) {
		b.truncated = true
		if room > 0 {
			b.Buffer.Write(p[:room])
		}
		return len(p), nil
	}
	return b.Buffer.Write(p)
}

// newSandbox probes the isolation mode asks for.
func newSandbox(ctx context.Context, mode SandboxMode, bwrapPath, tmp string) (*sandbox, error) {
	var bwrapErr error
	if mode == SandboxAuto || mode == SandboxBwrap {
		path := bwrapPath
		if path == "" {
			path = "bwrap"
		}
		var err error
		if path, err = exec.LookPath(path); err == nil {
			err = probe(ctx, append(bwrapBase(path), "--bind", tmp, tmp, "--chdir", tmp, "--", "/bin/sh", "-c", "echo ok > probe"), tmp)
		}
		if err == nil {
			version := "bubblewrap"
			if out, err := exec.CommandContext(ctx, path, "--version").Output(); err == nil {
				version = strings.TrimSpace(string(out))
			}
			return &sandbox{mode: SandboxBwrap, bwrap: path, info: fmt.Sprintf(
				"bwrap (%s at %s): network, PID, IPC, UTS and user namespaces unshared; host file system read-only "+
					"except the shadow copies of the changed directories, a per-review temp dir and aios's own Go build cache (the user's GOCACHE is only read); "+
					"scrubbed environment with GOPROXY=off; per-process CPU, data (committed memory) and file-size limits; "+
					"the whole sandbox killed at the timeout", version, path)}, nil
		}
		bwrapErr = err
		if mode == SandboxBwrap {
			return nil, fmt.Errorf("%w: bubblewrap does not work here: %v (install it with `apt-get install -y bubblewrap`, "+
				"and allow unprivileged user namespaces, or use the fallback sandbox)", ErrSandboxUnavailable, err)
		}
	}
	s := &sandbox{mode: SandboxFallback}
	net := "NO network isolation (unshare -n does not work here): tests can reach the network"
	for _, prefix := range [][]string{{"unshare", "-n"}, {"unshare", "-rn"}} {
		if path, err := exec.LookPath(prefix[0]); err == nil {
			p := append([]string{path}, prefix[1:]...)
			if probe(ctx, append(append([]string(nil), p...), "/bin/true"), tmp) == nil {
				s.netPrefix = p
				net = "network isolated with `" + strings.Join(prefix, " ") + "`"
				break
			}
		}
	}
	why := "fallback requested"
	if bwrapErr != nil {
		why = fmt.Sprintf("bubblewrap unavailable: %v; install it with `apt-get install -y bubblewrap`", bwrapErr)
	}
	s.info = fmt.Sprintf("fallback (%s): builds and tests run in a full copy of the workspace with a scrubbed environment, "+
		"GOPROXY=off, per-process CPU, data (committed memory) and file-size limits and the process group killed at the timeout; "+
		"%s; the host file system is NOT read-only, so a test can still write outside its copy", why, net)
	return s, nil
}

// probe runs argv and reports whether it exited 0.
func probe(ctx context.Context, argv []string, dir string) error {
	ctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, argv[0], argv[1:]...)
	cmd.Dir = dir
	cmd.Env = []string{"PATH=/usr/local/bin:/usr/bin:/bin"}
	out, err := cmd.CombinedOutput()
	if err != nil {
		if msg := strings.TrimSpace(string(out)); msg != "" {
			return fmt.Errorf("%v: %s", err, msg)
		}
		return err
	}
	return nil
}
