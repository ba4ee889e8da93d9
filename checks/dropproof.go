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

// proveDrop returns the first rule, in any namespace of nss, that drops or
// rejects, could match the probe's packets, and counted packets since
// before. It returns as soon as one does, and false when ctx ends first
// (the probe came back: its own result decides).
func proveDrop(ctx context.Context, k kernel.Kernel, nss []string, pr probeDesc, before nfCounts) (movedRule, bool) {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	found := make(chan movedRule, 1)
	for _, ns := range nss {
		old, ok := before[ns]
		if !ok || len(old) == 0 {
			continue // no rules, or no counters before the probe
		}
		go func(ns string, old map[string]uint64) {
			if m, ok := watchDrops(ctx, k, ns, pr, old); ok {
				select {
				case found <- m:
				default:
				}
			}
		}(ns, old)
	}
	select {
	case m := <-found:
		return m, true
	case <-ctx.Done():
		return movedRule{}, false
	}
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
		// A rule with an iptables match (xt) has criteria its text does
		// not show: its counter proves nothing about this probe.
		if _, seen := old[key]; seen && isDrop(r) && couldMatch(r, pr) && !strings.Contains(r.Text, "xt match") {
			cands[key] = movedRule{ns: ns, rule: r, hook: hookOf(hooks, r, false)}
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
