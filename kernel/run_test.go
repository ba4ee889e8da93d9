package kernel_test

import (
	"context"
	"os/exec"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/netlab/netlab/kernel"
	"github.com/netlab/netlab/sandbox/sandboxtest"
)

// When a grading run ends, the kernel lets go of the namespaces it read: a
// namespace the learner deletes afterwards dies, and the veth tied to it
// in the root namespace goes with it. (A handle kept open would keep both
// alive for as long as the kernel lives: the solver's, watch's.)
func TestRunEndReleasesNamespaces(t *testing.T) {
	if sandboxtest.Run(t) {
		return
	}
	sh(t, `ip netns add ns0
ip link add v0 type veth peer name e0 netns ns0`)
	k := open(t)
	ctx := context.Background()
	s := kernel.NewSnapshot(k)
	links, err := s.Links(ctx, "ns0")
	require.NoError(t, err)
	require.Len(t, links, 2)
	s.Close()
	sh(t, "ip netns del ns0")
	// The kernel destroys the namespace asynchronously: wait for it, bounded.
	out, err := exec.Command("sh", "-c", `for i in $(seq 500); do ip link show v0 >/dev/null 2>&1 || exit 0; sleep 0.01; done; exit 1`).CombinedOutput()
	require.NoError(t, err, "v0 is still there: the deleted namespace is kept alive\n%s", out)
}
