package kernel

import "context"

// NativeRuleset and NFTRuleset expose Ruleset's two readers to tests.
func (l *Linux) NativeRuleset(ctx context.Context, ns string) (Ruleset, bool, error) {
	return l.nativeRuleset(ctx, ns)
}

func (l *Linux) NFTRuleset(ctx context.Context, ns string) (Ruleset, error) {
	return l.nftRuleset(ctx, ns)
}
