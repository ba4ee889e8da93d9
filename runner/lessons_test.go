package runner_test

// Kernel tests of the four lessons: each test (and each table row) runs in
// a sandbox of its own (sandboxtest), builds real namespaces, links and
// rules there, and grades them with the real kernel.

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/netlab/netlab/checks"
	"github.com/netlab/netlab/internal/cli"
	"github.com/netlab/netlab/kernel"
	"github.com/netlab/netlab/lessons"
	"github.com/netlab/netlab/runner"
	"github.com/netlab/netlab/sandbox"
	"github.com/netlab/netlab/sandbox/sandboxtest"
)

// TestMain keeps netlab's lab state (records, locks) in a directory of
// the test's own instead of /run/netlab.
func TestMain(m *testing.M) {
	if args := os.Getenv(envCLI); args != "" {
		// Run as the netlab command (see runCLI), sharing the state of
		// the test that started it.
		kernel.StateRoot = os.Getenv(envState)
		os.Exit(cli.NewApp().Run(strings.Fields(args)))
	}
	dir, err := os.MkdirTemp("", "netlab-state-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(2)
	}
	kernel.StateRoot = filepath.Join(dir, "run")
	code := func() int {
		defer os.RemoveAll(dir)
		if err := sandbox.Init(); err != nil {
			fmt.Fprintln(os.Stderr, err)
			return 2
		}
		return m.Run()
	}()
	os.Exit(code)
}

// lab is one sandbox's kernel with the embedded lessons.
type lab struct {
	t  *testing.T
	k  *kernel.Linux
	g  *runner.Grader
	ls []*lessons.Lesson
}

func newLab(t *testing.T) *lab {
	t.Helper()
	ls, err := lessons.LoadEmbedded()
	require.NoError(t, err)
	k, err := kernel.New()
	require.NoError(t, err)
	t.Cleanup(func() { k.Close() })
	return &lab{t: t, k: k, g: &runner.Grader{K: k}, ls: ls}
}

func (l *lab) lesson(key string) *lessons.Lesson {
	l.t.Helper()
	les, err := lessons.Find(l.ls, key)
	require.NoError(l.t, err)
	return les
}

// sh runs a shell script in the sandbox's root namespace; it must succeed.
func (l *lab) sh(script string) {
	l.t.Helper()
	out, err := exec.Command("sh", "-ec", script).CombinedOutput()
	require.NoError(l.t, err, "%s\n%s", script, out)
}

// solve runs the reference solution through runner.Solver, as `netlab
// solve` does (upTo 0: every step).
func (l *lab) solve(les *lessons.Lesson, upTo int) {
	l.t.Helper()
	var out bytes.Buffer
	s := &runner.Solver{Grader: l.g, Shell: runner.SysShell{}, Out: &out, Lessons: l.ls}
	require.NoError(l.t, s.Solve(context.Background(), les, upTo), out.String())
}

// apply runs the solution commands of steps from..to (1-based) directly,
// without the solver's skipping, to build states around a planted mistake.
func (l *lab) apply(les *lessons.Lesson, from, to int) {
	l.t.Helper()
	for i := from - 1; i < to; i++ {
		l.sh(strings.Join(les.Steps[i].Commands(), "\n"))
	}
}

func (l *lab) grade(les *lessons.Lesson) runner.Report {
	return l.g.Grade(context.Background(), les)
}

// outcome is one letter per step: P passed, F failed, E error.
func outcome(rep runner.Report) string {
	var b strings.Builder
	for _, s := range rep.Steps {
		switch {
		case s.Passed:
			b.WriteByte('P')
		case s.Status == checks.Error:
			b.WriteByte('E')
		default:
			b.WriteByte('F')
		}
	}
	return b.String()
}

func text(rep runner.Report) string {
	var b bytes.Buffer
	rep.WriteText(&b)
	return b.String()
}

// requireOutcome compares the steps with want; '?' accepts anything.
func requireOutcome(t *testing.T, want string, rep runner.Report) {
	t.Helper()
	got := outcome(rep)
	require.Len(t, got, len(want), text(rep))
	for i := range want {
		if want[i] != '?' && want[i] != got[i] {
			t.Fatalf("steps: want %s, got %s\n%s", want, got, text(rep))
		}
	}
}

// whys are the why texts of the failed checks of step (1-based).
func whys(rep runner.Report, step int) []string {
	var out []string
	for _, c := range rep.Steps[step-1].Checks {
		if c.Status != checks.Pass {
			out = append(out, c.Why)
		}
	}
	return out
}

func requireWhy(t *testing.T, rep runner.Report, step int, want string) {
	t.Helper()
	for _, w := range whys(rep, step) {
		if strings.Contains(w, want) {
			return
		}
	}
	t.Fatalf("no why of step %d mentions %q; whys: %q\n%s", step, want, whys(rep, step), text(rep))
}

// bystanders are unrelated objects a correct state may sit among and that
// reset must leave alone. (Some kernels have no dummy driver; ifb is an
// equally unrelated link type.)
const bystanders = `
ip netns add bystander
ip -n bystander link set lo up
ip link add dummy7 type dummy 2>/dev/null || ip link add dummy7 type ifb
ip addr add 192.0.2.7/24 dev dummy7
ip link set dummy7 up
iptables -A INPUT -s 192.0.2.99 -j DROP
`

// requireBystanders checks that the unrelated objects are all still there.
func (l *lab) requireBystanders() {
	t := l.t
	t.Helper()
	ctx := context.Background()
	st, err := l.k.NamespaceState(ctx, "bystander")
	require.NoError(t, err)
	require.Equal(t, kernel.NSPresent, st, "reset removed the unrelated namespace")
	links, err := l.k.Links(ctx, kernel.Root)
	require.NoError(t, err)
	require.True(t, hasLinkNamed(links, "dummy7"), "reset removed the unrelated dummy link")
	addrs, err := l.k.Addrs(ctx, kernel.Root)
	require.NoError(t, err)
	found := false
	for _, a := range addrs {
		if a.Link == "dummy7" && a.IPNet.IP.String() == "192.0.2.7" {
			found = true
		}
	}
	require.True(t, found, "reset removed dummy7's address")
	rs, err := l.k.Ruleset(ctx, kernel.Root)
	require.NoError(t, err)
	found = false
	for _, r := range rs.Rules {
		if strings.Contains(r.Text, "192.0.2.99") {
			found = true
		}
	}
	require.True(t, found, "reset removed the unrelated iptables rule")
}

func hasLinkNamed(links []kernel.Link, name string) bool {
	for _, l := range links {
		if l.Name == name {
			return true
		}
	}
	return false
}

// requireGone checks that nothing the lesson owns is left.
func (l *lab) requireGone(les *lessons.Lesson) {
	t := l.t
	t.Helper()
	ctx := context.Background()
	for _, ns := range les.Owns.Namespaces {
		st, err := l.k.NamespaceState(ctx, ns)
		require.NoError(t, err)
		require.Equal(t, kernel.NSMissing, st, "namespace %s is left after reset", ns)
	}
	links, err := l.k.Links(ctx, kernel.Root)
	require.NoError(t, err)
	for _, name := range les.Owns.Links {
		require.False(t, hasLinkNamed(links, name), "link %s is left after reset", name)
	}
	for _, lk := range links {
		require.NotEqual(t, "veth", lk.Type, "a veth (%s) is left in the root namespace after reset", lk.Name)
	}
	left, err := runner.OwnedRules(ctx, l.k, []*lessons.Lesson{les})
	require.NoError(t, err)
	require.Empty(t, left, "lesson rules left after reset")
}

// TestLessonNSolve: a fresh state fails step 1; among unrelated objects the
// reference solution passes every step; reset then removes the lesson's
// objects and only those.
func TestLesson1Solve(t *testing.T) { solveAndReset(t, "1") }
func TestLesson2Solve(t *testing.T) { solveAndReset(t, "2") }
func TestLesson3Solve(t *testing.T) { solveAndReset(t, "3") }
func TestLesson4Solve(t *testing.T) { solveAndReset(t, "4") }

func solveAndReset(t *testing.T, key string) {
	if sandboxtest.Run(t) {
		return
	}
	l := newLab(t)
	les := l.lesson(key)
	rep := l.grade(les)
	require.False(t, rep.Steps[0].Passed, "step 1 passes on a fresh state:\n%s", text(rep))
	require.False(t, rep.Passed)

	l.sh(bystanders)
	l.solve(les, 0)
	rep = l.grade(les)
	require.True(t, rep.Passed, text(rep))
	require.Equal(t, len(les.Steps), rep.Score)

	var out bytes.Buffer
	require.NoError(t, runner.Reset(context.Background(), l.k, []*lessons.Lesson{les}, &out), out.String())
	l.requireGone(les)
	if les.Requires != "" {
		l.requireGone(l.lesson(les.Requires))
	}
	l.requireBystanders()
	rep = l.grade(les)
	require.False(t, rep.Steps[0].Passed, "step 1 still passes after reset:\n%s", text(rep))
}

// wrongCase is a close-but-wrong state: build makes it, want is the
// expected outcome per step ("PPFPPF"; ? = either), step is the step the
// mistake is about and why a text its diagnosis must contain.
type wrongCase struct {
	name, lesson string
	build        func(l *lab, les *lessons.Lesson)
	want         string
	step         int
	why          string
	// mistake is the id a failing check of step must report; when the
	// step has a hint for it, that hint must come first.
	mistake string
}

// solved builds the whole lesson, then breaks it with script.
func solved(script string) func(*lab, *lessons.Lesson) {
	return func(l *lab, les *lessons.Lesson) {
		l.solve(les, 0)
		l.sh(script)
	}
}

// upTo solves steps 1..k, runs script, then applies the commands of the
// steps from `resume` on (0: none).
func upTo(k int, script string, resume int) func(*lab, *lessons.Lesson) {
	return func(l *lab, les *lessons.Lesson) {
		if k > 0 {
			l.solve(les, k)
		}
		l.sh(script)
		if resume > 0 {
			l.apply(les, resume, len(les.Steps))
		}
	}
}

var wrongCases = []wrongCase{
	// Lesson 1.
	{name: "L1S1_stale_file", lesson: "1", build: upTo(0, "mkdir -p /run/netns; touch /run/netns/ns0", 0),
		want: "FFF", step: 1, mistake: "ns-stale", why: "not a namespace mount"},
	{name: "L1S2_lo_down", lesson: "1", build: solved("ip -n ns0 link set lo down"),
		want: "PFF", step: 2, mistake: "lo-down", why: "lo in ns0 is down"},
	{name: "L1S3_icmp_dropped", lesson: "1", build: solved("ip netns exec ns0 iptables -A INPUT -p icmp -j DROP"),
		want: "PPF", step: 3, mistake: "no-reply", why: "no reply"},

	// Lesson 2.
	{name: "L2S1_one_name_at_a_time", lesson: "2", build: upTo(0, "ip netns add ns0 ns1 || true", 0),
		want: "FFFFFF", step: 1, mistake: "ns-missing", why: "namespace ns1 does not exist"},
	{name: "L2S1_lo_down_in_ns1", lesson: "2", build: solved("ip -n ns1 link set lo down"),
		want: "FPPPPP", step: 1, mistake: "lo-down", why: "lo in ns1 is down"},
	{name: "L2S2_wrong_peer_name", lesson: "2", build: upTo(1, "ip link add veth0 type veth peer name veth2", 0),
		want: "PFFFFF", step: 2, mistake: "wrong-peer", why: "paired with veth2"},
	{name: "L2S3_end_in_wrong_namespace", lesson: "2", build: solved("ip netns add ns9; ip -n ns1 link set veth1 netns ns9"),
		want: "PPFFFF", step: 3, mistake: "peer-wrong-ns", why: "veth1 is in ns9, not in ns1"},
	{name: "L2S3_end_left_in_root", lesson: "2", build: upTo(2, "ip link set veth1 netns ns1", 0),
		want: "PPFFFF", step: 3, mistake: "veth-not-moved", why: "veth0 is not in ns0: it is in the lab's root namespace"},
	{name: "L2S4_wrong_prefix", lesson: "2", build: upTo(3, `
ip -n ns0 addr add 10.0.0.1/16 dev veth0
ip -n ns1 addr add 10.0.0.2/24 dev veth1`, 5),
		want: "PPPFPP", step: 4, mistake: "wrong-prefix", why: "but the lesson wants /24"},
	{name: "L2S4_addresses_swapped", lesson: "2", build: upTo(3, `
ip -n ns0 addr add 10.0.0.2/24 dev veth0
ip -n ns1 addr add 10.0.0.1/24 dev veth1`, 5),
		want: "PPPFPF", step: 4, mistake: "addr-wrong-end", why: "10.0.0.1 is on veth1 in ns1"},
	{name: "L2S5_one_end_down", lesson: "2", build: solved("ip -n ns1 link set veth1 down"),
		want: "PPPPFF", step: 5, mistake: "peer-down", why: "its peer veth1 in ns1 is down"},
	{name: "L2S6_icmp_dropped_in_ns1", lesson: "2", build: solved("ip netns exec ns1 iptables -A INPUT -p icmp -j DROP"),
		want: "PPPPPF", step: 6, mistake: "dropped-by-rule", why: "got no reply"},

	// Lesson 3.
	{name: "L3S1_bridge_down", lesson: "3", build: solved("ip link set br0 down"),
		want: "FPPPF?", step: 1, mistake: "link-down", why: "br0 (root namespace) is down"},
	{name: "L3S1_not_a_bridge", lesson: "3", build: upTo(0, "ip link add br0 type dummy 2>/dev/null || ip link add br0 type ifb; ip link set br0 up", 0),
		want: "FFFFFF", step: 1, mistake: "link-wrong-type", why: "not a bridge"},
	{name: "L3S2_lo_down_in_ns2", lesson: "3", build: solved("ip -n ns2 link set lo down"),
		want: "PFPPPP", step: 2, mistake: "lo-down", why: "lo in ns2 is down"},
	{name: "L3S3_port_not_in_bridge", lesson: "3", build: solved("ip link set veth-ns2 nomaster"),
		want: "PPFPFF", step: 3, mistake: "port-not-attached", why: "is not a port of br0"},
	{name: "L3S3_bridge_end_down", lesson: "3", build: solved("ip link set veth-ns1 down"),
		want: "PPFPF?", step: 3, mistake: "peer-down", why: "veth-ns1 (root namespace) is down"},
	{name: "L3S3_port_in_wrong_namespace", lesson: "3", build: solved("ip netns add ns9; ip link set veth-ns0 netns ns9"),
		want: "PPFPFF", step: 3, mistake: "port-wrong-ns", why: "cannot be a port of br0"},
	{name: "L3S4_wrong_prefix", lesson: "3", build: upTo(3, `
ip -n ns0 addr add 10.0.1.10/24 dev eth0
ip -n ns1 addr add 10.0.1.11/16 dev eth0
ip -n ns2 addr add 10.0.1.12/24 dev eth0`, 0),
		want: "PPPFPP", step: 4, mistake: "wrong-prefix", why: "but the lesson wants /24"},
	{name: "L3S5_icmp_dropped_in_ns2", lesson: "3", build: solved("ip netns exec ns2 iptables -A INPUT -p icmp -j DROP"),
		want: "PPPPFP", step: 5, mistake: "dropped-by-rule", why: "got no reply"},
	{name: "L3S6_port_does_not_learn", lesson: "3", build: solved(`
ip link set veth-ns2 down
bridge link set dev veth-ns2 learning off
ip link set veth-ns2 up`),
		want: "PPPPPF", step: 6, mistake: "port-learning-off", why: "learning is turned off on its port veth-ns2"},

	// Lesson 4 (the solver builds lesson 3 first).
	{name: "L4S1_no_default_route_in_ns2", lesson: "4", build: solved("ip -n ns2 route del default"),
		want: "FPPPP", step: 1, mistake: "no-default-route", why: "ns2 has no route to default"},
	{name: "L4S1_wrong_gateway_in_ns1", lesson: "4", build: solved("ip -n ns1 route replace default via 10.0.1.10"),
		want: "FPPPF", step: 1, mistake: "wrong-gateway", why: "ns1's route to default goes via 10.0.1.10"},
	{name: "L4S2_rule_in_root_namespace", lesson: "4", build: upTo(1, "iptables -A INPUT -p icmp -s 10.0.1.10 -j DROP", 3),
		want: "FFPPP", step: 2, mistake: "rule-wrong-ns", why: "but the lab's root namespace has one"},
	{name: "L4S2_drops_all_of_ns0", lesson: "4", build: upTo(1, "ip netns exec ns2 iptables -A INPUT -s 10.0.1.10 -j DROP", 3),
		want: "PFPPP", step: 2, mistake: "dropped-by-rule", why: "did not reach netlab's probe server in ns2"},
	{name: "L4S3_internet_routes_back", lesson: "4", build: solved("ip -n internet route add 10.0.1.0/24 via 203.0.113.254"),
		want: "PPFPP", step: 3, mistake: "route-should-be-absent", why: "internet can route to 10.0.1.0/24"},
	{name: "L4S3_wan0_peer_down", lesson: "4", build: solved("ip -n internet link set eth0 down"),
		want: "PPFFF", step: 3, mistake: "peer-down", why: "its peer eth0 in internet is down"},
	{name: "L4S4_masquerade_on_wrong_interface", lesson: "4", build: upTo(3, `
sysctl -w net.ipv4.ip_forward=1
iptables -t nat -A POSTROUTING -s 10.0.1.0/24 -o br0 -j MASQUERADE`, 5),
		// Step 2: where br_netfilter is loaded, bridged frames pass the root
		// namespace's nat table too, this rule hides ns0's address from ns2
		// and its pings get through; without it they stay dropped.
		want: "P?PFP", step: 4, mistake: "rule-mismatch", why: "oifname br0"},
	{name: "L4S4_forwarding_off", lesson: "4", build: solved("sysctl -w net.ipv4.ip_forward=0"),
		want: "PPPFF", step: 4, mistake: "ip-forward-off", why: "net.ipv4.ip_forward is 0"},
	{name: "L4S5_dnat_to_wrong_host", lesson: "4", build: upTo(4,
		"iptables -t nat -A PREROUTING -i wan0 -p tcp --dport 8080 -j DNAT --to-destination 10.0.1.12:80", 0),
		want: "PPPPF", step: 5, mistake: "rule-mismatch", why: "--to-destination 10.0.1.12:80"},
}

func requireMistake(t *testing.T, st lessons.Step, sr runner.StepReport, id string) {
	t.Helper()
	var got []string
	for _, c := range sr.Checks {
		if c.Status != checks.Pass {
			got = append(got, c.Mistake)
		}
	}
	require.Contains(t, got, id, "step %d does not diagnose mistake %s", sr.Step, id)
	for _, h := range st.Hints {
		if h.When == id {
			require.Equal(t, id, runner.HintsFor(st, sr)[0].When, "the hint for %s is not shown first", id)
			return
		}
	}
}

// TestLessonNWrong: every close-but-wrong state fails the step it is about
// (and exactly the steps listed), with a why that names the problem.
func TestLesson1Wrong(t *testing.T) { runWrong(t, "1") }
func TestLesson2Wrong(t *testing.T) { runWrong(t, "2") }
func TestLesson3Wrong(t *testing.T) { runWrong(t, "3") }
func TestLesson4Wrong(t *testing.T) { runWrong(t, "4") }

func runWrong(t *testing.T, key string) {
	covered := map[int]bool{}
	for _, c := range wrongCases {
		if c.lesson != key {
			continue
		}
		covered[c.step] = true
		t.Run(c.name, func(t *testing.T) {
			if sandboxtest.Run(t) {
				return
			}
			l := newLab(t)
			les := l.lesson(c.lesson)
			c.build(l, les)
			rep := l.grade(les)
			requireOutcome(t, c.want, rep)
			require.False(t, rep.Steps[c.step-1].Passed)
			requireWhy(t, rep, c.step, c.why)
			requireMistake(t, les.Steps[c.step-1], rep.Steps[c.step-1], c.mistake)
		})
	}
	// Every step of the lesson has at least one wrong state.
	ls, err := lessons.LoadEmbedded()
	require.NoError(t, err)
	les, err := lessons.Find(ls, key)
	require.NoError(t, err)
	for i := range les.Steps {
		require.True(t, covered[i+1], "lesson %s step %d has no close-but-wrong case", key, i+1)
	}
}

// TestLesson2Independent: a correct state built with other commands than
// the lesson's (ip netns exec, a veth created directly inside its
// namespaces, nsenter) passes, among unrelated namespaces, links and
// addresses.
func TestLesson2Independent(t *testing.T) {
	if sandboxtest.Run(t) {
		return
	}
	l := newLab(t)
	l.sh(bystanders + `
ip netns add ns1
ip netns add ns0
ip link add veth0 netns ns0 type veth peer name veth1 netns ns1
ip netns exec ns0 ip link set lo up
nsenter --net=/run/netns/ns1 ip link set dev lo up
ip netns exec ns0 ip address add 10.0.0.1/24 dev veth0
ip netns exec ns0 ip address add 192.168.77.1/24 dev veth0
nsenter --net=/run/netns/ns1 ip addr add 10.0.0.2/24 broadcast + dev veth1
ip netns exec ns1 ip link set veth1 up
ip netns exec ns0 ip link set veth0 up
ip -n ns0 link add extra0 type dummy 2>/dev/null || ip -n ns0 link add extra0 type ifb
ip -n ns0 link set extra0 up
ip link add vethx type veth peer name vethy
`)
	rep := l.grade(l.lesson("veth"))
	require.True(t, rep.Passed, text(rep))
}

// TestLesson3Brctl: bridge-utils instead of `ip link ... master`, other
// port names, the peer created in the root namespace and moved.
func TestLesson3Brctl(t *testing.T) {
	if sandboxtest.Run(t) {
		return
	}
	l := newLab(t)
	l.sh(bystanders + `
brctl addbr br0
ip link set dev br0 up
for i in 0 1 2; do
  ip netns add ns$i
  ip netns exec ns$i ip link set lo up
  ip link add port$i type veth peer name tmp$i
  ip link set tmp$i netns ns$i
  ip netns exec ns$i ip link set tmp$i name eth0
  brctl addif br0 port$i
  ip link set port$i up
  ip netns exec ns$i ip link set eth0 up
  ip netns exec ns$i ip addr add 10.0.1.1$i/24 dev eth0
done
`)
	rep := l.grade(l.lesson("bridge"))
	require.True(t, rep.Passed, text(rep))
}

// TestLesson4Nft: lesson 4 written with nft alone: the filter in ns2 in an
// inet table, masquerade and DNAT in a table of its own in the root
// namespace. It passes, and reset removes those rules.
func TestLesson4Nft(t *testing.T) {
	if sandboxtest.Run(t) {
		return
	}
	l := newLab(t)
	les := l.lesson("iptables")
	l.solve(l.lesson("bridge"), 0)
	l.sh(bystanders)
	l.apply(les, 1, 1)
	l.sh(`
ip netns exec ns2 nft add table inet guard
ip netns exec ns2 nft add chain inet guard in '{ type filter hook input priority 0; policy accept; }'
ip netns exec ns2 nft add rule inet guard in ip saddr 10.0.1.10 icmp type echo-request drop
`)
	l.apply(les, 3, 3)
	l.sh(`
echo 1 > /proc/sys/net/ipv4/ip_forward
nft add table ip mynat
nft add chain ip mynat post '{ type nat hook postrouting priority srcnat; }'
nft add chain ip mynat pre '{ type nat hook prerouting priority dstnat; }'
nft add rule ip mynat post ip saddr 10.0.1.0/24 oifname wan0 masquerade
nft add rule ip mynat pre iifname wan0 tcp dport 8080 dnat to 10.0.1.11:80
`)
	rep := l.grade(les)
	require.True(t, rep.Passed, text(rep))

	var out bytes.Buffer
	require.NoError(t, runner.Reset(context.Background(), l.k, []*lessons.Lesson{les}, &out), out.String())
	l.requireGone(les)
	l.requireBystanders()
}

// TestLesson4NoFirewallTools: without iptables and nft on PATH the rule
// checks say error (netlab could not judge) with how to install the tool;
// the packet checks still judge.
func TestLesson4NoFirewallTools(t *testing.T) {
	if sandboxtest.Run(t) {
		return
	}
	l := newLab(t)
	les := l.lesson("iptables")
	l.solve(les, 0)
	t.Setenv("PATH", "")
	rep := l.grade(les)
	n := 0
	for _, s := range rep.Steps {
		for _, c := range s.Checks {
			if c.Kind == "nf_rule" {
				n++
				require.Equal(t, checks.Error, c.Status, "%s: %s", c.Name, c.Why)
				require.Contains(t, c.Why, "apt-get install nftables")
			} else {
				require.Equal(t, checks.Pass, c.Status, "%s: %s", c.Name, c.Why)
			}
		}
	}
	require.Equal(t, 3, n)
	require.Equal(t, "PEPEE", outcome(rep))
}

// TestNamespaceDeletedWhileGrading: a namespace that vanishes while the
// checks run gives fail or error, never a hang or a panic.
func TestNamespaceDeletedWhileGrading(t *testing.T) {
	if sandboxtest.Run(t) {
		return
	}
	l := newLab(t)
	les := l.lesson("veth")
	for _, d := range []time.Duration{0, time.Millisecond, 5 * time.Millisecond, 20 * time.Millisecond, 100 * time.Millisecond, 300 * time.Millisecond} {
		t.Run(fmt.Sprint(d), func(t *testing.T) {
			l.sh("ip netns del ns0 2>/dev/null || true; ip netns del ns1 2>/dev/null || true")
			l.solve(les, 0)
			done := make(chan runner.Report, 1)
			go func() { done <- l.grade(les) }()
			time.Sleep(d)
			l.sh("ip netns del ns1")
			var rep runner.Report
			select {
			case rep = <-done:
			case <-time.After(30 * time.Second):
				t.Fatal("grading hangs after a namespace was deleted")
			}
			for _, s := range rep.Steps {
				for _, c := range s.Checks {
					require.Contains(t, []checks.Status{checks.Pass, checks.Fail, checks.Error}, c.Status)
					require.NotContains(t, c.Why, "crashed", "a check panicked")
				}
			}
			rep = l.grade(les)
			require.Equal(t, "FFFFFF", outcome(rep), text(rep))
			requireWhy(t, rep, 1, "namespace ns1 does not exist")
		})
	}
}

// TestLessonNStepwise: solving step by step, each step's solution makes
// that step pass, and the next step still fails unless it is marked
// passes_early (selftest relies on these marks).
func TestLesson1Stepwise(t *testing.T) { stepwise(t, "1") }
func TestLesson2Stepwise(t *testing.T) { stepwise(t, "2") }
func TestLesson3Stepwise(t *testing.T) { stepwise(t, "3") }
func TestLesson4Stepwise(t *testing.T) { stepwise(t, "4") }

func stepwise(t *testing.T, key string) {
	if sandboxtest.Run(t) {
		return
	}
	l := newLab(t)
	les := l.lesson(key)
	for k := 1; k <= len(les.Steps); k++ {
		l.solve(les, k)
		rep := l.grade(les)
		for i := 0; i < k; i++ {
			require.True(t, rep.Steps[i].Passed, "after solving up to step %d, step %d fails:\n%s", k, i+1, text(rep))
		}
		if k < len(les.Steps) && !les.Steps[k].PassesEarly {
			require.False(t, rep.Steps[k].Passed, "step %d passes once step %d is solved, but is not marked passes_early:\n%s", k+1, k, text(rep))
		}
	}
}
