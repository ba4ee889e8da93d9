package cli_test

import (
	"encoding/json"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/netlab/netlab/internal/cli"
	"github.com/netlab/netlab/internal/zhtest"
	"github.com/netlab/netlab/kernel"
	"github.com/netlab/netlab/kernel/kerneltest"
)

// TestCheck2AddressRemovedInChinese is issue 13's example: lesson 2 done,
// then veth1's address removed; `LANG=zh_CN.UTF-8 netlab check 2` says
// every why in Chinese, the path walk's too, as text and as JSON.
func TestCheck2AddressRemovedInChinese(t *testing.T) {
	broken := func() *kerneltest.Fake {
		f := kerneltest.VethPair()
		ns1 := f.NSs["ns1"]
		ns1.Addrs = slices.DeleteFunc(ns1.Addrs, func(a kernel.Addr) bool { return a.Link == "veth1" })
		return f
	}
	locale(t, "", "", "zh_CN.UTF-8")
	a, out, errb := app(broken(), true)
	require.Equal(t, cli.ExitFail, a.Run([]string{"check", "2"}), errb.String())
	require.Contains(t, out.String(), "原因： 实验里没有哪个命名空间有地址 10.0.0.2：ns0 里的 veth0 连到 ns1 里的 veth1，而那一端没有 IPv4 地址")
	n := 0
	for _, ln := range strings.Split(out.String(), "\n") {
		if why, ok := strings.CutPrefix(strings.TrimSpace(ln), "原因："); ok {
			n++
			require.True(t, zhtest.HasHan(why), "an English why in a Chinese report: %s", ln)
		}
	}
	require.NotZero(t, n, out.String())

	a, out, errb = app(broken(), true)
	require.Equal(t, cli.ExitFail, a.Run([]string{"check", "2", "--json"}), errb.String())
	var rep struct {
		Steps []struct {
			Checks []struct{ Why, Status string }
		}
	}
	require.NoError(t, json.Unmarshal(out.Bytes(), &rep))
	n = 0
	for _, s := range rep.Steps {
		for _, c := range s.Checks {
			if c.Status != "pass" {
				n++
				require.True(t, zhtest.HasHan(c.Why), "an English why in a Chinese report: %q", c.Why)
			}
		}
	}
	require.NotZero(t, n)
}
