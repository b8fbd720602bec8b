package loadgen

import (
	"bufio"
	"fmt"
	"os"
	"strconv"
	"strings"
	"time"
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

// ProcCPU returns the CPU time (user + system) process pid has used, from
// /proc/PID/stat (Linux only). Clock ticks are taken as 1/100 s, the
// USER_HZ of every Linux architecture Go supports.
func ProcCPU(pid int) (time.Duration, error) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return 0, fmt.Errorf("process CPU: %w", err)
	}
	// The command name (field 2) may hold spaces; fields after its closing
	// parenthesis are fixed: utime and stime are the 12th and 13th.
	s := string(b)
	f := strings.Fields(s[strings.LastIndexByte(s, ')')+1:])
	if len(f) < 13 {
		return 0, fmt.Errorf("process CPU: short /proc/%d/stat", pid)
	}
	u, err1 := strconv.ParseInt(f[11], 10, 64)
	st, err2 := strconv.ParseInt(f[12], 10, 64)
	if err1 != nil || err2 != nil {
		return 0, fmt.Errorf("process CPU: bad /proc/%d/stat", pid)
	}
	return time.Duration(u+st) * 10 * time.Millisecond, nil
}
