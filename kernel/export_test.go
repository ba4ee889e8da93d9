package kernel

import "context"

// NativeRuleset and NFTRuleset expose Ruleset's two readers to tests.
func (l *Linux) NativeRuleset(ctx context.Context, ns string) (Ruleset, bool, error) {
	d, err := l.ReadRules(ctx, ns)
	if err != nil {
		return Ruleset{}, false, err
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.native(ctx)
}

func (l *Linux) NFTRuleset(ctx context.Context, ns string) (Ruleset, error) {
	return l.nftRuleset(ctx, ns)
}

// LibLinks reads ns's links through the netlink library, and the bridge
// ports' states and options through an AF_BRIDGE dump, as Links did
// before it parsed the dump itself.
func (l *Linux) LibLinks(ctx context.Context, ns string) ([]Link, error) {
	e, err := l.entry(ctx, ns)
	if err != nil {
		return nil, err
	}
	h, err := l.lib(ctx, ns)
	if err != nil {
		return nil, err
	}
	raw, err := retry(h.LinkList)
	if err != nil {
		return nil, err
	}
	var out []Link
	for _, r := range raw {
		k := convertLink(r)
		if k.OperState == "lower-layer-down" {
			k.OperState = "lowerlayerdown" // the library's spelling; Link's is iproute2's
		}
		out = append(out, k)
	}
	// Bridge ports as the AF_BRIDGE dump (IFLA_PROTINFO) describes them.
	st, err := l.bridgePortStates(e)
	if err != nil {
		return nil, err
	}
	for i := range out {
		if p, ok := st[out[i].Index]; ok && out[i].MasterIndex != 0 {
			p.fill(&out[i])
		}
	}
	return out, nil
}

// DumpLinks is Links without the pending carrier changes applied.
func (l *Linux) DumpLinks(ctx context.Context, ns string) ([]Link, error) {
	return l.dumpLinks(ctx, ns)
}

// BridgePortsUnfiltered is BridgePorts from a kernel that ignores the
// dump's IFLA_MASTER filter (it sends every link).
func (l *Linux) BridgePortsUnfiltered(ctx context.Context, ns string, bridge int) ([]Link, error) {
	return l.bridgePorts(ctx, ns, bridge, linkRequest(0))
}
