package stack

import (
	"fmt"
	"os"
	"os/exec"
	"runtime"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

const goroutines = 256

// stackInuse is how much stack memory n goroutines hold once started,
// each calling Grow first when grow is set.
func stackInuse(grow bool) uint64 {
	started, release := make(chan struct{}), make(chan struct{})
	defer close(release)
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	for i := 0; i < goroutines; i++ {
		go func() {
			if grow {
				Grow()
			}
			started <- struct{}{}
			<-release
		}()
	}
	for i := 0; i < goroutines; i++ {
		<-started
	}
	runtime.ReadMemStats(&after)
	return after.StackInuse - before.StackInuse
}

// TestMain doubles as the helper process of TestGrowGrowsTheStack, which
// measures in a process of its own (one that ran goroutines before keeps
// their stacks in its caches; a helper test function would skip in the
// normal run, and under CI=true a skip is a failure).
func TestMain(m *testing.M) {
	if grow := os.Getenv("NETLAB_STACK_GROW"); grow != "" {
		fmt.Printf("inuse %d\n", stackInuse(grow == "1"))
		os.Exit(0)
	}
	os.Exit(m.Run())
}

// Goroutines that call Grow hold 16 KiB of stack each; without it they
// hold their first 2 KiB.
func TestGrowGrowsTheStack(t *testing.T) {
	measure := func(grow string) uint64 {
		cmd := exec.Command(os.Args[0])
		cmd.Env = append(os.Environ(), "NETLAB_STACK_GROW="+grow)
		out, err := cmd.CombinedOutput()
		require.NoError(t, err, string(out))
		for _, line := range strings.Split(string(out), "\n") {
			if v, ok := strings.CutPrefix(line, "inuse "); ok {
				n, err := strconv.ParseUint(v, 10, 64)
				require.NoError(t, err)
				return n
			}
		}
		t.Fatalf("no measurement in %s", out)
		return 0
	}
	small, grown := measure("0"), measure("1")
	// A margin for the runtime's own stacks and caches.
	require.Less(t, small, uint64(goroutines*6<<10), "a goroutine that does not grow stays small")
	require.Greater(t, grown, uint64(goroutines*14<<10))
}
