package kernel_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/netlab/netlab/kernel"
	"github.com/netlab/netlab/sandbox/sandboxtest"
)

// waitEvent waits for an event in ns after trigger ran; events of other
// namespaces (and the netns events of the setup) are skipped.
func waitEvent(t *testing.T, w *kernel.Watcher, ns string, trigger string) {
	t.Helper()
	// Drain what the setup caused, then act.
	for {
		select {
		case <-w.Events():
			continue
		case <-time.After(200 * time.Millisecond):
		}
		break
	}
	sh(t, trigger)
	deadline := time.After(5 * time.Second)
	for {
		select {
		case e, ok := <-w.Events():
			require.True(t, ok, "the watcher closed")
			if e.NS == ns && e.What != "netns" {
				return
			}
		case <-deadline:
			t.Fatalf("no event in %s after %q", ns, trigger)
		}
	}
}

// Forwarding changes no link, address or route: only netconf tells. The
// router of lesson 5 (IPv4) and lesson 7's IPv6 forwarding must both wake
// `watch`.
func TestWatchSeesForwardingInANamespace(t *testing.T) {
	if sandboxtest.Run(t) {
		return
	}
	sh(t, `ip netns add router`)
	w, err := kernel.WatchEvents()
	require.NoError(t, err)
	t.Cleanup(func() { w.Close() })
	waitEvent(t, w, "router", `ip netns exec router sysctl -w net.ipv4.ip_forward=1`)
	waitEvent(t, w, "router", `ip netns exec router sysctl -w net.ipv6.conf.all.forwarding=1`)
}

// A learner's permanent FDB entry on a vxlan device (lesson 6's way
// without remote) is not taken for probe traffic: watch grades again.
func TestWatchSeesFDBEntryOnVXLAN(t *testing.T) {
	if sandboxtest.Run(t) {
		return
	}
	sh(t, `ip netns add host1
ip -n host1 link add eth0 type veth peer name eth1
ip -n host1 addr add 192.168.100.1/24 dev eth0
ip -n host1 link set eth0 up
ip -n host1 link add vxlan42 type vxlan id 42 dstport 4789 dev eth0 local 192.168.100.1`)
	w, err := kernel.WatchEvents()
	require.NoError(t, err)
	t.Cleanup(func() { w.Close() })
	waitEventWhat(t, w, "host1", `bridge -n host1 fdb append 00:00:00:00:00:00 dev vxlan42 dst 192.168.100.2`)
}

// waitEventWhat is waitEvent for an event that is not neighbour-only.
func waitEventWhat(t *testing.T, w *kernel.Watcher, ns string, trigger string) {
	t.Helper()
	for {
		select {
		case <-w.Events():
			continue
		case <-time.After(200 * time.Millisecond):
		}
		break
	}
	sh(t, trigger)
	deadline := time.After(5 * time.Second)
	for {
		select {
		case e, ok := <-w.Events():
			require.True(t, ok, "the watcher closed")
			if e.NS == ns && e.What != "netns" && e.What != kernel.WhatNeigh {
				return
			}
		case <-deadline:
			t.Fatalf("no event other than neighbour-only in %s after %q", ns, trigger)
		}
	}
}
