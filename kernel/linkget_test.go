package kernel_test

import (
	"context"
	"sync"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/netlab/netlab/kernel"
	"github.com/netlab/netlab/kernel/kerneltest"
	"github.com/netlab/netlab/sandbox/sandboxtest"
)

// A link read alone (by name, by index) or among its bridge's ports is
// the link the namespace's dump lists, bridge port state, options and
// bridge settings included; among many foreign links.
func TestLinkByNameAgreesWithTheDump(t *testing.T) {
	if sandboxtest.Run(t) {
		return
	}
	sh(t, `ip link add br0 type bridge stp_state 0 nf_call_iptables 1
ip link set br0 up
ip link add br1 type bridge ageing_time 0
ip netns add ns0
ip link add vb0 type veth peer name eth0 netns ns0
ip link set vb0 master br0
ip link set vb0 up
ip -n ns0 link set eth0 up
ip link add vb1 type veth peer name vc1
ip link set vb1 master br0
bridge link set dev vb1 learning off flood off isolated on
ip link set vb1 up
ip link add vb2 type veth peer name vc2
ip link set vb2 master br1
for i in $(seq 0 49); do echo link add bulka$i type veth peer name bulkb$i; done | ip -batch -
ip link property add dev bulka7 altname alias7`)
	k := open(t)
	ctx := context.Background()
	for _, ns := range []string{kernel.Root, "ns0"} {
		all, err := k.Links(ctx, ns)
		require.NoError(t, err)
		require.NotEmpty(t, all)
		for _, want := range all {
			got, ok, err := k.LinkByName(ctx, ns, want.Name)
			require.NoError(t, err)
			require.True(t, ok, want.Name)
			require.Equal(t, want, got, "%s by name", want.Name)
			got, ok, err = k.LinkByIndex(ctx, ns, want.Index)
			require.NoError(t, err)
			require.True(t, ok, want.Name)
			require.Equal(t, want, got, "%s by index", want.Name)
		}
		for _, br := range all {
			if br.Type != "bridge" {
				continue
			}
			var want []kernel.Link
			for _, l := range all {
				if l.MasterIndex == br.Index {
					want = append(want, l)
				}
			}
			got, err := k.BridgePorts(ctx, ns, br.Index)
			require.NoError(t, err)
			require.Equal(t, want, got, "ports of %s", br.Name)
			require.NotEmpty(t, got)
			got, err = k.BridgePortsUnfiltered(ctx, ns, br.Index)
			require.NoError(t, err)
			require.Equal(t, want, got, "ports of %s from a kernel that ignores the filter", br.Name)
		}
	}
	port, ok, err := k.LinkByName(ctx, kernel.Root, "vb1")
	require.NoError(t, err)
	require.True(t, ok)
	require.Equal(t, "disabled", port.BridgePortState) // its peer vc1 is down: no carrier
	require.True(t, port.BridgePortNoLearning)
	require.True(t, port.BridgePort.NoFlood && port.BridgePort.Isolated)
	br, _, _ := k.LinkByName(ctx, kernel.Root, "br0")
	require.True(t, br.BridgeNFCallIPTables)

	// Absent links, and a name that is only another link's altname.
	for _, name := range []string{"nosuch", "alias7", "", "a-name-far-too-long-for-a-link"} {
		_, ok, err := k.LinkByName(ctx, kernel.Root, name)
		require.NoError(t, err, name)
		require.False(t, ok, name)
	}
	_, ok, err = k.LinkByIndex(ctx, kernel.Root, 99999)
	require.NoError(t, err)
	require.False(t, ok)
	_, _, err = k.LinkByName(ctx, "nosuchns", "lo")
	require.ErrorIs(t, err, kernel.ErrNoNamespace)

	// FindLink and a run's snapshot read links alone, and agree.
	snap := kernel.NewSnapshot(k)
	defer snap.Close()
	l, ok, err := kernel.FindLink(ctx, snap, kernel.Root, "vb0")
	require.NoError(t, err)
	require.True(t, ok)
	require.Equal(t, "vb0", l.Name)
	ports, err := kernel.BridgePorts(ctx, snap, kernel.Root, br.Index)
	require.NoError(t, err)
	require.Len(t, ports, 2)
}

// A Kernel that reads only whole lists (the fake) answers the same
// questions from them.
func TestLinkGettersFallBackToLinks(t *testing.T) {
	f := kerneltest.New()
	f.NSs[kernel.Root].Links = append(f.NSs[kernel.Root].Links, []kernel.Link{
		{Name: "br0", Index: 2, Type: "bridge"},
		{Name: "p0", Index: 3, Type: "veth", MasterIndex: 2},
		{Name: "x", Index: 4, Type: "veth"},
		{Name: "p1", Index: 5, Type: "veth", MasterIndex: 2},
	}...)
	ctx := context.Background()
	for _, k := range []kernel.Kernel{f, kernel.NewSnapshot(f)} {
		l, ok, err := kernel.LinkByName(ctx, k, kernel.Root, "x")
		require.NoError(t, err)
		require.True(t, ok)
		require.Equal(t, 4, l.Index)
		l, ok, err = kernel.LinkByIndex(ctx, k, kernel.Root, 3)
		require.NoError(t, err)
		require.True(t, ok)
		require.Equal(t, "p0", l.Name)
		_, ok, err = kernel.LinkByName(ctx, k, kernel.Root, "y")
		require.NoError(t, err)
		require.False(t, ok)
		ports, err := kernel.BridgePorts(ctx, k, kernel.Root, 2)
		require.NoError(t, err)
		require.Equal(t, []string{"p0", "p1"}, []string{ports[0].Name, ports[1].Name})
		require.Len(t, ports, 2)
	}
}

// getterFake is a fake that reads single links too, and counts reads.
type getterFake struct {
	*kerneltest.Fake
	mu          sync.Mutex
	lists, gets map[string]int
}

func (g *getterFake) count(m map[string]int, ns string) {
	g.mu.Lock()
	m[ns]++
	g.mu.Unlock()
}

func (g *getterFake) Links(ctx context.Context, ns string) ([]kernel.Link, error) {
	g.count(g.lists, ns)
	return g.Fake.Links(ctx, ns)
}

func (g *getterFake) LinkByName(ctx context.Context, ns, name string) (kernel.Link, bool, error) {
	g.count(g.gets, ns)
	return kernel.LinkByName(ctx, g.Fake, ns, name)
}

func (g *getterFake) LinkByIndex(ctx context.Context, ns string, index int) (kernel.Link, bool, error) {
	g.count(g.gets, ns)
	return kernel.LinkByIndex(ctx, g.Fake, ns, index)
}

func (g *getterFake) BridgePorts(ctx context.Context, ns string, bridge int) ([]kernel.Link, error) {
	g.count(g.gets, ns)
	return kernel.BridgePorts(ctx, g.Fake, ns, bridge)
}

// A grading run reads the links of the lab's root namespace (a host's,
// with thousands of foreign links) one by one, once each, and those of a
// lesson's namespace in one list.
func TestSnapshotReadsRootLinksAlone(t *testing.T) {
	f := kerneltest.New()
	f.Add("ns0")
	f.NSs[kernel.Root].Links = append(f.NSs[kernel.Root].Links,
		kernel.Link{Name: "br0", Index: 2, Type: "bridge"}, kernel.Link{Name: "p0", Index: 3, Type: "veth", MasterIndex: 2})
	g := &getterFake{Fake: f, lists: map[string]int{}, gets: map[string]int{}}
	snap := kernel.NewSnapshot(g)
	defer snap.Close()
	ctx := context.Background()
	for i := 0; i < 3; i++ {
		for _, ns := range []string{kernel.Root, "ns0"} {
			_, ok, err := kernel.FindLink(ctx, snap, ns, "lo")
			require.NoError(t, err)
			require.True(t, ok)
			_, _, err = kernel.LinkByIndex(ctx, snap, ns, 3)
			require.NoError(t, err)
			_, err = kernel.BridgePorts(ctx, snap, ns, 2)
			require.NoError(t, err)
		}
	}
	require.Equal(t, map[string]int{"ns0": 1}, g.lists)
	require.Equal(t, map[string]int{kernel.Root: 3}, g.gets)
}
