// Package random fills buffers from the kernel's random number generator
// (getrandom(2)): the nonces of netlab's probes and the names of its
// sandboxes.
//
// crypto/rand says the same, but the first read through it sets up a
// deterministic generator in user space, and linking it costs every
// netlab start the init of a dozen crypto packages: a tenth of a
// millisecond of a `netlab check` that takes a few. netlab needs
// unpredictable bytes, a handful at a time, not a generator.
package random

import (
	"errors"

	"golang.org/x/sys/unix"
)

// Read fills b with random bytes, or says why it could not.
func Read(b []byte) error {
	for len(b) > 0 {
		n, err := unix.Getrandom(b, 0)
		if errors.Is(err, unix.EINTR) {
			continue
		}
		if err != nil {
			return err
		}
		b = b[n:]
	}
	return nil
}
