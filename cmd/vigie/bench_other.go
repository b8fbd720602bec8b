//go:build !linux

package main

import "os"

// peakRSS is unknown outside Linux.
func peakRSS(*os.ProcessState) int64 { return 0 }
