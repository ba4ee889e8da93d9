package kernel

import "context"

// NativeRuleset and NFTRuleset expose Ruleset's two readers to tests.
func (l *Linux) NativeRuleset(ctx context.Context, ns string) (Ruleset, bool, error) {
	return l.nativeRuleset(ctx, ns)
}

func (l *Linux) NFTRuleset(ctx context.Context, ns string) (Ruleset, error) {
	return l.nftRuleset(ctx, ns)
}

// LibLinks reads ns's links through the netlink library, as Links did
// before it parsed the dump itself.
func (l *Linux) LibLinks(ctx context.Context, ns string) ([]Link, error) {
	e, err := l.entry(ctx, ns)
	if err != nil {
		return nil, err
	}
	raw, err := retry(e.h.LinkList)
	if err != nil {
		return nil, err
	}
	var out []Link
	for _, r := range raw {
		out = append(out, convertLink(r))
	}
	return out, nil
}

// DumpLinks is Links without the bridge port states.
func (l *Linux) DumpLinks(ctx context.Context, ns string) ([]Link, error) {
	return l.dumpLinks(ctx, ns)
}
