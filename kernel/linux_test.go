package kernel_test

import (
	"context"
	"net"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/netlab/netlab/kernel"
	"github.com/netlab/netlab/sandbox/sandboxtest"
)

func TestMain(m *testing.M) { sandboxtest.Main(m) }

func sh(t *testing.T, script string) {
	t.Helper()
	out, err := exec.Command("sh", "-ec", script).CombinedOutput()
	require.NoError(t, err, string(out))
}

func open(t *testing.T) *kernel.Linux {
	t.Helper()
	k, err := kernel.New()
	require.NoError(t, err)
	t.Cleanup(func() { k.Close() })
	return k
}

func TestVethAcrossNamespaces(t *testing.T) {
	if sandboxtest.Run(t) {
		return
	}
	ctx := context.Background()
	sh(t, `
ip netns add ns0; ip netns add ns1
ip link add veth0 type veth peer name veth1
ip link set veth0 netns ns0; ip link set veth1 netns ns1
ip -n ns0 addr add 10.0.0.1/24 dev veth0; ip -n ns1 addr add 10.0.0.2/24 dev veth1
ip -n ns0 link set veth0 up; ip -n ns1 link set veth1 up
ip -n ns0 link set lo up; ip -n ns1 link set lo up
`)
	k := open(t)
	nss, err := k.Namespaces(ctx)
	require.NoError(t, err)
	require.Equal(t, []string{"ns0", "ns1"}, nss)

	links, err := k.Links(ctx, "ns0")
	require.NoError(t, err)
	var v0 kernel.Link
	for _, l := range links {
		if l.Name == "veth0" {
			v0 = l
		}
	}
	require.Equal(t, "veth", v0.Type)
	require.True(t, v0.AdminUp)
	id, err := k.NSID(ctx, "ns0", "ns1")
	require.NoError(t, err)
	require.GreaterOrEqual(t, id, 0)
	require.Equal(t, id, v0.PeerNetNSID, "veth0's peer lives in ns1")
	l1, err := k.Links(ctx, "ns1")
	require.NoError(t, err)
	found := false
	for _, l := range l1 {
		if l.Name == "veth1" {
			require.Equal(t, v0.ParentIndex, l.Index)
			found = true
		}
	}
	require.True(t, found)

	r, err := k.RouteGet(ctx, "ns0", net.ParseIP("10.0.0.2"))
	require.NoError(t, err)
	require.Equal(t, "unicast", r.Type)
	require.Equal(t, "veth0", r.Dev)
	r, err = k.RouteGet(ctx, "ns0", net.ParseIP("10.0.0.1"))
	require.NoError(t, err)
	require.Equal(t, "local", r.Type)

	res, err := k.Ping(ctx, "ns0", net.ParseIP("10.0.0.2"), kernel.PingOpts{Count: 3, Timeout: 2 * time.Second})
	require.NoError(t, err)
	require.NoError(t, res.Err)
	require.GreaterOrEqual(t, res.Received, 1)

	tr, err := k.ProbeTCP(ctx, kernel.TCPProbe{
		ServerNS: "ns1", Listen: net.TCPAddr{IP: net.ParseIP("10.0.0.2")},
		ClientNS: "ns0", Dial: net.TCPAddr{IP: net.ParseIP("10.0.0.2")},
		Timeout: 2 * time.Second,
	})
	require.NoError(t, err)
	require.NoError(t, tr.Err)
	require.True(t, tr.Connected)
	require.Equal(t, "10.0.0.1", tr.SeenFrom.String())

	v, err := k.Sysctl(ctx, "ns0", "net.ipv4.ip_forward")
	require.NoError(t, err)
	require.Equal(t, "0", v)
}

func TestPingRefusedWhenLoDown(t *testing.T) {
	if sandboxtest.Run(t) {
		return
	}
	sh(t, `ip netns add ns0`)
	k := open(t)
	res, err := k.Ping(context.Background(), "ns0", net.ParseIP("127.0.0.1"), kernel.PingOpts{Timeout: time.Second})
	require.NoError(t, err)
	require.Zero(t, res.Received)
	require.Error(t, res.Err, "the kernel refuses to send: network unreachable")
	require.Contains(t, strings.ToLower(res.Err.Error()), "unreachable")
}

func TestStaleNamespaceFile(t *testing.T) {
	if sandboxtest.Run(t) {
		return
	}
	require.NoError(t, os.WriteFile("/run/netns/ghost", nil, 0o644))
	k := open(t)
	st, err := k.NamespaceState(context.Background(), "ghost")
	require.NoError(t, err)
	require.Equal(t, kernel.NSStale, st)
	nss, err := k.Namespaces(context.Background())
	require.NoError(t, err)
	require.Empty(t, nss)
	_, err = k.Links(context.Background(), "ghost")
	require.ErrorIs(t, err, kernel.ErrNoNamespace)
}

func TestRulesetSeesIptablesAndNft(t *testing.T) {
	if sandboxtest.Run(t) {
		return
	}
	sh(t, `ip netns add ns2
ip netns exec ns2 iptables -A INPUT -s 10.0.1.10 -p icmp -j DROP
ip netns exec ns2 nft add table inet mine
ip netns exec ns2 nft add chain inet mine in '{ type filter hook input priority 0; policy accept; }'
ip netns exec ns2 nft add rule inet mine in ip saddr 10.0.1.10 icmp type echo-request drop`)
	k := open(t)
	rs, err := k.Ruleset(context.Background(), "ns2")
	require.NoError(t, err)
	var texts []string
	for _, r := range rs.Rules {
		texts = append(texts, r.Family+" "+r.Chain+": "+r.Text)
	}
	joined := strings.Join(texts, "\n")
	require.Regexp(t, `(?m)^ip INPUT: .*ip saddr 10\.0\.1\.10.* drop$`, joined)
	require.Regexp(t, `(?m)^inet in: ip saddr 10\.0\.1\.10 .*drop$`, joined)
	root, err := k.Ruleset(context.Background(), kernel.Root)
	require.NoError(t, err)
	require.Empty(t, root.Rules, "rules in ns2 are not in the root namespace")
}

// Within a grading run a namespace is judged once: the run reads the one
// state its first read opened, even when the learner replaces the
// namespace meanwhile (a new run sees the new one). Outside a run every
// read judges the name anew.
func TestNamespaceJudgedOncePerRun(t *testing.T) {
	if sandboxtest.Run(t) {
		return
	}
	sh(t, `ip netns add ns0
ip -n ns0 link add old0 type veth peer name old1`)
	k := open(t)
	ctx := context.Background()
	names := func() []string {
		t.Helper()
		links, err := k.Links(ctx, "ns0")
		require.NoError(t, err)
		var out []string
		for _, l := range links {
			out = append(out, l.Name)
		}
		return out
	}
	replace := func() { sh(t, `ip netns del ns0; ip netns add ns0`) }

	k.BeginRun()
	require.Contains(t, names(), "old0")
	replace()
	require.Contains(t, names(), "old0", "the run keeps the namespace it opened")
	k.EndRun()

	k.BeginRun()
	require.NotContains(t, names(), "old0", "a new run judges the name anew")
	k.EndRun()

	sh(t, `ip -n ns0 link add old0 type veth peer name old1`)
	require.Contains(t, names(), "old0")
	replace()
	require.NotContains(t, names(), "old0", "outside a run every read judges the name")
}
