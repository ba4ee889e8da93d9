package kernel_test

import (
	"context"
	"net"
	"os/exec"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/netlab/netlab/kernel"
	"github.com/netlab/netlab/sandbox/sandboxtest"
)

// pingPair makes ns0 (veth0, 10.0.0.1, fd00::1, fe80::1) and ns1 (veth1,
// 10.0.0.2, fd00::2, fe80::2) joined by a veth pair. ns1 answers with
// TTL 42 and hop limit 43, so that a reply's TTL is told from ours (64).
func pingPair(t *testing.T) {
	t.Helper()
	sh(t, `
ip netns add ns0; ip netns add ns1
ip link add veth0 type veth peer name veth1
ip link set veth0 netns ns0; ip link set veth1 netns ns1
ip -n ns0 addr add 10.0.0.1/24 dev veth0; ip -n ns1 addr add 10.0.0.2/24 dev veth1
ip -n ns0 addr add fd00::1/64 dev veth0 nodad; ip -n ns1 addr add fd00::2/64 dev veth1 nodad
ip -n ns0 addr add fe80::1/64 dev veth0 nodad; ip -n ns1 addr add fe80::2/64 dev veth1 nodad
ip -n ns0 link set veth0 up; ip -n ns1 link set veth1 up
ip -n ns0 link set lo up; ip -n ns1 link set lo up
ip netns exec ns1 sysctl -qw net.ipv4.ip_default_ttl=42
ip netns exec ns1 sysctl -qw net.ipv6.conf.veth1.hop_limit=43
`)
}

func TestPingReply(t *testing.T) {
	if sandboxtest.Run(t) {
		return
	}
	pingPair(t)
	k := open(t)
	for _, tc := range []struct {
		name string
		dst  string
		zone string
		ttl  int
	}{
		{"ipv4", "10.0.0.2", "", 42},
		{"ipv6", "fd00::2", "", 43},
		{"ipv6 link-local", "fe80::2", "veth0", 43},
	} {
		t.Run(tc.name, func(t *testing.T) {
			// Count 3, 1 s apart: Sent 1 proves the ping returned at the
			// first reply, without waiting for the second request.
			res, err := k.Ping(context.Background(), "ns0", net.ParseIP(tc.dst), kernel.PingOpts{Count: 3, Interval: time.Second, Timeout: 10 * time.Second, Zone: tc.zone})
			require.NoError(t, err)
			require.NoError(t, res.Err)
			require.Equal(t, 1, res.Sent)
			require.Equal(t, 1, res.Received)
			require.Equal(t, tc.ttl, res.TTL, "the reply's TTL (hop limit), as ns1 set it")
			require.Positive(t, res.RTT)
			require.Less(t, res.RTT, time.Second)
		})
	}
}

func TestPingNoReply(t *testing.T) {
	if sandboxtest.Run(t) {
		return
	}
	pingPair(t)
	sh(t, `ip netns exec ns1 iptables -A INPUT -p icmp -j DROP
ip netns exec ns1 ip6tables -A INPUT -p ipv6-icmp --icmpv6-type echo-request -j DROP`)
	k := open(t)
	for _, dst := range []string{"10.0.0.2", "fd00::2"} {
		t.Run(dst, func(t *testing.T) {
			const timeout = 600 * time.Millisecond
			start := time.Now()
			res, err := k.Ping(context.Background(), "ns0", net.ParseIP(dst), kernel.PingOpts{Count: 3, Interval: 100 * time.Millisecond, Timeout: timeout})
			require.NoError(t, err)
			require.NoError(t, res.Err)
			require.Equal(t, 3, res.Sent)
			require.Zero(t, res.Received)
			require.Zero(t, res.TTL)
			require.GreaterOrEqual(t, time.Since(start), timeout, "no reply: the ping waits for the whole timeout")
		})
	}
}

// dropped reads the packet counter of ns1's first INPUT rule.
func dropped(t *testing.T) int {
	t.Helper()
	out, err := exec.Command("ip", "netns", "exec", "ns1", "iptables", "-L", "INPUT", "1", "-v", "-x", "-n").CombinedOutput()
	require.NoError(t, err, string(out))
	f := strings.Fields(string(out))
	require.NotEmpty(t, f, "no rule 1 in ns1's INPUT")
	n, err := strconv.Atoi(f[0])
	require.NoError(t, err, string(out))
	return n
}

func TestPingCancelWhileWaiting(t *testing.T) {
	if sandboxtest.Run(t) {
		return
	}
	pingPair(t)
	sh(t, `ip netns exec ns1 iptables -A INPUT -p icmp -j DROP`)
	k := open(t)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	type out struct {
		res kernel.PingResult
		err error
	}
	done := make(chan out, 1)
	go func() {
		res, err := k.Ping(ctx, "ns0", net.ParseIP("10.0.0.2"), kernel.PingOpts{Count: 1, Timeout: time.Minute})
		done <- out{res, err}
	}()
	// The drop rule's counter proves the request arrived and was dropped
	// (as the checks do): the ping is now waiting for a reply.
	tick := time.NewTicker(5 * time.Millisecond)
	defer tick.Stop()
	for dropped(t) == 0 {
		select {
		case o := <-done:
			t.Fatalf("ping returned before it was cancelled: %+v", o)
		case <-tick.C:
		}
	}
	cancel()
	select {
	case o := <-done:
		require.NoError(t, o.err)
		require.NoError(t, o.res.Err, "a cancelled ping is not a failed one")
		require.Equal(t, 1, o.res.Sent)
		require.Zero(t, o.res.Received)
	case <-time.After(30 * time.Second):
		t.Fatal("the ping did not return when its context was cancelled (its timeout was a minute)")
	}
}

// Two pings at once from ns0: ns1 answers 10.0.0.2 but drops what is
// sent to 10.0.0.3. The raw socket of the silent ping sees the other's
// replies; they must not count.
func TestPingIgnoresOtherPingersReplies(t *testing.T) {
	if sandboxtest.Run(t) {
		return
	}
	pingPair(t)
	sh(t, `ip -n ns1 addr add 10.0.0.3/24 dev veth1
ip netns exec ns1 iptables -A INPUT -d 10.0.0.3 -p icmp -j DROP`)
	k := open(t)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var wg sync.WaitGroup
	answered := 0
	wg.Add(1)
	go func() {
		defer wg.Done()
		// Replies to ns0 for as long as the silent ping runs.
		for ctx.Err() == nil {
			res, err := k.Ping(ctx, "ns0", net.ParseIP("10.0.0.2"), kernel.PingOpts{Timeout: time.Second})
			if err == nil && res.Received > 0 {
				answered++
			}
		}
	}()
	res, err := k.Ping(context.Background(), "ns0", net.ParseIP("10.0.0.3"), kernel.PingOpts{Count: 3, Interval: 200 * time.Millisecond, Timeout: time.Second})
	cancel()
	wg.Wait()
	require.NoError(t, err)
	require.NoError(t, res.Err)
	require.Equal(t, 3, res.Sent)
	require.Zero(t, res.Received, "replies to the other ping do not count")
	require.Positive(t, answered, "the other ping was answered meanwhile")
}

func TestPingSendRefused(t *testing.T) {
	if sandboxtest.Run(t) {
		return
	}
	pingPair(t)
	sh(t, `ip netns exec ns0 iptables -A OUTPUT -p icmp -j DROP`)
	k := open(t)
	res, err := k.Ping(context.Background(), "ns0", net.ParseIP("10.0.0.2"), kernel.PingOpts{Count: 3, Timeout: time.Second})
	require.NoError(t, err, "an OUTPUT rule's refusal is the learner's state, not netlab's failure")
	require.Error(t, res.Err)
	require.Contains(t, res.Err.Error(), "sendto: operation not permitted")
	require.Zero(t, res.Sent, "only successful writes count")
	require.Zero(t, res.Received)
}

// checks/pingmtu.go pings with Size = MTU-28 and DontFragment: that must
// pass, and one byte more must not (unless fragmenting is allowed).
func TestPingDontFragment(t *testing.T) {
	if sandboxtest.Run(t) {
		return
	}
	pingPair(t)
	sh(t, `ip -n ns0 link set veth0 mtu 1000; ip -n ns1 link set veth1 mtu 1000`)
	k := open(t)
	for _, tc := range []struct {
		name  string
		size  int
		df    bool
		reply bool
	}{
		{"fits the MTU", 972, true, true},
		{"one byte over, DF", 973, true, false},
		{"one byte over, fragments allowed", 973, false, true},
		{"far over, fragments allowed", 3000, false, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			res, err := k.Ping(context.Background(), "ns0", net.ParseIP("10.0.0.2"), kernel.PingOpts{Count: 2, Interval: 200 * time.Millisecond, Timeout: time.Second, Size: tc.size, DontFragment: tc.df})
			require.NoError(t, err)
			if tc.reply {
				require.NoError(t, res.Err)
				require.Equal(t, 1, res.Received)
				return
			}
			require.Zero(t, res.Received)
			require.Error(t, res.Err, "the kernel refuses a DF packet larger than the route's MTU")
			require.Contains(t, res.Err.Error(), "message too long")
		})
	}
}

func TestPingBadOptions(t *testing.T) {
	k := &kernel.Linux{}
	for _, tc := range []struct {
		name string
		o    kernel.PingOpts
		want string
	}{
		{"no timeout", kernel.PingOpts{}, "ping: a timeout is required"},
		{"too small", kernel.PingOpts{Timeout: time.Second, Size: 23}, "size 23 is less than minimum required size 24"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := k.Ping(context.Background(), "ns0", net.ParseIP("10.0.0.2"), tc.o)
			require.ErrorContains(t, err, tc.want)
		})
	}
}

// The requests leave with TTL 64 whatever the namespace's default: with
// ns0's default TTL at 1, a ping through a router still arrives.
func TestPingSendsTTL64(t *testing.T) {
	if sandboxtest.Run(t) {
		return
	}
	sh(t, `
ip netns add ns0; ip netns add r; ip netns add ns1
ip link add a0 type veth peer name a1; ip link set a0 netns ns0; ip link set a1 netns r
ip link add b0 type veth peer name b1; ip link set b0 netns r; ip link set b1 netns ns1
ip -n ns0 addr add 10.0.1.1/24 dev a0; ip -n r addr add 10.0.1.254/24 dev a1
ip -n r addr add 10.0.2.254/24 dev b0; ip -n ns1 addr add 10.0.2.1/24 dev b1
for ns in ns0 r ns1; do ip -n $ns link set lo up; done
ip -n ns0 link set a0 up; ip -n r link set a1 up; ip -n r link set b0 up; ip -n ns1 link set b1 up
ip -n ns0 route add default via 10.0.1.254; ip -n ns1 route add default via 10.0.2.254
ip netns exec r sysctl -qw net.ipv4.ip_forward=1
ip netns exec ns0 sysctl -qw net.ipv4.ip_default_ttl=1
`)
	k := open(t)
	res, err := k.Ping(context.Background(), "ns0", net.ParseIP("10.0.2.1"), kernel.PingOpts{Count: 3, Timeout: 5 * time.Second})
	require.NoError(t, err)
	require.NoError(t, res.Err)
	require.Equal(t, 1, res.Received)
	require.Equal(t, 63, res.TTL, "ns1's reply (TTL 64) crossed one router")
}
