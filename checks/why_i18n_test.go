package checks_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/netlab/netlab/checks"
	"github.com/netlab/netlab/i18n"
	"github.com/netlab/netlab/kernel/kerneltest"
	"github.com/netlab/netlab/runner"
)

// TestWhyMessages: on every kind's fake-kernel cases, a why given as
// catalogue messages says exactly the English why in English (else the
// report would drop it as stale) and is Chinese in Chinese.
func TestWhyMessages(t *testing.T) {
	reg := checks.Default()
	said := 0
	for _, name := range reg.Names() {
		k, _ := reg.Get(name)
		for _, tc := range k.Cases() {
			c, err := k.Build(tc.Params)
			require.NoError(t, err)
			f := kerneltest.Fixtures()[tc.Fixture]()
			tc.Break(f)
			r := c.Run(context.Background(), checks.Env{K: f})
			if r.WhyMsg == nil {
				continue
			}
			said++
			requireSaid(t, name+"/"+tc.Name, r.Why, r.WhyMsg)
		}
	}
	require.Greater(t, said, 3, "no kind case gives its why as messages")
}

// requireSaid: msgs say en in English, and something Chinese in Chinese
// that keeps every name and address of the English why (chineseWhy).
func requireSaid(t *testing.T, what, en string, msgs []checks.Msg) {
	t.Helper()
	require.NoError(t, chineseWhy(en, msgs), "%s: %q", what, en)
}

// TestWhyMessagesStale: a why changed after its messages were given is
// not said from them.
func TestWhyMessagesStale(t *testing.T) {
	r := checks.Failf("namespace ns0 does not exist (ip netns list does not show it)").
		Say("why-ns-missing", checks.D{"NS": "ns0"})
	zh, ok := runner.SayWhy(i18n.ZH, r.Why, r.WhyMsg)
	require.True(t, ok)
	require.Equal(t, "命名空间 ns0 不存在（ip netns list 里没有它）", zh)
	_, ok = runner.SayWhy(i18n.ZH, r.Why+"; and more", r.WhyMsg)
	require.False(t, ok, "a stale message is not used")
	_, ok = runner.SayWhy(i18n.ZH, "x", []checks.Msg{{ID: "why-no-such-message"}})
	require.False(t, ok)
	_, ok = runner.SayWhy(i18n.ZH, r.Why, nil)
	require.False(t, ok)
}
