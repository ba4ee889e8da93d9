package checks_test

import (
	"context"
	"net"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/netlab/netlab/checks"
	"github.com/netlab/netlab/kernel"
	"github.com/netlab/netlab/kernel/kerneltest"
)

// dropLab is a fake lab whose ping never ends on its own: only a
// cancelled context stops it, or pingDone when a test closes it. Once
// the ping is out, every read of ns's counters shows the rule moves one
// packet further.
type dropLab struct {
	*kerneltest.Fake
	ns       string // the namespace whose rule moves
	moves    string // the key of the rule whose counter grows once the ping is out
	signalAt int    // polled is closed at this counter read during the ping
	started  chan struct{}
	pingDone chan struct{}

	mu        sync.Mutex
	polls     int
	cancelled bool
	polled    chan struct{}
}

// bounded is a context that ends a test whose probe nothing stops in 10
// s (the fake kernel answers in microseconds), instead of at go test's
// timeout: a proof that never comes then fails the test's assertions
// (the ping ends cancelled, with no rule).
func bounded(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	t.Cleanup(cancel)
	return ctx
}

func newDropLabOn(f *kerneltest.Fake, ns, moves string, signalAt int) *dropLab {
	return &dropLab{Fake: f, ns: ns, moves: moves, signalAt: signalAt, started: make(chan struct{}), pingDone: make(chan struct{}), polled: make(chan struct{})}
}

const (
	matchingKey = "ip/filter/INPUT/3"
	otherKey    = "ip/filter/INPUT/4"
)

// newDropLab is lesson 2 with two DROP rules in ns0's INPUT: one that
// could match ns1's echo requests (from 10.0.0.2), one that cannot
// (10.9.9.9); polled is closed after the third counter read during the
// ping.
func newDropLab(moves string) *dropLab {
	f := kerneltest.VethPair()
	f.NSs["ns0"].Ruleset = kernel.Ruleset{
		Chains: []kernel.NFChain{{Family: "ip", Table: "filter", Name: "INPUT", Hook: "input", Policy: "accept"}},
		Rules: []kernel.NFRule{
			{Family: "ip", Table: "filter", Chain: "INPUT", Handle: 3, Text: "ip saddr 10.0.0.2 l4proto icmp drop", Verdict: "drop"},
			{Family: "ip", Table: "filter", Chain: "INPUT", Handle: 4, Text: "ip saddr 10.9.9.9 drop", Verdict: "drop"},
		},
	}
	return newDropLabOn(f, "ns0", moves, 3)
}

func (d *dropLab) Ping(ctx context.Context, ns string, dst net.IP, o kernel.PingOpts) (kernel.PingResult, error) {
	close(d.started)
	select {
	case <-ctx.Done():
		d.mu.Lock()
		d.cancelled = true
		d.mu.Unlock()
		return kernel.PingResult{Sent: 1}, nil
	case <-d.pingDone:
		return kernel.PingResult{Sent: o.Count}, nil
	}
}

// NFCounters shows the moving rule one packet further once the ping is out.
func (d *dropLab) NFCounters(ctx context.Context, ns string) (map[string]uint64, error) {
	m, err := d.Fake.NFCounters(ctx, ns)
	if err != nil || ns != d.ns {
		return m, err
	}
	select {
	case <-d.started:
		m[d.moves]++
		d.mu.Lock()
		d.polls++
		if d.polls == d.signalAt {
			close(d.polled)
		}
		d.mu.Unlock()
	default:
	}
	return m, nil
}

// A ping expected to get no reply passes as soon as the counter of a DROP
// rule that could match it moves: the ping is cancelled, not waited out
// (its timeout here is an hour, and it never ends by itself).
func TestNoReplyProvenByDropCounter(t *testing.T) {
	d := newDropLab(matchingKey)
	c := build(t, "kind: ping\nfrom: ns1\nto: 10.0.0.1\nexpect: no_reply")
	r := c.Run(bounded(t), checks.Env{K: d, ProbeTimeout: time.Hour})
	require.Equal(t, checks.Pass, r.Status, "%+v", r)
	require.Contains(t, r.Message, "dropped in ns0, chain INPUT of table filter")
	require.Contains(t, r.Message, "ip saddr 10.0.0.2")
	require.True(t, d.cancelled, "the ping was not stopped by the proof")
}

// A moving DROP rule that cannot match the probe proves nothing: the
// check waits for the ping's own end.
func TestNoReplyIgnoresUnrelatedDropCounter(t *testing.T) {
	d := newDropLab(otherKey)
	go func() {
		<-d.polled // the unrelated counter was seen moving three times
		close(d.pingDone)
	}()
	c := build(t, "kind: ping\nfrom: ns1\nto: 10.0.0.1\nexpect: no_reply")
	r := c.Run(bounded(t), checks.Env{K: d, ProbeTimeout: time.Hour})
	require.Equal(t, checks.Pass, r.Status, "%+v", r)
	require.Equal(t, "a ping from ns1 to 10.0.0.1 got no reply (3 sent)", r.Message)
	require.False(t, d.cancelled)
}
