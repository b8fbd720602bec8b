// Package relevance measures search quality: a judged query set (graded
// judgments on passages, identified by document and text rather than by
// passage id) scored with nDCG@10, MRR and recall@10 per kind of query,
// and a known-item test built from parallel law sections (a section's
// marginal note as the query, the section and its twin in the other
// language as the answers).
//
// The judged set lives in search/testdata/relevance.json; the test in
// package search runs it over the seeds and the cloud guardrails and fails
// below floors set from measurement, and "vigie eval" prints the same
// table so that a ranking change can be judged in one command.
package relevance
