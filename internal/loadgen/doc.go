// Package loadgen drives a request function at a constant rate (open
// loop) or with a fixed number of concurrent clients (closed loop) and
// reports latency percentiles computed exactly from every recorded sample.
//
// Open loop is what a population of independent users does: request i is
// due at start + i/rate whatever happened to the requests before it, and
// its latency is measured from the moment it was due, not from the moment
// a goroutine got round to sending it. A server that falls behind therefore
// shows its queueing in the percentiles instead of silently lowering the
// offered load (the "coordinated omission" of closed-loop tools).
//
// Closed loop is N clients that each send the next request as soon as the
// previous one is answered: it measures the maximum throughput.
//
// The package knows nothing about HTTP or Vigie; cmd/vigie's bench command
// supplies the request function and the query mix (Mix, embedded from
// queries.txt).
package loadgen
