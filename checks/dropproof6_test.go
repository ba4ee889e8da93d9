package checks_test

import (
	"context"
	"net"
	"slices"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/netlab/netlab/checks"
	"github.com/netlab/netlab/kernel"
	"github.com/netlab/netlab/kernel/kerneltest"
)

// newDropLab6 is the IPv6 veth pair with rule in ns1's INPUT, whose
// counter grows once the ping from ns0 (from fd00::1) is out; polled is
// closed at the first counter read during the ping.
func newDropLab6(rule string) *dropLab {
	f := kerneltest.VethPairV6()
	f.NSs["ns0"].RouteGet6F = func(dst net.IP, oif string) (kernel.Route, error) {
		return kernel.Route{Dev: "veth0", Src: net.ParseIP("fd00::1"), Type: "unicast"}, nil
	}
	f.NSs["ns1"].Ruleset = kernel.Ruleset{
		Chains: []kernel.NFChain{{Family: "ip6", Table: "filter", Name: "INPUT", Hook: "input", Policy: "accept"}},
		Rules:  []kernel.NFRule{{Family: "ip6", Table: "filter", Chain: "INPUT", Handle: 3, Text: rule, Verdict: "drop"}},
	}
	return newDropLabOn(f, "ns1", "ip6/filter/INPUT/3", 1)
}

// An ICMPv6 echo expected to die is proven dropped as soon as the counter
// of a rule that drops exactly these echo requests moves: the ping is
// cancelled, not waited out (its timeout here is an hour). For
// reply_unless_filtered only an echo-only filter is such a proof; a rule
// that drops all ICMPv6 from the source is diagnosed after the whole
// probe, as before.
func TestNoReply6ProvenByDropCounter(t *testing.T) {
	echoOnly := "l4proto ipv6-icmp ip6 saddr fd00::1 icmpv6 type echo-request drop"
	for _, tc := range []struct {
		name, rule, expect, message string
		proven                      bool
	}{
		{"no_reply, echo filter", echoOnly, "no_reply", "a ping from ns0 to fd00::2 got no reply: dropped in ns1, chain INPUT of table ip6 filter (" + echoOnly + ")", true},
		{"no_reply, all of ICMPv6", "l4proto ipv6-icmp ip6 saddr fd00::1 drop", "no_reply", "dropped in ns1", true},
		{"filtered, echo filter", echoOnly, "reply_unless_filtered", "dropped on purpose by the ICMPv6 filter `" + echoOnly + "` in ns1", true},
		{"filtered, all of ICMPv6", "l4proto ipv6-icmp ip6 saddr fd00::1 drop", "reply_unless_filtered", "", false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			d := newDropLab6(tc.rule)
			if !tc.proven {
				// Nothing may stop the ping: it ends by its timeout, once
				// the watcher has seen the rule counting. (A rule that
				// cannot match the probe is not even watched: see
				// TestDropsRequests6.)
				go func() {
					<-d.polled
					close(d.pingDone)
				}()
			}
			c := build(t, "kind: ping6\nfrom: ns0\nto: fd00::2\nexpect: "+tc.expect)
			r := c.Run(bounded(t), checks.Env{K: d, ProbeTimeout: time.Hour})
			d.mu.Lock()
			defer d.mu.Unlock()
			require.Equal(t, tc.proven, d.cancelled, "%+v", r)
			if tc.proven {
				require.Equal(t, checks.Pass, r.Status, "%+v", r)
				require.Contains(t, r.Message, tc.message)
			} else {
				require.Equal(t, checks.Fail, r.Status, "%+v", r)
				require.Contains(t, r.Message, "got no reply within 1h0m0s")
			}
		})
	}
}

// stalePing6Lab: ns0's pings to fd00::2 get no reply, and ns1's rule
// that drops all of ICMPv6 counts them; a ruleset read before the ping
// (a new slice after it) still shows 0 packets.
type stalePing6Lab struct{ *kerneltest.Fake }

func (d stalePing6Lab) Ping(ctx context.Context, ns string, dst net.IP, o kernel.PingOpts) (kernel.PingResult, error) {
	rs := &d.NSs["ns1"].Ruleset
	rules := slices.Clone(rs.Rules)
	rules[0].Packets += uint64(o.Count)
	rs.Rules = rules
	return kernel.PingResult{Sent: o.Count}, nil
}

// A failed ping6 reads the rules after its probe past the run's snapshot:
// the snapshot's ruleset of the answering namespace may have been read
// before the probe (by another check), and its counters explain nothing.
func TestPing6ReadsRulesAfterTheProbe(t *testing.T) {
	f := kerneltest.VethPairV6()
	f.NSs["ns1"].Ruleset = kernel.Ruleset{
		Chains: []kernel.NFChain{{Family: "ip6", Table: "filter", Name: "INPUT", Hook: "input", Policy: "accept"}},
		Rules:  []kernel.NFRule{{Family: "ip6", Table: "filter", Chain: "INPUT", Handle: 3, Text: "l4proto ipv6-icmp drop", Verdict: "drop"}},
	}
	snap := kernel.NewSnapshot(stalePing6Lab{f})
	defer snap.Close()
	early, err := snap.Ruleset(context.Background(), "ns1") // another check's read, before the probe
	require.NoError(t, err)
	require.Zero(t, early.Rules[0].Packets)

	c := build(t, "kind: ping6\nfrom: ns0\nto: fd00::2")
	r := c.Run(context.Background(), checks.Env{K: snap, ProbeTimeout: 10 * time.Millisecond})
	require.Equal(t, checks.Fail, r.Status, "%+v", r)
	require.Equal(t, "icmpv6-all-dropped", r.Mistake, "%+v", r)
	require.Contains(t, r.Why, "l4proto ipv6-icmp drop")
}
