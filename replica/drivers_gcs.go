//go:build gcs

package replica

// gs:// stores, in a binary built with -tags gcs (about 21 MB more).
import _ "gocloud.dev/blob/gcsblob"
