//go:build unix

package syntax

import (
	"syscall"
	"time"
)

// processCPU returns the CPU time the process has used, so that
// benchmarks can report CPU per operation, which machine load does not
// inflate the way it inflates wall time.
func processCPU() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
