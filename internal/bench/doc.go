// Package bench is `vigie bench`: it indexes a corpus (or a deterministic
// fraction of its files) in a temporary folder with the vigie binary, serves
// it in a child process on loopback, and measures indexing time and memory,
// the time to the first search after a restart, the API's overhead over an
// in-process search, throughput with N clients (closed loop) and latency at
// a constant rate (open loop). The report is printed as a table or JSON.
//
// It is an offline tool, kept out of the runtime packages; method and
// figures are in docs/performance.md.
package bench
