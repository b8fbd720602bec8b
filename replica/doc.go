// Package replica publishes index generations to an object store and keeps
// a serving replica on the one the store names, so that any number of
// `vigie serve --from URL` processes share one index without a cluster
// protocol of their own.
//
// A store is any bucket that gocloud.dev/blob opens (file://, s3://,
// gs://, azblob://; `?prefix=dir/` puts everything under a folder). It
// holds, for each published generation, one archive and its manifest, and
// one small object naming the live generation:
//
//	generations/<gen>/index.tar.gz   the generation folder (index, manifest, twins, gazetteer) and the change log's records (changes/), tar + gzip
//	generations/<gen>/manifest.json  [Manifest]: sha256 and size of the archive, versions, counts
//	CURRENT                          the live generation's name, written last
//
// [Publish] uploads the archive, then the manifest, then CURRENT: a reader
// that follows CURRENT never meets a generation whose upload has not
// finished, and a crash mid-way leaves CURRENT on the previous generation.
//
// A [Replica] polls CURRENT (every interval, with jitter so that replicas do
// not poll in step, and at once when [Replica.Trigger] is called, on
// SIGHUP). When it names a generation the replica does not serve, it reads
// the manifest, refuses a generation this binary cannot read (archive
// format, bleve major version, index mapping), streams the archive into a
// new folder of its local data folder while hashing it, refuses it unless
// the size and sha256 match the manifest, opens it, warms it with a few
// searches and hands it to the install function, which swaps it in without
// failing a request. A refused generation is logged, counted in
// vigie_replica_refused_total{reason} and not tried again until its
// manifest changes; the replica keeps serving what it has.
//
// The local data folder has the layout of [indexer.Open]'s (CURRENT plus
// gen-… folders), so a restarted replica opens its last generation at once
// and answers before it has read the store. It keeps the generation it
// served before the current one, so that a store whose CURRENT goes back to
// it (a rollback) is served again without a download.
package replica
