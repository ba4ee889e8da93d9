package checks

import (
	"context"
	"strings"
	"time"

	"github.com/netlab/netlab/kernel"
)

// A ping expected to get no reply used to wait out its whole timeout
// (a second) to prove the silence. Usually the kernel says much earlier
// where the echo died: the counter of a DROP (or REJECT) rule that could
// match it grows as soon as the first echo request reaches it. proveDrop
// watches those counters while the ping is out; only a silence nothing
// explains waits for the timeout.

// dropPollInterval is how often the counters of the candidate rules are
// read while such a ping is out: one netlink dump of one namespace's
// rules, well under a millisecond for a lab's namespace.
var dropPollInterval = 5 * time.Millisecond

// proveDrop returns the first rule of namespace dstNS (the one that holds
// the probe's destination) that, in a chain on the input hook, drops or
// rejects exactly the probe's echo requests (every criterion of its text
// is one the requests meet: see dropsRequests), and counted packets since
// before. It returns as soon as one does, and false when ctx ends first
// (the probe came back: its own result decides).
//
// Only such a rule is proof. The probes of a grading run are concurrent:
// a rule elsewhere (the root namespace's INPUT, a FORWARD chain) or one
// whose criteria the requests may not meet (an interface, an iptables
// match) can count another probe's packets while ours go through.
func proveDrop(ctx context.Context, k kernel.Kernel, dstNS string, pr probeDesc, before nfCounts) (movedRule, bool) {
	old := before[dstNS]
	if len(old) == 0 || pr.src == nil {
		return movedRule{}, false // no rules there, or no counters before the probe
	}
	return watchDrops(ctx, k, dstNS, pr, old)
}

// dropWatch runs proveDrop while a probe is out: its channel gets the
// rule whose counter proved the drop, once accept (nil: any rule) takes
// it, after stop has ended the probe; or nil, when nothing proved it.
func dropWatch(ctx context.Context, k kernel.Kernel, dstNS string, pr probeDesc, before nfCounts, accept func(movedRule) bool, stop func()) <-chan *movedRule {
	proof := make(chan *movedRule, 1)
	go func() {
		m, ok := proveDrop(ctx, k, dstNS, pr, before)
		if !ok || accept != nil && !accept(m) {
			proof <- nil
			return
		}
		proof <- &m
		stop()
	}()
	return proof
}

// noDropWatch is dropWatch's answer for a probe whose drop is not
// watched.
func noDropWatch() <-chan *movedRule {
	proof := make(chan *movedRule, 1)
	proof <- nil
	return proof
}

// watchDrops reads ns's rules once to find the candidates, then polls
// their counters until one moves or ctx ends.
func watchDrops(ctx context.Context, k kernel.Kernel, ns string, pr probeDesc, old map[string]uint64) (movedRule, bool) {
	rs, err := k.Ruleset(ctx, ns) // rule texts: the run's snapshot serves
	if err != nil {
		return movedRule{}, false
	}
	hooks := hooksOf(rs)
	cands := map[string]movedRule{}
	for _, r := range rs.Rules {
		key := kernel.RuleKey(r.Family, r.Table, r.Chain, r.Handle)
		hook := hookOf(hooks, r, false)
		if _, seen := old[key]; seen && hook == "input" && dropsRequests(r, pr) {
			cands[key] = movedRule{ns: ns, rule: r, hook: hook}
		}
	}
	if len(cands) == 0 {
		return movedRule{}, false
	}
	t := time.NewTicker(dropPollInterval)
	defer t.Stop()
	for {
		now, err := k.NFCounters(ctx, ns)
		if err == nil {
			for key, m := range cands {
				if now[key] > old[key] {
					m.delta = now[key] - old[key]
					m.rule.Packets = now[key]
					return m, true
				}
			}
		}
		select {
		case <-ctx.Done():
			return movedRule{}, false
		case <-t.C:
		}
	}
}

// dropsRequests reports whether rule r drops (or rejects) every echo
// request of the probe: its verdict drops and each criterion its text
// shows is one netlab understands and the requests meet. Anything else in
// the text (an interface, a port, an iptables match) makes it no proof.
// An ICMPv6 probe (proto "icmpv6") is read with IPv6's words.
func dropsRequests(r kernel.NFRule, pr probeDesc) bool {
	words, ok := echoWords(pr.proto)
	if !isDrop(r) || !ok {
		return false
	}
	w := strings.Fields(r.Text)
	if len(w) == 0 || (w[len(w)-1] != "drop" && w[len(w)-1] != "reject") {
		return false
	}
	w = w[:len(w)-1]
	for len(w) > 0 {
		switch {
		case len(w) >= 2 && w[0] == "l4proto":
			if w[1] != words.proto {
				return false
			}
			w = w[2:]
		case len(w) >= 3 && w[0] == words.ip && (w[1] == "protocol" || w[1] == "nexthdr"):
			if w[2] != words.proto {
				return false
			}
			w = w[3:]
		case len(w) >= 3 && w[0] == words.ip && w[1] == "saddr":
			if !prefixContains(w[2], pr.src) {
				return false
			}
			w = w[3:]
		case len(w) >= 3 && w[0] == words.ip && w[1] == "daddr":
			if !prefixContains(w[2], pr.dst) {
				return false
			}
			w = w[3:]
		case len(w) >= 3 && w[0] == words.icmp && w[1] == "type":
			if w[2] != "echo-request" {
				return false
			}
			w = w[3:]
		case len(w) >= 2 && w[0] == "nfproto":
			if w[1] != words.nfproto {
				return false
			}
			w = w[2:]
		default:
			return false
		}
	}
	return true
}

// echoWords are the words of a rule's text that describe an echo request
// of each family (as kernel.NFRule's text writes them). A switch, not a
// package-level map, which every start of netlab would build.
func echoWords(proto string) (w struct{ proto, ip, icmp, nfproto string }, ok bool) {
	switch proto {
	case "icmp":
		w.proto, w.ip, w.icmp, w.nfproto = "icmp", "ip", "icmp", "ipv4"
	case "icmpv6":
		w.proto, w.ip, w.icmp, w.nfproto = "ipv6-icmp", "ip6", "icmpv6", "ipv6"
	default:
		return w, false
	}
	return w, true
}
