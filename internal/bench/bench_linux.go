package bench

import (
	"os"
	"syscall"
)

// peakRSS returns the peak resident set size of an exited child process,
// in bytes (getrusage's ru_maxrss is in KiB on Linux), or 0 if unknown.
func peakRSS(ps *os.ProcessState) int64 {
	if ru, ok := ps.SysUsage().(*syscall.Rusage); ok {
		return ru.Maxrss << 10
	}
	return 0
}

// childAttrs makes the kernel stop a child process when the bench dies
// (killed, or a broken pipe on stdout), so no server is left behind.
func childAttrs() *syscall.SysProcAttr {
	return &syscall.SysProcAttr{Pdeathsig: syscall.SIGTERM}
}
