package checks_test

import (
	"context"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/vishvananda/netlink"
	"github.com/vishvananda/netns"
	"golang.org/x/sys/unix"

	"github.com/stretchr/testify/require"

	"github.com/netlab/netlab/lessons"
	"github.com/netlab/netlab/sandbox/sandboxtest"
)

// Mistaken states that are NOT in the catalog, built the way learners make
// them: the diagnosis was not written with these in mind, and its why must
// still name the cause.
var uncatalogued = []struct {
	name   string
	lesson string
	upTo   int    // solve steps 1..upTo first (0: the whole lesson)
	sh     string // then the learner's commands
	step   int    // the step that must fail
	id     string // the mistake id its why must carry
	why    []string
	// gone is "ns/link": a link that sh makes the kernel delete, later
	// than sh returns (`ip netns del` only drops the last reference; the
	// kernel dismantles the namespace, and the veth with it, in a work
	// queue). The test waits for the link's RTM_DELLINK before grading.
	gone string
}{
	{
		name: "addresses-in-two-subnets", lesson: "veth", upTo: 3,
		sh: `ip -n ns0 addr add 10.0.0.1/24 dev veth0
ip -n ns1 addr add 10.0.1.2/24 dev veth1
ip -n ns0 link set veth0 up
ip -n ns1 link set veth1 up`,
		step: 6, id: "addr-missing",
		why: []string{"no namespace of the lab has the address 10.0.0.2", "veth1 in ns1, which has 10.0.1.2/24"},
	},
	{
		name: "arp-off-on-eth0", lesson: "bridge",
		sh:   `ip -n ns1 link set eth0 arp off`,
		step: 5, id: "arp-off",
		why: []string{"eth0 in ns1 has ARP turned off"},
	},
	{
		name: "port-on-another-bridge", lesson: "bridge",
		sh: `ip link add br1 type bridge
ip link set br1 up
ip link set veth-ns2 master br1`,
		step: 5, id: "port-not-attached",
		why: []string{"veth-ns2 (root namespace) is a port of br1, not of br0"},
	},
	{
		name: "reject-everything-in-ns1", lesson: "bridge",
		sh:   `ip netns exec ns1 iptables -A INPUT -j REJECT`,
		step: 5, id: "dropped-by-rule",
		why: []string{"chain INPUT of table filter", "dropped"},
	},
	{
		name: "nft-input-policy-drop-in-ns2", lesson: "iptables", upTo: 1,
		sh: `ip netns exec ns2 nft add table inet fw
ip netns exec ns2 nft add chain inet fw in '{ type filter hook input priority 0; policy drop; }'`,
		step: 2, id: "policy-drop",
		why: []string{"INPUT chain in of table inet fw in ns2 has policy DROP"},
	},
	{
		name: "namespace-deleted-and-readded", lesson: "veth",
		// The kernel tears the old ns1 down (and veth0 with it) a few ms
		// after ip netns del, asynchronously: wait for that, or a fast
		// grading still sees veth0 with its peer in an unnamed namespace.
		sh: `ip netns del ns1
ip netns add ns1
ip -n ns1 link set lo up
for i in $(seq 2000); do ip -n ns0 link show veth0 >/dev/null 2>&1 || break; done`,
		step: 6, id: "no-link",
		why:  []string{"ns0 has no interface but lo"},
		gone: "ns0/veth0",
	},
	{
		name: "route-to-internet-via-nowhere", lesson: "iptables",
		sh:   `ip -n ns0 route add 203.0.113.0/24 via 10.0.1.99`,
		step: 4, id: "wrong-gateway",
		why: []string{"via the gateway 10.0.1.99", "no namespace of the lab has the address 10.0.1.99"},
	},
	{
		name: "forwarding-only-in-ns0", lesson: "iptables", upTo: 3,
		sh: `ip netns exec ns0 sysctl -w net.ipv4.ip_forward=1
iptables -t nat -A POSTROUTING -s 10.0.1.0/24 -o wan0 -j MASQUERADE`,
		step: 4, id: "ip-forward-off",
		why: []string{"ip_forward is 0 in the lab's root namespace"},
	},
}

func TestUncataloguedMistakes(t *testing.T) {
	for _, tc := range uncatalogued {
		t.Run(tc.name, func(t *testing.T) {
			if sandboxtest.Run(t) {
				return
			}
			ctx := context.Background()
			g, s, ls, out := lab(t)
			l, err := lessons.Find(ls, tc.lesson)
			require.NoError(t, err)
			require.NoError(t, s.Solve(ctx, l, tc.upTo), out.String())
			var wait func()
			if tc.gone != "" {
				ns, link, _ := strings.Cut(tc.gone, "/")
				wait = waitLinkGone(t, ns, link)
			}
			b, err := exec.Command("sh", "-ec", tc.sh).CombinedOutput()
			require.NoError(t, err, string(b))
			if wait != nil {
				wait()
			}
			rep := g.Grade(ctx, l)
			step := rep.Steps[tc.step-1]
			require.False(t, step.Passed, "step %d must fail", tc.step)
			hit := findDiagnosis(step, tc.id, tc.why)
			require.NotNil(t, hit, "no failing check of step %d reports %s with a why containing %q:\n%s", tc.step, tc.id, tc.why, failing(step))
			t.Logf("%s: %s\n  why: %s", tc.name, hit.Name, hit.Why)
		})
	}
}

// waitLinkGone subscribes to link notifications in namespace ns and
// returns a function that waits for the kernel to announce (RTM_DELLINK)
// that link is gone, or finds it already gone. Subscribing first means
// the deletion cannot be missed.
func waitLinkGone(t *testing.T, ns, link string) func() {
	t.Helper()
	h, err := netns.GetFromName(ns)
	require.NoError(t, err)
	t.Cleanup(func() { h.Close() })
	updates := make(chan netlink.LinkUpdate, 64)
	done := make(chan struct{})
	t.Cleanup(func() { close(done) })
	require.NoError(t, netlink.LinkSubscribeWithOptions(updates, done, netlink.LinkSubscribeOptions{Namespace: &h}))
	nh, err := netlink.NewHandleAt(h)
	require.NoError(t, err)
	t.Cleanup(nh.Close)
	return func() {
		t.Helper()
		if _, err := nh.LinkByName(link); err != nil {
			return // already gone
		}
		// A bound, not a stand-in for the signal: the kernel announces
		// the deletion within milliseconds.
		deadline := time.After(30 * time.Second)
		for {
			select {
			case u, ok := <-updates:
				require.True(t, ok, "link notifications in %s stopped", ns)
				if u.Header.Type == unix.RTM_DELLINK && u.Attrs().Name == link {
					return
				}
			case <-deadline:
				t.Fatalf("the kernel never announced that %s in %s is gone", link, ns)
			}
		}
	}
}
