package runner_test

// Kernel tests of lessons 5-8: the correct alternatives a learner may
// choose, each in a sandbox of its own. (Solve, stepwise and every
// catalogued mistake are tested for every lesson in lessons_test.go.)

import (
	"bytes"
	"context"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/netlab/netlab/runner"
	"github.com/netlab/netlab/sandbox/sandboxtest"
)

// altCase is a correct state built another way than the reference
// solution: every step must pass.
type altCase struct {
	name, lesson string
	build        func(l *lab)
}

func runAlternatives(t *testing.T, cases []altCase) {
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if sandboxtest.Run(t) {
				return
			}
			l := newLab(t)
			les := l.lesson(tc.lesson)
			tc.build(l)
			rep := l.grade(les)
			require.True(t, rep.Passed, text(rep))
		})
	}
}

// Lesson 5 built with `ip netns exec`, veths created in the root namespace
// and moved (router's end first), forwarding by conf.all.forwarding, and
// the root namespace forwarding or not.
func TestLesson5Alternatives(t *testing.T) {
	const netnsExec = `
ip netns add router
ip netns add h1
ip netns add h2
ip netns exec h1 ip link set lo up
ip netns exec h2 ip link set lo up
ip netns exec router ip link set lo up
ip link add eth1 type veth peer name tmp-h1
ip link set eth1 netns router
ip link set tmp-h1 netns h1
ip netns exec h1 ip link set tmp-h1 name eth0
ip netns exec router ip link add eth2 type veth peer name eth0 netns h2
ip netns exec router ip addr add 10.0.10.1/24 dev eth1
ip netns exec router ip addr add 10.0.20.1/24 dev eth2
ip netns exec h1 ip addr add 10.0.10.2/24 dev eth0
ip netns exec h2 ip addr add 10.0.20.2/24 dev eth0
ip netns exec router ip link set eth1 up
ip netns exec router ip link set eth2 up
ip netns exec h1 ip link set eth0 up
ip netns exec h2 ip link set eth0 up
ip netns exec h1 ip route add default via 10.0.10.1 dev eth0
ip netns exec h2 ip route add default via 10.0.20.1
`
	runAlternatives(t, []altCase{
		{"netns_exec_all_forwarding_root_off", "5", func(l *lab) {
			l.sh(netnsExec + `
ip netns exec router sysctl -w net.ipv4.conf.all.forwarding=1
sysctl -w net.ipv4.ip_forward=0
`)
		}},
		{"proc_write_root_on", "5", func(l *lab) {
			l.sh(netnsExec + `
ip netns exec router sh -c 'echo 1 > /proc/sys/net/ipv4/ip_forward'
sysctl -w net.ipv4.ip_forward=1
`)
		}},
	})
}

// Lesson 7 built with `ip netns exec`, the filter in nft (an inet table),
// and the gateway's routes given with a device.
func TestLesson7Alternatives(t *testing.T) {
	runAlternatives(t, []altCase{
		{"netns_exec_nft", "ipv6", func(l *lab) {
			l.solve(l.lesson("bridge"), 0)
			l.sh(`
ip netns exec ns0 ip -6 addr add fd00:1::10/64 dev eth0
ip netns exec ns1 ip -6 addr add fd00:1::11/64 dev eth0
ip netns exec ns2 ip -6 addr add fd00:1::12/64 dev eth0
ip -6 addr add fd00:1::1/64 dev br0
ip netns exec ns0 ip -6 route add default via fd00:1::1 dev eth0
ip netns exec ns1 ip -6 route add default via fd00:1::1 dev eth0
ip netns exec ns2 ip -6 route add ::/0 via fd00:1::1
ip netns exec ns2 nft add table inet fw
ip netns exec ns2 nft add chain inet fw in '{ type filter hook input priority 0; }'
ip netns exec ns2 nft add rule inet fw in ip6 saddr fd00:1::10 icmpv6 type echo-request drop
for ns in ns0 ns1 ns2; do for i in $(seq 50); do ip -n $ns -6 addr show tentative | grep -q inet6 || break; sleep 0.1; done; done
for i in $(seq 50); do ip -6 addr show dev br0 tentative | grep -q inet6 || break; sleep 0.1; done
`)
		}},
	})
}

// Lesson 6 with the tunnels reached by all-zero fdb entries instead of
// remote (flannel's way), veths created from the hosts' side and moved,
// and `ip netns exec` throughout.
func TestLesson6Alternatives(t *testing.T) {
	runAlternatives(t, []altCase{
		{"fdb_netns_exec", "vxlan", func(l *lab) {
			l.sh(`
for n in host1 host2 c1 c2; do ip netns add $n; ip netns exec $n ip link set lo up; done
ip link add u1 type veth peer name u2
ip link set u1 netns host1
ip link set u2 netns host2
ip netns exec host1 ip link set u1 name eth0
ip netns exec host2 ip link set u2 name eth0
ip netns exec host1 ip addr add 192.168.100.1/24 dev eth0
ip netns exec host2 ip addr add 192.168.100.2/24 dev eth0
ip netns exec host1 ip link set eth0 up
ip netns exec host2 ip link set eth0 up
for h in 1 2; do
  ip netns exec host$h ip link add br0 type bridge
  ip netns exec host$h ip link set br0 up
  ip netns exec host$h ip link add veth-c$h type veth peer name eth0 netns c$h
  ip netns exec host$h ip link set veth-c$h master br0
  ip netns exec host$h ip link set veth-c$h up
  ip netns exec c$h ip addr add 10.244.0.1$h/24 dev eth0
  ip netns exec c$h ip link set eth0 up mtu 1400
done
ip netns exec host1 ip link add vxlan42 type vxlan id 42 dstport 4789 dev eth0 local 192.168.100.1
ip netns exec host2 ip link add vxlan42 type vxlan id 42 dstport 4789 dev eth0 local 192.168.100.2
ip netns exec host1 bridge fdb append 00:00:00:00:00:00 dev vxlan42 dst 192.168.100.2
ip netns exec host2 bridge fdb append 00:00:00:00:00:00 dev vxlan42 dst 192.168.100.1
for h in 1 2; do ip netns exec host$h ip link set vxlan42 master br0 up; done
`)
		}},
	})
}

// `netlab setup 7` builds lesson 3's finished network and nothing of
// lesson 7; `setup 5` builds nothing.
func TestSetup(t *testing.T) {
	if sandboxtest.Run(t) {
		return
	}
	l := newLab(t)
	var out bytes.Buffer
	s := &runner.Solver{Grader: l.g, Shell: runner.SysShell{}, Out: &out, Lessons: l.ls}
	ctx := context.Background()

	require.NoError(t, s.Setup(ctx, l.lesson("router")), out.String())
	nss, err := l.k.Namespaces(ctx)
	require.NoError(t, err)
	require.Empty(t, nss, "setup 5 built something")

	require.NoError(t, s.Setup(ctx, l.lesson("ipv6")), out.String())
	require.True(t, l.grade(l.lesson("bridge")).Passed, "lesson 3 is not finished after setup 7:\n%s", out.String())
	rep := l.grade(l.lesson("ipv6"))
	require.False(t, rep.Steps[0].Passed, text(rep))
}
