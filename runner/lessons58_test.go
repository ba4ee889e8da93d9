package runner_test

// Kernel tests of lessons 5-8: solve and reset, step by step, and the
// correct alternatives a learner may choose, each in a sandbox of its own.

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/netlab/netlab/sandbox/sandboxtest"
)

func TestLesson5Solve(t *testing.T)    { solveAndReset(t, "5") }
func TestLesson5Stepwise(t *testing.T) { stepwise(t, "5") }

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
