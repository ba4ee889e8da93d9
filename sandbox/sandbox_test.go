package sandbox_test

import (
	"context"
	"os"
	"os/exec"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/netlab/netlab/sandbox"
	"github.com/netlab/netlab/sandbox/sandboxtest"
)

func hostView(t *testing.T) string {
	t.Helper()
	links, err := exec.Command("ip", "-o", "link").CombinedOutput()
	require.NoError(t, err, string(links))
	ents, _ := os.ReadDir("/run/netns")
	var names []string
	for _, e := range ents {
		names = append(names, e.Name())
	}
	return string(links) + "\nnetns: " + strings.Join(names, ",")
}

// A command run through sandbox.Command changes nothing the host can see:
// not its links, not its named namespaces.
func TestCommandIsolatesTheHost(t *testing.T) {
	if why := sandboxtest.Unavailable(); why != "" {
		sandboxtest.Skip(t, why)
	}
	before := hostView(t)
	script := `set -e
ip link add nl-sbx-test type veth peer name nl-sbx-peer
ip netns add nl-sbx-ns
test "$(id -u)" = 0
ip -o link | grep -q nl-sbx-test
ip netns list | grep -q nl-sbx-ns
# the sandbox's /sys shows the sandbox's links, not the host's
test -e /sys/class/net/nl-sbx-test
echo inside-ok`
	cmd, err := sandbox.Command(context.Background(), os.Args[0], nil, []string{"sh", "-c", script})
	require.NoError(t, err)
	out, err := cmd.CombinedOutput()
	require.NoError(t, err, string(out))
	require.Contains(t, string(out), "inside-ok")
	require.Equal(t, before, hostView(t))
	require.NotContains(t, hostView(t), "nl-sbx")
}

// Init outside a sandbox's init does nothing, and this test process (on
// the host) is not inside a sandbox whatever its environment says.
func TestInitOutsideIsANoOp(t *testing.T) {
	t.Setenv("NETLAB_SANDBOX", "1")
	t.Setenv("NETLAB_SANDBOX_INIT", "1")
	require.NoError(t, sandbox.Init())
	require.False(t, sandbox.Inside())
}
