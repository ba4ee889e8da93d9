package runner_test

// Kernel tests of the lessons: each test (and each table row) runs in a
// sandbox of its own (sandboxtest), builds real namespaces, links and
// rules there, and grades them with the real kernel.

import (
	"bytes"
	"context"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"github.com/vishvananda/netns"

	"github.com/netlab/netlab/checks"
	"github.com/netlab/netlab/internal/cli"
	"github.com/netlab/netlab/kernel"
	"github.com/netlab/netlab/lessons"
	"github.com/netlab/netlab/lessons/lessonyaml"
	"github.com/netlab/netlab/mistakes"
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
	// Init first: in a sandbox's PID 1 it never returns (it exits with the
	// sandbox), and a directory made before it would be left in /tmp.
	if err := sandbox.Init(); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(2)
	}
	dir, err := os.MkdirTemp("", "netlab-state-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(2)
	}
	kernel.StateRoot = filepath.Join(dir, "run")
	code := m.Run()
	os.RemoveAll(dir)
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

// grade grades les; every check must report only mistake ids that its
// kind declares (the vocabulary docs/checks.md lists).
func (l *lab) grade(les *lessons.Lesson) runner.Report {
	l.t.Helper()
	rep := l.g.Grade(context.Background(), les)
	reg := checks.Default()
	for _, st := range rep.Steps {
		for _, c := range st.Checks {
			if c.Kind == runner.RoundKind {
				continue // lesson 8's own: not a check kind
			}
			k, ok := reg.Get(c.Kind)
			require.True(l.t, ok, c.Kind)
			require.True(l.t, c.Mistake == "" || k.Reports(c.Mistake), "a %s check reported mistake %s, which its kind does not declare", c.Kind, c.Mistake)
		}
	}
	return rep
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

// The tests below are generic: every embedded lesson and every entry of
// mistakes/catalog.yaml gets them, with no Go code of its own. A new lesson
// is its YAML file plus its catalogue entries.

// embedded is the built-in lessons (checked against the catalogue) and
// every catalogue entry, pending ones too.
func embedded(t *testing.T) ([]*lessons.Lesson, []mistakes.Mistake) {
	t.Helper()
	ls, err := lessons.LoadEmbedded()
	require.NoError(t, err)
	require.NotEmpty(t, ls)
	all, err := mistakes.All()
	require.NoError(t, err)
	return ls, all
}

func lessonName(l *lessons.Lesson) string { return fmt.Sprintf("%d-%s", l.ID, l.Slug) }

// TestLessonSolve: for every lesson, a fresh state fails step 1; among
// unrelated objects the reference solution passes every step; reset then
// removes the lesson's objects and only those.
func TestLessonSolve(t *testing.T) {
	ls, _ := embedded(t)
	for _, les := range ls {
		t.Run(lessonName(les), func(t *testing.T) { solveAndReset(t, les.Slug) })
	}
}

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

// TestLessonStepwise: for every lesson, solving step by step, each step's
// solution makes that step pass, and the next step still fails unless it
// is marked passes_early (selftest relies on these marks).
func TestLessonStepwise(t *testing.T) {
	ls, _ := embedded(t)
	for _, les := range ls {
		t.Run(lessonName(les), func(t *testing.T) { stepwise(t, les.Slug) })
	}
}

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

// TestEveryStepHasACataloguedMistake: every step of every lesson has at
// least one catalogued (not pending) mistake, so that the test below and
// selftest show it failing for a reason, and `netlab hint` has a hint for
// that reason.
func TestEveryStepHasACataloguedMistake(t *testing.T) {
	ls, all := embedded(t)
	judged := mistakes.Judged(all)
	for _, les := range ls {
		if les.Troubleshoot() {
			// Its rounds inject other lessons' entries (TestFaultsRoundTrip).
			require.NotEmpty(t, runner.Faults(les, judged), les.File)
			continue
		}
		for i := range les.Steps {
			n := 0
			for _, m := range mistakes.ForLesson(judged, les.Slug) {
				if m.Step == i+1 {
					n++
				}
			}
			require.NotZero(t, n, "%s step %d has no entry in %s", les.File, i+1, mistakes.File)
		}
	}
}

// TestLessonMistakes: every catalogued mistake of every lesson, built in a
// sandbox of its own, makes its step fail with a check that reports the
// mistake and says the catalogue's phrases; `netlab hint` shows a hint for
// a diagnosed mistake first; and (lab.grade) every check reports only
// mistake ids its kind declares. A pending entry must still not be diagnosed as written
// (when it is, the gap is closed: remove its pending: line).
func TestLessonMistakes(t *testing.T) {
	ls, all := embedded(t)
	for _, les := range ls {
		t.Run(lessonName(les), func(t *testing.T) {
			for _, m := range mistakes.ForLesson(all, les.Slug) {
				t.Run(m.ID, func(t *testing.T) { buildAndDiagnose(t, les.Slug, m) })
			}
		})
	}
}

func buildAndDiagnose(t *testing.T, key string, m mistakes.Mistake) {
	if sandboxtest.Run(t) {
		return
	}
	ctx := context.Background()
	l := newLab(t)
	les := l.lesson(key)
	var out bytes.Buffer
	s := &runner.Solver{Grader: l.g, Shell: runner.SysShell{}, Out: &out, Lessons: l.ls}
	require.NoError(t, s.BuildMistake(ctx, les, m), out.String())
	rep := l.grade(les) // which also checks the ids against the kinds
	step := rep.Steps[m.Step-1]
	hit := diagnosis(step, m.Want(), m.ExpectWhy)
	if m.Pending != "" {
		require.Nil(t, hit, "pending mistake %s is now diagnosed as the catalogue says: remove its pending: line\n%s", m.ID, text(rep))
		return
	}
	require.False(t, step.Passed, "step %d must fail\n%s", m.Step, text(rep))
	require.NotNil(t, hit, "no failing check of step %d reports mistake %s with a why containing %q:\n%s", m.Step, m.Want(), m.ExpectWhy, text(rep))
	requireWhyInBothLanguages(t, m, hit)
	hints := runner.HintsFor(les.Steps[m.Step-1], step)
	require.NotEmpty(t, hints)
	diagnosed := map[string]bool{}
	for _, c := range step.Checks {
		if c.Status != checks.Pass {
			diagnosed[c.Mistake] = true
		}
	}
	require.True(t, diagnosed[hints[0].When], "the first hint %q is not for a diagnosed mistake", hints[0].Text)
}

// diagnosis returns the failing check of step that reports mistake id
// and whose why contains every phrase, or nil.
func diagnosis(step runner.StepReport, id string, phrases []string) *runner.CheckReport {
	for i, c := range step.Checks {
		if c.Status != checks.Fail || c.Mistake != id {
			continue
		}
		ok := true
		for _, w := range phrases {
			ok = ok && strings.Contains(c.Why, w)
		}
		if ok {
			return &step.Checks[i]
		}
	}
	return nil
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
			go func() { done <- l.g.Grade(context.Background(), les) }()
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

// TestCourseInOrder: lessons 1-4 finished in order in one lab grade green
// with GradeAll (what `check --all` runs), lesson 3's ping from ns0 to ns2
// superseded by lesson 4's DROP; broken in another way, lesson 3 fails.
func TestCourseInOrder(t *testing.T) {
	if sandboxtest.Run(t) {
		return
	}
	l := newLab(t)
	var course []*lessons.Lesson
	for _, key := range []string{"1", "2", "3", "4"} {
		les := l.lesson(key)
		l.solve(les, 0)
		course = append(course, les)
	}
	ctx := context.Background()
	reps := l.g.GradeAll(ctx, course)
	superseded := 0
	for _, rep := range reps {
		require.True(t, rep.Passed, text(rep))
		for _, s := range rep.Steps {
			for _, c := range s.Checks {
				if c.Superseded != nil {
					superseded++
					require.Equal(t, 3, rep.Lesson)
					require.Equal(t, 4, c.Superseded.Lesson)
					require.Contains(t, c.Superseded.WasWhy, "dropped")
				}
			}
		}
	}
	require.Equal(t, 2, superseded, "lesson 4's DROP breaks two pings of lesson 3: ns0 to ns2 and ns2 to ns0")
	require.Equal(t, "All 4 lessons pass (20/20 steps). 2 checks count as passed because a later lesson changed their state on purpose.", runner.AllSummary(reps))
	// `check 3` alone, as a learner who went on to lesson 4 runs it.
	alone := l.g.GradeSuperseded(ctx, l.ls, course[2])
	require.True(t, alone.Passed, text(alone))

	// Broken in another way: ns0 also drops ns1's pings. Lesson 4 does
	// not excuse that, so lesson 3 fails (its step 5 only).
	l.sh("ip netns exec ns0 iptables -A INPUT -p icmp -s 10.0.1.11 -j DROP")
	reps = l.g.GradeAll(ctx, course)
	requireOutcome(t, "PPPPF?", reps[2])
	require.True(t, reps[3].Passed, text(reps[3]))
	requireOutcome(t, "PPPPF?", l.g.GradeSuperseded(ctx, l.ls, course[2]))

	// The step that excuses it no longer passes: nothing is superseded.
	l.sh("ip netns exec ns0 iptables -D INPUT -p icmp -s 10.0.1.11 -j DROP; ip netns exec ns2 iptables -P INPUT DROP")
	reps = l.g.GradeAll(ctx, course)
	require.False(t, reps[3].Steps[1].Passed, text(reps[3]))
	require.False(t, reps[2].Passed, text(reps[2]))
	for _, s := range reps[2].Steps {
		for _, c := range s.Checks {
			require.Nil(t, c.Superseded)
		}
	}
}

// TestLesson3QuietNetwork: on a network that has been quiet (the bridge
// has forgotten every MAC), `check 3` still passes: the fdb check reads
// the forwarding database after netlab's own pings have filled it. Run
// before them, it would find nothing learned.
func TestLesson3QuietNetwork(t *testing.T) {
	if sandboxtest.Run(t) {
		return
	}
	l := newLab(t)
	les := l.lesson("bridge")
	l.solve(les, 0)
	// Quiet means quiet: IPv6 off (no router solicitations or DAD that
	// would teach the bridge again), no neighbour entries to refresh.
	l.sh(`for n in ns0 ns1 ns2; do ip netns exec $n sysctl -qw net.ipv6.conf.all.disable_ipv6=1; ip -n $n neigh flush all; done
bridge fdb flush dev br0`)
	ctx := context.Background()
	fdb, err := l.k.FDB(ctx, kernel.Root, "br0")
	require.NoError(t, err)
	for _, ns := range []string{"ns0", "ns1", "ns2"} {
		links, err := l.k.Links(ctx, ns)
		require.NoError(t, err)
		for _, lk := range links {
			if lk.Name != "eth0" {
				continue
			}
			for _, e := range fdb {
				require.False(t, !e.Local && e.MAC.String() == lk.MAC.String(), "precondition: br0 still knows %s's MAC", ns)
			}
		}
	}
	rep := l.grade(les)
	require.True(t, rep.Passed, text(rep))
}

// TestSysctlCheckReadsTheValue: the sysctl check passes on the value asked
// for only, in the namespace asked for only.
func TestSysctlCheckReadsTheValue(t *testing.T) {
	if sandboxtest.Run(t) {
		return
	}
	l := newLab(t)
	run := func(ns, key, value string) checks.Result {
		text := fmt.Sprintf("kind: sysctl\nkey: %s\nvalue: %q\n", key, value)
		if ns != "" {
			text += "ns: " + ns + "\n"
		}
		c, err := lessonyaml.ParseCheck(checks.Default(), text)
		require.NoError(t, err)
		return c.Check.Run(context.Background(), checks.Env{K: l.k})
	}
	l.sh("ip netns add ns0; sysctl -w net.ipv4.ip_forward=0; ip netns exec ns0 sysctl -w net.ipv4.ip_forward=1")
	cases := []struct {
		ns, key, value string
		want           checks.Status
	}{
		{"", "net.ipv4.ip_forward", "1", checks.Fail},
		{"", "net.ipv4.ip_forward", "0", checks.Pass},
		{"ns0", "net.ipv4.ip_forward", "1", checks.Pass},
		{"ns0", "net.ipv4.ip_forward", "0", checks.Fail},
		{"ns0", "net.ipv4.conf.all.forwarding", "1", checks.Pass},
		{"", "net.ipv4.conf.all.forwarding", "1", checks.Fail},
	}
	for _, tc := range cases {
		r := run(tc.ns, tc.key, tc.value)
		require.Equal(t, tc.want, r.Status, "%s in %q = %s: %s", tc.key, tc.ns, tc.value, r.Why)
	}
	require.Equal(t, "ip-forward-off", run("", "net.ipv4.ip_forward", "1").Mistake)
	l.sh("sysctl -w net.ipv4.ip_forward=1")
	require.Equal(t, checks.Pass, run("", "net.ipv4.ip_forward", "1").Status)
	l.sh("ip netns exec ns0 sysctl -w net.ipv4.conf.all.rp_filter=2")
	require.Equal(t, checks.Fail, run("ns0", "net.ipv4.conf.all.rp_filter", "1").Status)
	require.Equal(t, checks.Pass, run("ns0", "net.ipv4.conf.all.rp_filter", "2").Status)
}

// TestHintNamesDiagnosedNamespace: `netlab hint` for lo down in ns2 says
// ns2, not "one of the namespaces".
func TestHintNamesDiagnosedNamespace(t *testing.T) {
	if sandboxtest.Run(t) {
		return
	}
	l := newLab(t)
	les := l.lesson("bridge")
	l.solve(les, 0)
	l.sh("ip -n ns2 link set lo down")
	rep := l.grade(les)
	i := rep.FirstUnfinished()
	require.Equal(t, 1, i, text(rep))
	hs := runner.HintsFor(les.Steps[i], rep.Steps[i])
	require.Equal(t, "lo is down in ns2: `ip -n ns2 link set lo up`.", hs[0].Text)
}

// TestLesson4OwnServerOnPort80: with the learner's own server holding
// 10.0.1.11:80 in ns1 (the lesson suggests `python3 -m http.server 80`),
// netlab cannot judge the connection, says so and why, and still reports
// that the DNAT rule is in place, so a correct rule is not left without
// feedback.
func TestLesson4OwnServerOnPort80(t *testing.T) {
	if sandboxtest.Run(t) {
		return
	}
	l := newLab(t)
	les := l.lesson("iptables")
	l.solve(les, 0)
	root, err := netns.Get()
	require.NoError(t, err)
	defer root.Close()
	h, err := netns.GetFromName("ns1")
	require.NoError(t, err)
	defer h.Close()
	var ln net.Listener
	require.NoError(t, kernel.InNS(root, h, func() error {
		var lerr error
		ln, lerr = net.Listen("tcp4", "0.0.0.0:80")
		return lerr
	}))
	defer ln.Close()
	rep := l.grade(les)
	requireOutcome(t, "PPPPE", rep)
	c := rep.Steps[4].Checks[0]
	require.Equal(t, checks.Error, c.Status)
	require.Equal(t, "probe-port-taken", c.Mistake)
	require.Contains(t, c.Why, "the port is taken, most likely by your own server")
	require.Contains(t, c.Why, "your DNAT rule `iptables -t nat -A PREROUTING -i wan0 -p tcp -m tcp --dport 8080 -j DNAT --to-destination 10.0.1.11:80`")
	require.Equal(t, "probe-port-taken", runner.HintsFor(les.Steps[4], rep.Steps[4])[0].When)
}

// requireOutcome compares the steps with want ("PPFPPF"); '?' accepts
// anything.
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
