//go:build azblob

package replica

// azblob:// stores, in a binary built with -tags azblob.
import _ "gocloud.dev/blob/azureblob"
