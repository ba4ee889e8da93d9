package kernel

import (
	"context"
	"fmt"

	"github.com/google/nftables"
	"github.com/google/nftables/expr"
	"golang.org/x/sys/unix"
)

// RuleKey names one nftables rule across reads: family, table, chain and
// the rule's handle (stable for the rule's lifetime).
func RuleKey(family, table, chain string, handle int) string {
	return fmt.Sprintf("%s/%s/%s/%d", family, table, chain, handle)
}

func familyName(f nftables.TableFamily) string {
	switch f {
	case nftables.TableFamilyIPv4:
		return "ip"
	case nftables.TableFamilyIPv6:
		return "ip6"
	case nftables.TableFamilyINet:
		return "inet"
	case nftables.TableFamilyARP:
		return "arp"
	case nftables.TableFamilyBridge:
		return "bridge"
	case nftables.TableFamilyNetdev:
		return "netdev"
	}
	return fmt.Sprintf("family%d", f)
}

// NFCounters reads the packet counter of every nftables rule in ns
// (iptables-nft rules included), keyed by RuleKey. It talks netlink
// in-process: about a millisecond, where `nft -j list ruleset` costs tens,
// so a probe can read the counters right before it sends and compare them
// with the ruleset read after a failure.
func (l *Linux) NFCounters(ctx context.Context, ns string) (map[string]uint64, error) {
	e, err := l.entry(ctx, ns)
	if err != nil {
		return nil, err
	}
	var c *nftables.Conn
	// A lasting connection dials at once: on this thread, inside ns.
	err = InNS(l.root, e.ns, func() error {
		var derr error
		c, derr = nftables.New(nftables.AsLasting())
		return derr
	})
	if err != nil {
		return nil, fmt.Errorf("nftables in %s: %w", nsLabel(ns), err)
	}
	defer c.CloseLasting()
	chains, err := c.ListChains()
	if err != nil {
		return nil, fmt.Errorf("nftables chains in %s: %w", nsLabel(ns), err)
	}
	out := map[string]uint64{}
	for _, ch := range chains {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		rules, err := c.GetRules(ch.Table, ch)
		if err != nil {
			if err == unix.ENOENT {
				continue // the chain went away meanwhile
			}
			return nil, fmt.Errorf("nftables rules of %s in %s: %w", ch.Name, nsLabel(ns), err)
		}
		for _, r := range rules {
			var pk uint64
			for _, x := range r.Exprs {
				if cnt, ok := x.(*expr.Counter); ok {
					pk += cnt.Packets
				}
			}
			out[RuleKey(familyName(ch.Table.Family), ch.Table.Name, ch.Name, int(r.Handle))] = pk
		}
	}
	return out, nil
}
