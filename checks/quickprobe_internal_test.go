package checks

import (
	"context"
	"fmt"
	"net"
	"net/netip"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/netlab/netlab/kernel"
	"github.com/netlab/netlab/kernel/kerneltest"
)

// probeLog records, in order, the probes a check sends and the rule reads
// that reach the kernel.
type probeLog struct {
	*kerneltest.Fake
	mu     sync.Mutex
	events []string
}

func (p *probeLog) add(e string) {
	p.mu.Lock()
	p.events = append(p.events, e)
	p.mu.Unlock()
}

func (p *probeLog) log() []string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return append([]string(nil), p.events...)
}

func (p *probeLog) Ruleset(ctx context.Context, ns string) (kernel.Ruleset, error) {
	p.add("rules " + nsName(ns))
	return p.Fake.Ruleset(ctx, ns)
}

func (p *probeLog) NFCounters(ctx context.Context, ns string) (map[string]uint64, error) {
	p.add("counters " + nsName(ns))
	return p.Fake.NFCounters(ctx, ns)
}

func (p *probeLog) Ping(ctx context.Context, ns string, dst net.IP, o kernel.PingOpts) (kernel.PingResult, error) {
	p.add(fmt.Sprintf("ping %s count %d timeout %s", ns, o.Count, o.Timeout))
	return p.Fake.Ping(ctx, ns, dst, o)
}

func (p *probeLog) ProbeTCP(ctx context.Context, t kernel.TCPProbe) (kernel.TCPResult, error) {
	p.add(fmt.Sprintf("tcp %s timeout %s", t.ClientNS, t.Timeout))
	return p.Fake.ProbeTCP(ctx, t)
}

// reads are the rule reads among events (what a probe paid for counters).
func reads(events []string) []string {
	var out []string
	for _, e := range events {
		if strings.HasPrefix(e, "rules ") || strings.HasPrefix(e, "counters ") {
			out = append(out, e)
		}
	}
	return out
}

func runIn(t *testing.T, k kernel.Kernel, c Check) Result {
	t.Helper()
	snap := kernel.NewSnapshot(k)
	defer snap.Close()
	return c.Run(context.Background(), Env{K: snap, ProbeTimeout: time.Second})
}

// A probe that is answered at once needs no counters: on a host with
// thousands of rules their dump costs more than the whole grade. One
// quick echo (connection) is all a passing probe sends.
func TestAnsweredProbeReadsNoCounters(t *testing.T) {
	for _, tc := range []struct {
		name  string
		fake  *kerneltest.Fake
		check Check
		want  []string
	}{
		{"ping", kerneltest.VethPair(), pingCheck{from: "ns0", to: net.ParseIP("10.0.0.2").To4()}, []string{"ping ns0 count 1 timeout 50ms"}},
		{"ping6", kerneltest.VethPairV6(), ping6Check{from: "ns0", to: netip.MustParseAddr("fd00::2")}, []string{"ping ns0 count 1 timeout 50ms"}},
		{"tcp", kerneltest.VethPair(), tcpCheck{from: "ns0", server: "ns1", to: net.TCPAddr{IP: net.ParseIP("10.0.0.2").To4(), Port: 8080}, listen: net.TCPAddr{IP: net.ParseIP("10.0.0.2").To4(), Port: 8080}},
			[]string{"tcp ns0 timeout " + quickWindow.String()}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			k := &probeLog{Fake: tc.fake}
			r := runIn(t, k, tc.check)
			require.Equal(t, Pass, r.Status, r.Why)
			require.Empty(t, reads(k.log()))
			require.Equal(t, tc.want, probesIn(k.log()))
		})
	}
}

// A probe the quick attempt misses is sent again, counted: its "before"
// is read after the quick attempt, which a DROP rule may have counted
// too, so the why counts this probe's packets alone.
func TestMissedProbeIsSentAgainCounted(t *testing.T) {
	f := kerneltest.VethPair()
	ns1 := f.NSs["ns1"]
	ns1.Ruleset = kernel.Ruleset{
		Chains: []kernel.NFChain{{Family: "ip", Table: "filter", Name: "INPUT", Hook: "input", Policy: "accept"}},
		Rules:  []kernel.NFRule{{Family: "ip", Table: "filter", Chain: "INPUT", Handle: 3, Text: "ip saddr 10.0.0.1 drop", Verdict: "drop"}},
	}
	// Every echo request to ns1 is dropped there, and counted.
	f.PingF = func(ns string, dst net.IP, o kernel.PingOpts) (kernel.PingResult, error) {
		ns1.Ruleset.Rules[0].Packets += uint64(o.Count)
		return kernel.PingResult{Sent: o.Count}, nil
	}
	k := &probeLog{Fake: f}
	snap := kernel.NewSnapshot(k)
	defer snap.Close()
	ctx := context.Background()
	// Another check of the run read the counters already, before this
	// ping's quick echo: they are no "before" for its counted ping.
	countersBefore(ctx, snap, []string{kernel.Root, "ns0", "ns1"})
	r := pingCheck{from: "ns0", to: net.ParseIP("10.0.0.2").To4()}.Run(ctx, Env{K: snap, ProbeTimeout: time.Second})
	require.Equal(t, Fail, r.Status)
	require.Equal(t, "dropped-by-rule", r.Mistake, r.Why)
	require.Contains(t, r.Why, "dropped 3 packets of this probe")

	ev := k.log()
	q := slices.Index(ev, "ping ns0 count 1 timeout 50ms")
	require.Equal(t, []string{"rules ns0", "rules ns1", "rules the lab's root namespace"}, slices.Sorted(slices.Values(reads(ev[:q]))), "the other check's reads")
	i := slices.Index(ev, "ping ns0 count 3 timeout 1s")
	require.Positive(t, i, ev)
	require.Contains(t, ev[q:i], "counters ns1", "the before of the counted ping is read after the quick echo")
}

// A reply where none is expected is explained with every namespace's
// counters as the before of a second ping; the first needs only those of
// the namespace that holds the destination (its DROP rule proves a drop).
func TestUnexpectedReplyIsSentAgainCounted(t *testing.T) {
	k := &probeLog{Fake: kerneltest.VethPair()}
	r := runIn(t, k, pingCheck{from: "ns0", to: net.ParseIP("10.0.0.2").To4(), noReply: true})
	require.Equal(t, Fail, r.Status)
	require.Equal(t, "not-dropped", r.Mistake, r.Why)

	ev := k.log()
	first := slices.Index(ev, "ping ns0 count 3 timeout 1s")
	require.Positive(t, first, ev)
	require.Equal(t, []string{"rules ns1"}, reads(ev[:first]), "only the destination's namespace is read before the first ping")
	second := first + 1 + slices.Index(ev[first+1:], "ping ns0 count 3 timeout 1s")
	require.Greater(t, second, first, ev)
	between := reads(ev[first:second])
	for _, ns := range []string{kernel.Root, "ns0", "ns1"} {
		require.Contains(t, between, "counters "+nsName(ns), "every namespace's counters are read before the second ping")
	}
}

// A TCP connection the quick attempt misses is tried again with the
// probe's whole timeout, its counters read in between.
func TestMissedConnectionIsTriedAgainCounted(t *testing.T) {
	f := kerneltest.VethPair()
	f.ProbeTCPF = func(kernel.TCPProbe) (kernel.TCPResult, error) {
		return kernel.TCPResult{Err: fmt.Errorf("connection refused")}, nil
	}
	k := &probeLog{Fake: f}
	addr := net.TCPAddr{IP: net.ParseIP("10.0.0.2").To4(), Port: 8080}
	r := runIn(t, k, tcpCheck{from: "ns0", server: "ns1", to: addr, listen: addr})
	require.Equal(t, Fail, r.Status)
	require.Equal(t, "tcp-failed", r.Mistake, r.Why)

	ev := k.log()
	quick, full := slices.Index(ev, "tcp ns0 timeout "+quickWindow.String()), slices.Index(ev, "tcp ns0 timeout 1s")
	require.Equal(t, 0, quick, ev)
	require.Greater(t, full, quick, ev)
	require.Contains(t, reads(ev[quick:full]), "counters ns1")
}

// countersAfter serves a requester from a read that started after its
// moment, shared with others that wait for the same; a later moment
// needs a new read.
func TestCountersAfterShareReadsStartedLateEnough(t *testing.T) {
	k := &probeLog{Fake: kerneltest.VethPair()}
	snap := kernel.NewSnapshot(k)
	defer snap.Close()
	ctx := context.Background()
	t0 := time.Now()
	a := countersAfter(ctx, snap, []string{"ns1"}, t0)
	b := countersAfter(ctx, snap, []string{"ns1"}, t0)
	require.Equal(t, a, b)
	require.Equal(t, []string{"counters ns1"}, reads(k.log()), "the second requester joins the first read")
	countersAfter(ctx, snap, []string{"ns1"}, time.Now())
	require.Equal(t, []string{"counters ns1", "counters ns1"}, reads(k.log()), "a read older than the moment does not serve")
}

// ping6 as ping: its counted ping's "before" is read after its quick
// echo, even when the run read the counters before it.
func TestMissedPing6IsSentAgainCounted(t *testing.T) {
	f := kerneltest.VethPairV6()
	ns1 := f.NSs["ns1"]
	ns1.Ruleset = kernel.Ruleset{
		Chains: []kernel.NFChain{{Family: "ip6", Table: "filter", Name: "INPUT", Hook: "input", Policy: "accept"}},
		Rules:  []kernel.NFRule{{Family: "ip6", Table: "filter", Chain: "INPUT", Handle: 3, Text: "ip6 saddr fd00::1 drop", Verdict: "drop"}},
	}
	f.PingF = func(ns string, dst net.IP, o kernel.PingOpts) (kernel.PingResult, error) {
		ns1.Ruleset.Rules[0].Packets += uint64(o.Count)
		return kernel.PingResult{Sent: o.Count}, nil
	}
	k := &probeLog{Fake: f}
	snap := kernel.NewSnapshot(k)
	defer snap.Close()
	ctx := context.Background()
	countersBefore(ctx, snap, []string{kernel.Root, "ns0", "ns1"})
	r := ping6Check{from: "ns0", to: netip.MustParseAddr("fd00::2")}.Run(ctx, Env{K: snap, ProbeTimeout: time.Second})
	require.Equal(t, Fail, r.Status)
	require.Equal(t, "icmpv6-all-dropped", r.Mistake, r.Why)
	require.Contains(t, r.Why, "dropped 3 packets of this probe")
	ev := k.log()
	require.Equal(t, []string{"ping ns0 count 1 timeout 50ms", "ping ns0 count 3 timeout 1s"}, probesIn(ev))
	q, i := slices.Index(ev, "ping ns0 count 1 timeout 50ms"), slices.Index(ev, "ping ns0 count 3 timeout 1s")
	require.Contains(t, ev[q:i], "counters ns1", "the before of the counted ping is read after the quick echo")
}

// probesIn are the probes among events.
func probesIn(events []string) []string {
	var out []string
	for _, e := range events {
		if strings.HasPrefix(e, "ping ") || strings.HasPrefix(e, "tcp ") {
			out = append(out, e)
		}
	}
	return out
}
