// Package random fills buffers from the kernel's random number generator
// (getrandom(2)): the nonces of netlab's probes and the names of its
// sandboxes.
//
// crypto/rand says the same, but the first read through it sets up a
// deterministic generator in user space, and linking it costs every
// netlab start the init of a dozen crypto packages: a tenth of a
// millisecond of a `netlab check` that takes a few. netlab needs
// unpredictable bytes, a handful at a time, not a generator.
//
// For the same reason it makes the system call itself: unix.Getrandom
// goes through the vDSO, whose first call on each thread maps and
// faults in a state for it, several times the cost of the call.
package random

import (
	"unsafe"

	"golang.org/x/sys/unix"
)

// Read fills b with random bytes, or says why it could not.
func Read(b []byte) error {
	for len(b) > 0 {
		n, _, errno := unix.Syscall(unix.SYS_GETRANDOM, uintptr(unsafe.Pointer(&b[0])), uintptr(len(b)), 0)
		if errno == unix.EINTR {
			continue
		}
		if errno != 0 {
			return errno
		}
		b = b[n:]
	}
	return nil
}
