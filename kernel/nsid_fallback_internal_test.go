package kernel

import (
	"context"
	"os/exec"
	"testing"

	"github.com/stretchr/testify/require"
	"golang.org/x/sys/unix"

	"github.com/netlab/netlab/sandbox/sandboxtest"
)

// The fallback used where RTM_GETNSID is refused (qemu-user) must give
// the kernel's own answer, for namespaces linked by a veth and for ones
// that are not.
func TestNSIDByPeersAgreesWithTheKernel(t *testing.T) {
	if sandboxtest.Run(t) {
		return
	}
	out, err := exec.Command("sh", "-ec", `
ip netns add a; ip netns add b; ip netns add c; ip netns add lonely
ip link add x0 netns a type veth peer name x1 netns b
ip link add y0 netns b type veth peer name y1 netns c
ip link add z0 type veth peer name z1 netns c
`).CombinedOutput()
	require.NoError(t, err, string(out))
	k, err := New()
	require.NoError(t, err)
	t.Cleanup(func() { k.Close() })
	ctx := context.Background()
	pairs := [][2]string{{"a", "b"}, {"b", "a"}, {"b", "c"}, {"c", "b"}, {Root, "c"}, {"c", Root}}
	for _, p := range pairs {
		want, err := k.NSID(ctx, p[0], p[1])
		require.NoError(t, err)
		require.GreaterOrEqual(t, want, 0, "%v are linked by a veth", p)
		got, err := k.nsidByPeers(ctx, p[0], p[1])
		require.NoError(t, err)
		require.Equal(t, want, got, "nsid of %q in %q", p[1], p[0])
	}
	got, err := k.nsidByPeers(ctx, "a", "lonely")
	require.NoError(t, err)
	require.Equal(t, -1, got, "no veth links a and lonely")
	got, err = k.nsidByPeers(ctx, "a", "c")
	require.NoError(t, err)
	require.Equal(t, -1, got, "a has no veth into c")
}

func TestNSIDRefusedIsOnlyTheEmulatorsAnswer(t *testing.T) {
	require.True(t, nsidRefused(unix.EOPNOTSUPP))
	require.False(t, nsidRefused(unix.EPERM))
	require.False(t, nsidRefused(unix.ENOENT))
}
