package sandbox

// The two ways ownsNetNS asks, for tests that compare them.
var (
	OwnsBySocket = ownsBySocket
	OwnsByProc   = ownsByProc
)
