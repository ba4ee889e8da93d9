package kernel

import (
	"errors"
	"fmt"
	"testing"

	"github.com/stretchr/testify/require"
	"github.com/vishvananda/netlink"
	"golang.org/x/sys/unix"
)

// A dump interrupted by a concurrent change (the library's
// ErrDumpInterrupted, netlab's own dumps' EINTR) is made again from the
// start, a bounded number of times; any other error ends at once.
func TestRetryInterruptedDumps(t *testing.T) {
	for _, tc := range []struct {
		name      string
		errs      []error // the answers of the tries, then success
		wantCalls int
		wantErr   error
	}{
		{"library's interruption", []error{netlink.ErrDumpInterrupted, netlink.ErrDumpInterrupted}, 3, nil},
		{"own dump's interruption, wrapped", []error{fmt.Errorf("dump: %w", unix.EINTR)}, 2, nil},
		{"another error", []error{unix.EPERM}, 1, unix.EPERM},
		{"interrupted every time", []error{unix.EINTR, unix.EINTR, unix.EINTR, unix.EINTR, unix.EINTR, unix.EINTR}, 5, unix.EINTR},
	} {
		t.Run(tc.name, func(t *testing.T) {
			calls := 0
			v, err := retry(func() (int, error) {
				calls++
				if calls <= len(tc.errs) {
					return -1, tc.errs[calls-1]
				}
				return 42, nil
			})
			require.Equal(t, tc.wantCalls, calls)
			if tc.wantErr != nil {
				require.True(t, errors.Is(err, tc.wantErr), "%v", err)
				return
			}
			require.NoError(t, err)
			require.Equal(t, 42, v)
		})
	}
}
