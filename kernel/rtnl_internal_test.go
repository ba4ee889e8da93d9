package kernel

import (
	"context"
	"fmt"
	"net"
	"os/exec"
	"testing"

	"github.com/stretchr/testify/require"
	"github.com/vishvananda/netlink"

	"github.com/netlab/netlab/sandbox/sandboxtest"
)

// netlab's own address, route and nsid requests (rtnl.go) read what the
// netlink library reads, on a lab with IPv4 and IPv6 addresses, a
// point-to-point address, a gateway, local and unreachable destinations,
// and namespaces with and without an id for each other.
func TestOwnRequestsReadAsTheLibrary(t *testing.T) {
	if sandboxtest.Run(t) {
		return
	}
	out, err := exec.Command("sh", "-ec", `
ip link set lo up
ip netns add ns0
ip netns add ns1
ip netns add ns2
ip link add veth0 netns ns0 type veth peer name veth1 netns ns1
ip -n ns0 link set lo up
ip -n ns0 link set veth0 up
ip -n ns1 link set veth1 up
ip -n ns0 addr add 10.0.0.1/24 dev veth0
ip -n ns0 addr add 10.9.0.1 peer 10.9.0.2/32 dev veth0
ip -n ns0 addr add fd00::1/64 dev veth0 nodad
ip -n ns1 addr add 10.0.0.2/24 dev veth1
ip -n ns0 route add default via 10.0.0.2
ip -n ns0 route add 192.0.2.0/24 via 10.0.0.2 proto static
ip -n ns0 route add unreachable 198.51.100.0/24
`).CombinedOutput()
	require.NoError(t, err, string(out))

	l, err := New()
	require.NoError(t, err)
	defer l.Close()
	ctx := context.Background()
	h, err := l.lib(ctx, "ns0")
	require.NoError(t, err)

	want, err := h.AddrList(nil, netlink.FAMILY_ALL)
	require.NoError(t, err)
	got, err := l.addrList(ctx, "ns0")
	require.NoError(t, err)
	require.Len(t, got, len(want))
	for i := range want {
		require.Equal(t, want[i].LinkIndex, got[i].LinkIndex)
		require.Equal(t, want[i].IPNet.String(), got[i].IPNet.String())
		require.Equal(t, want[i].Peer.String(), got[i].Peer.String())
	}

	for _, dst := range []string{"10.0.0.2", "10.0.0.1", "127.0.0.1", "203.0.113.7", "192.0.2.9", "10.9.0.2", "fd00::2", "fd00::1"} {
		ip := net.ParseIP(dst)
		want, werr := h.RouteGet(ip)
		got, gerr := l.routeGet(ctx, "ns0", ip)
		require.Equal(t, werr == nil, gerr == nil, "%s: %v / %v", dst, werr, gerr)
		require.Len(t, want, 1, dst)
		require.Equal(t, convertRoute(want[0], nil), convertRoute(got, nil), dst)
		require.Equal(t, want[0].LinkIndex, got.LinkIndex, dst)
	}
	// No route: the kernel's refusal, as the library returns it.
	_, werr := h.RouteGet(net.ParseIP("198.51.100.1"))
	_, gerr := l.routeGet(ctx, "ns0", net.ParseIP("198.51.100.1"))
	require.Error(t, werr)
	require.Equal(t, werr.Error(), gerr.Error())

	for _, other := range []string{"ns1", "ns2"} {
		oe, err := l.entry(ctx, other)
		require.NoError(t, err)
		want, err := h.GetNetNsIdByFd(int(oe.ns))
		require.NoError(t, err)
		got, err := l.netNSID(ctx, "ns0", int(oe.ns))
		require.NoError(t, err)
		require.Equal(t, want, got, other)
		if other == "ns1" {
			require.GreaterOrEqual(t, got, 0, "the veth's peer namespace has an id")
		} else {
			require.Equal(t, -1, got, "an unrelated namespace has none")
		}
	}
}

// Addresses name their links whether netlab asks for the few links one by
// one or, past maxByIndex of them, dumps the namespace's links once.
func TestAddrsNameTheirLinks(t *testing.T) {
	if sandboxtest.Run(t) {
		return
	}
	script := "ip netns add few\nip netns add many\n"
	for i := 1; i <= maxByIndex+4; i++ {
		if i <= 2 {
			script += fmt.Sprintf("ip -n few link add f%d type veth peer name g%d\nip -n few addr add 10.1.%d.1/24 dev f%d\n", i, i, i, i)
		}
		script += fmt.Sprintf("ip -n many link add m%d type veth peer name n%d\nip -n many addr add 10.2.%d.1/24 dev m%d\n", i, i, i, i)
	}
	out, err := exec.Command("sh", "-ec", script).CombinedOutput()
	require.NoError(t, err, string(out))
	l, err := New()
	require.NoError(t, err)
	defer l.Close()
	for ns, n := range map[string]int{"few": 2, "many": maxByIndex + 4} {
		addrs, err := l.Addrs(context.Background(), ns)
		require.NoError(t, err)
		got := map[string]string{}
		for _, a := range addrs {
			got[a.IPNet.String()] = a.Link
		}
		prefix, net3 := "f", 1
		if ns == "many" {
			prefix, net3 = "m", 2
		}
		for i := 1; i <= n; i++ {
			require.Equal(t, fmt.Sprintf("%s%d", prefix, i), got[fmt.Sprintf("10.%d.%d.1/24", net3, i)], ns)
		}
	}
}
