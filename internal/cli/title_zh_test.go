package cli_test

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/netlab/netlab/internal/cli"
	"github.com/netlab/netlab/internal/zhtest"
	"github.com/netlab/netlab/kernel/kerneltest"
)

// lesson2NoAddr is lesson 2 done but for veth1's address.
func lesson2NoAddr() *kerneltest.Fake {
	f := kerneltest.VethPair()
	ns1 := f.NSs["ns1"]
	ns1.Addrs, ns1.Routes = ns1.Addrs[:1], nil
	return f
}

// TestCheckNamesInChinese: `netlab check 2 --json` names every check in
// Chinese under a zh locale or --lang zh, and in English otherwise (as
// the text report does); the statuses and kinds are the same.
func TestCheckNamesInChinese(t *testing.T) {
	type check struct{ Name, Kind, Status, Message string }
	run := func(env string, args ...string) (names []string, shape []string) {
		locale(t, "", "", env)
		a, out, _ := app(lesson2NoAddr(), true)
		require.Equal(t, cli.ExitFail, a.Run(append([]string{"check", "2", "--json"}, args...)))
		var rep struct {
			Steps []struct{ Checks []check }
		}
		require.NoError(t, json.Unmarshal(out.Bytes(), &rep))
		for _, s := range rep.Steps {
			for _, c := range s.Checks {
				names = append(names, c.Name)
				shape = append(shape, c.Kind+" "+c.Status)
			}
		}
		return names, shape
	}
	en, enShape := run("C")
	zh, zhShape := run("zh_CN.UTF-8")
	flag, flagShape := run("C", "--lang", "zh")
	require.Equal(t, enShape, zhShape)
	require.Equal(t, zh, flag)
	require.Equal(t, enShape, flagShape)
	require.Contains(t, en, "veth1 in ns1 has 10.0.0.2/24")
	require.Contains(t, en, "ns0 pings 10.0.0.2")
	require.Contains(t, zh, "ns1 里的 veth1 有 10.0.0.2/24")
	require.Contains(t, zh, "ns0 能 ping 通 10.0.0.2")
	for i, n := range zh {
		require.True(t, zhtest.HasHan(n), "check %d: %q is not Chinese", i+1, n)
		require.False(t, zhtest.HasHan(en[i]), en[i])
	}

	locale(t, "", "", "zh_CN.UTF-8")
	a, out, _ := app(lesson2NoAddr(), true)
	require.Equal(t, cli.ExitFail, a.Run([]string{"check", "2"}))
	require.Contains(t, out.String(), "✗ ns1 里的 veth1 有 10.0.0.2/24\n")
	require.False(t, strings.Contains(out.String(), "veth1 in ns1 has"), out.String())
}
