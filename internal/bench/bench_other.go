//go:build !linux

package bench

import (
	"os"
	"syscall"
)

// peakRSS is unknown outside Linux.
func peakRSS(*os.ProcessState) int64 { return 0 }

// childAttrs has nothing to add outside Linux.
func childAttrs() *syscall.SysProcAttr { return nil }
