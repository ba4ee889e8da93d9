package checks

import (
	"context"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/netlab/netlab/kernel"
	"github.com/netlab/netlab/kernel/kerneltest"
)

// nsidAsker counts the namespace ids a check asks for, by (from, other).
type nsidAsker struct {
	kernel.Kernel
	asked map[[2]string]int
}

func (k *nsidAsker) NSID(ctx context.Context, from, other string) (int, error) {
	k.asked[[2]string{from, other}]++
	return k.Kernel.NSID(ctx, from, other)
}

// A veth whose peer carries a namespace id has its peer in another
// namespace: resolvePeer finds it there, asking every other namespace
// for its id and never the veth's own.
func TestResolvePeerAsksOtherNamespacesOnly(t *testing.T) {
	k := &nsidAsker{Kernel: kerneltest.VethPair(), asked: map[[2]string]int{}}
	ctx := context.Background()
	l, ok, err := kernel.LinkByName(ctx, k, "ns0", "veth0")
	require.NoError(t, err)
	require.True(t, ok)
	pns, p, found, err := resolvePeer(ctx, k, "ns0", l)
	require.NoError(t, err)
	require.True(t, found)
	require.Equal(t, "ns1", pns)
	require.Equal(t, "veth1", p.Name)
	require.NotZero(t, k.asked[[2]string{"ns0", "ns1"}])
	require.Zero(t, k.asked[[2]string{"ns0", "ns0"}], "the veth's own namespace is not asked: %v", k.asked)
}

// The asking stops at the namespace that holds the peer: with ns2 after
// ns1 in the lab, ns0's veth asks ns2 nothing. A peer that is not where
// its namespace id says is not found.
func TestResolvePeerStopsAtThePeer(t *testing.T) {
	f := kerneltest.VethPair()
	f.Add("ns2")
	f.NSs["ns0"].NSIDs["ns2"] = 3
	k := &nsidAsker{Kernel: f, asked: map[[2]string]int{}}
	ctx := context.Background()
	l, ok, err := kernel.LinkByName(ctx, k, "ns0", "veth0")
	require.NoError(t, err)
	require.True(t, ok)
	pns, _, found, err := resolvePeer(ctx, k, "ns0", l)
	require.NoError(t, err)
	require.True(t, found)
	require.Equal(t, "ns1", pns)
	require.Zero(t, k.asked[[2]string{"ns0", "ns2"}], "asked past the peer: %v", k.asked)

	l.PeerNetNSID = 3 // ns2's id, but ns2 holds no veth of that index
	_, _, found, err = resolvePeer(ctx, k, "ns0", l)
	require.NoError(t, err)
	require.False(t, found)
}

// A veth whose peer has no namespace id has it in its own namespace.
func TestResolvePeerInItsOwnNamespace(t *testing.T) {
	f := kerneltest.New()
	ns := f.Add("ns0")
	ns.Links = append(ns.Links,
		kernel.Link{Name: "a", Index: 5, Type: "veth", ParentIndex: 6, PeerNetNSID: -1},
		kernel.Link{Name: "b", Index: 6, Type: "veth", ParentIndex: 5, PeerNetNSID: -1})
	ctx := context.Background()
	l, ok, err := kernel.LinkByName(ctx, f, "ns0", "a")
	require.NoError(t, err)
	require.True(t, ok)
	pns, p, found, err := resolvePeer(ctx, f, "ns0", l)
	require.NoError(t, err)
	require.True(t, found)
	require.Equal(t, "ns0", pns)
	require.Equal(t, "b", p.Name)
}
