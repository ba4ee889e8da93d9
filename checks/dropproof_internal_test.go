package checks

import (
	"context"
	"net"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/netlab/netlab/kernel"
	"github.com/netlab/netlab/kernel/kerneltest"
)

// Only a rule every criterion of which the echo requests meet proves that
// they die there.
func TestDropsRequests(t *testing.T) {
	pr := probeDesc{proto: "icmp", src: net.ParseIP("10.0.1.10"), dst: net.ParseIP("10.0.1.12")}
	for _, tc := range []struct {
		text, verdict string
		want          bool
	}{
		{"l4proto icmp ip saddr 10.0.1.10 drop", "drop", true},
		{"ip saddr 10.0.1.0/24 icmp type echo-request drop", "drop", true},
		{"ip protocol icmp ip daddr 10.0.1.12 reject", "reject", true},
		{"nfproto ipv4 ip saddr 10.0.1.10 drop", "drop", true},
		{"drop", "drop", true},
		{"l4proto icmp ip saddr 10.0.1.11 drop", "drop", false},                // another source
		{"l4proto tcp drop", "drop", false},                                    // another protocol
		{"icmp type echo-reply drop", "drop", false},                           // the replies
		{"iifname eth0 l4proto icmp drop", "drop", false},                      // an interface: not understood
		{"l4proto icmp ip saddr 10.0.1.10 xt match limit drop", "drop", false}, // hidden criteria
		{"ip saddr != 10.0.1.11 drop", "drop", false},                          // a negation: not understood
		{"l4proto icmp ip saddr 10.0.1.10 accept", "accept", false},
	} {
		r := kernel.NFRule{Text: tc.text, Verdict: tc.verdict}
		require.Equal(t, tc.want, dropsRequests(r, pr), tc.text)
	}
}

// The same for ICMPv6 echo requests, in IPv6's words: an IPv4 rule, or an
// ICMPv6 type other than echo-request, proves nothing.
func TestDropsRequests6(t *testing.T) {
	pr := probeDesc{proto: "icmpv6", src: net.ParseIP("fd00:1::10"), dst: net.ParseIP("fd00:1::12")}
	for _, tc := range []struct {
		text string
		want bool
	}{
		{"l4proto ipv6-icmp ip6 saddr fd00:1::10 icmpv6 type echo-request drop", true},
		{"ip6 saddr fd00:1::/64 ip6 nexthdr ipv6-icmp drop", true},
		{"nfproto ipv6 ip6 daddr fd00:1::12 reject", true},
		{"l4proto ipv6-icmp drop", true},
		{"l4proto ipv6-icmp ip6 saddr fd00:1::11 drop", false},                // another source
		{"l4proto ipv6-icmp icmpv6 type nd-neighbor-solicit drop", false},     // not the echo
		{"l4proto ipv6-icmp ip6 saddr fd00:1::10 xt match icmp6 drop", false}, // a type netlab could not read
		{"l4proto icmp ip saddr 10.0.1.10 drop", false},                       // IPv4
		{"nfproto ipv4 drop", false},                                          // IPv4
		{"ip saddr 10.0.1.10 icmp type echo-request drop", false},             // IPv4's words
	} {
		r := kernel.NFRule{Text: tc.text, Verdict: "drop"}
		require.Equal(t, tc.want, dropsRequests(r, pr), tc.text)
	}
}

// A moving rule proves the drop only in the INPUT of the namespace that
// holds the destination; proveDrop returns at once (false) otherwise,
// and true as soon as the counter has moved.
func TestProveDropOnlyAtTheDestinationsInput(t *testing.T) {
	pr := probeDesc{proto: "icmp", src: net.ParseIP("10.0.0.2"), dst: net.ParseIP("10.0.0.1")}
	for _, tc := range []struct {
		name, hook, moves string
		want              bool
	}{
		{"destination's input", "input", "ns0", true},
		{"forward chain", "forward", "ns0", false},
		{"another namespace", "input", "ns1", false}, // ns1 does not hold 10.0.0.1
	} {
		f := kerneltest.New()
		for _, n := range []string{"ns0", "ns1"} {
			f.Add(n).Ruleset = kernel.Ruleset{
				Chains: []kernel.NFChain{{Family: "ip", Table: "filter", Name: "C", Hook: "input", Policy: "accept"}},
				Rules:  []kernel.NFRule{{Family: "ip", Table: "filter", Chain: "C", Handle: 3, Text: "ip saddr 10.0.0.2 drop", Verdict: "drop"}},
			}
		}
		f.NSs["ns0"].Ruleset.Chains[0].Hook = tc.hook
		ctx, cancel := context.WithCancel(context.Background())
		before := snapshotCounters(ctx, f, []string{"ns0", "ns1"})
		f.NSs[tc.moves].Ruleset.Rules[0].Packets = 1 // a packet died here
		// The probe "ends" after three counter reads that proved nothing.
		k := &pollLimit{Fake: f, cancel: cancel}
		m, ok := proveDrop(ctx, k, "ns0", pr, before)
		cancel()
		require.Equal(t, tc.want, ok, tc.name)
		if ok {
			require.Equal(t, "ns0", m.ns)
			require.Equal(t, uint64(1), m.delta)
		}
	}
}

// pollLimit cancels its context at the third counter read.
type pollLimit struct {
	*kerneltest.Fake
	cancel func()
	n      int
}

func (p *pollLimit) NFCounters(ctx context.Context, ns string) (map[string]uint64, error) {
	p.n++
	if p.n == 3 {
		p.cancel()
	}
	return p.Fake.NFCounters(ctx, ns)
}
