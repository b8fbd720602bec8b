package loadgen

import (
	"bufio"
	"fmt"
	"os"
	"strconv"
	"strings"
)

// Mem is a process's memory as the kernel reports it.
type Mem struct {
	// RSS is the resident set size now (VmRSS); Peak its high-water mark
	// (VmHWM), both in bytes.
	RSS  int64 `json:"rss_bytes"`
	Peak int64 `json:"peak_rss_bytes"`
}

// ProcMem reads VmRSS and VmHWM of process pid from /proc/PID/status
// (Linux only; elsewhere it returns an error).
func ProcMem(pid int) (Mem, error) {
	f, err := os.Open(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return Mem{}, fmt.Errorf("process memory: %w", err)
	}
	defer f.Close()
	var m Mem
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		name, val, ok := strings.Cut(sc.Text(), ":")
		if !ok || (name != "VmRSS" && name != "VmHWM") {
			continue
		}
		kb, err := strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(val), " kB"), 10, 64)
		if err != nil {
			return Mem{}, fmt.Errorf("process memory: %s: %q", name, val)
		}
		if name == "VmRSS" {
			m.RSS = kb << 10
		} else {
			m.Peak = kb << 10
		}
	}
	if err := sc.Err(); err != nil {
		return Mem{}, fmt.Errorf("process memory: %w", err)
	}
	if m.RSS == 0 && m.Peak == 0 {
		return Mem{}, fmt.Errorf("process memory: no VmRSS in /proc/%d/status", pid)
	}
	return m, nil
}
