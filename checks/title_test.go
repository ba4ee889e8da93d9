package checks_test

import (
	"testing"
	"unicode"

	"github.com/stretchr/testify/require"

	"github.com/netlab/netlab/checks"
	"github.com/netlab/netlab/i18n"
	"github.com/netlab/netlab/internal/zhtest"
	"github.com/netlab/netlab/runner"
)

// titleCases are parameters that reach every branch of every kind's
// Describe (the kinds' own cases add more): the root namespace, optional
// parts present and absent.
var titleCases = []struct {
	kind   string
	params map[string]any
}{
	{"netns", map[string]any{"ns": "ns0"}},
	{"link_exists", map[string]any{"ns": "ns0", "link": "veth0"}},
	{"link_exists", map[string]any{"link": "br0", "type": "bridge"}},
	{"link_up", map[string]any{"ns": "ns0", "link": "veth0"}},
	{"link_up", map[string]any{"link": "br0", "oper": true}},
	{"addr", map[string]any{"ns": "ns1", "link": "veth1", "addr": "10.0.0.2/24"}},
	{"addr", map[string]any{"link": "br0", "addr": "10.0.0.254/24"}},
	{"veth_pair", map[string]any{"ns": "ns0", "link": "veth0", "peer": "veth1", "peer_ns": "ns1"}},
	{"veth_pair", map[string]any{"ns": "*", "link": "veth0", "peer": "br-veth0"}},
	{"bridge_port", map[string]any{"ns": "ns0", "link": "veth0", "bridge": "br0"}},
	{"fdb", map[string]any{"ns": "ns0", "link": "veth0", "bridge": "br0"}},
	{"route", map[string]any{"ns": "ns0", "dst": "default", "via": "10.0.0.254"}},
	{"route", map[string]any{"ns": "ns0", "dst": "10.0.1.0/24", "via": "10.0.0.254", "dev": "veth0"}},
	{"route", map[string]any{"dst": "10.0.1.0/24", "dev": "br0"}},
	{"route", map[string]any{"ns": "ns1", "dst": "192.168.7.0/24", "absent": true}},
	{"route6", map[string]any{"ns": "ns0", "dst": "default", "via": "fd00:1::1"}},
	{"route6", map[string]any{"ns": "ns0", "dst": "fd00:2::/64", "dev": "veth0"}},
	{"sysctl", map[string]any{"ns": "ns0", "key": "net.ipv4.ip_forward", "value": "1"}},
	{"sysctl", map[string]any{"key": "net.ipv4.ip_forward", "value": "1"}},
	{"ping", map[string]any{"from": "ns0", "to": "10.0.0.2"}},
	{"ping", map[string]any{"from": "ns0", "to": "10.0.0.12", "expect": "no_reply"}},
	{"tcp", map[string]any{"from": "ns0", "to": "10.0.0.2:80", "server_ns": "ns1"}},
	{"tcp", map[string]any{"from": "ns0", "to": "192.168.1.1:8080", "server_ns": "ns1", "listen": "10.0.0.2:80", "expect_src": "10.0.0.1"}},
	{"nf_rule", map[string]any{"ns": "ns1", "verdict": "drop", "proto": "icmp", "src": "10.0.0.1"}},
	{"nf_rule", map[string]any{"verdict": "dnat", "proto": "tcp", "in_if": "eth0", "dport": 8080, "to": "10.0.0.2:80"}},
	{"nf_rule", map[string]any{"verdict": "masquerade", "src": "10.0.0.0/24", "out_if": "eth0"}},
	{"forwarding", map[string]any{"ns": "router"}},
	{"forwarding", map[string]any{}},
	{"hops", map[string]any{"from": "ns0", "to": "10.0.1.2", "hops": 1}},
	{"hops", map[string]any{"from": "ns0", "to": "10.0.2.2", "hops": 2}},
	{"addr6", map[string]any{"ns": "ns0", "link": "veth0", "addr": "fd00:1::10/64"}},
	{"addr6", map[string]any{"ns": "ns0", "link": "veth0", "addr": "fe80::/64"}},
	{"ping6", map[string]any{"from": "ns0", "to": "fd00:1::20"}},
	{"ping6", map[string]any{"from": "ns0", "to": "fd00:1::20", "expect": "no_reply"}},
	{"ping6", map[string]any{"from": "ns0", "to": "link-local", "dev": "veth0", "peer": "veth1", "peer_ns": "ns1"}},
	{"ping6", map[string]any{"from": "ns0", "to": "fe80::1", "dev": "veth0"}},
	{"neigh6", map[string]any{"ns": "ns0", "link": "veth0", "to": "fd00:1::20"}},
	{"vxlan", map[string]any{"ns": "hosta", "link": "vxlan0", "vni": 42}},
	{"vxlan", map[string]any{"ns": "hosta", "link": "vxlan0", "vni": 42, "dport": 4789, "dev": "eth0", "src": "192.168.0.1", "remote": "192.168.0.2", "bridge": "br0"}},
	{"tunnel", map[string]any{"from": "ns0", "to": "10.0.0.2", "link": "vxlan0", "ns": "hosta", "peer_ns": "hostb"}},
	{"mtu", map[string]any{"ns": "ns0", "link": "veth0", "max_mtu": 1450}},
	{"ping_mtu", map[string]any{"from": "ns0", "to": "10.0.0.2"}},
}

// TestDescribeMsgs: every kind is Titled, and on its cases and on
// titleCases, its title's messages say Describe exactly in English (the
// English titles do not change) and something Chinese, with every name
// and address of the English, in Chinese.
func TestDescribeMsgs(t *testing.T) {
	reg := checks.Default()
	seen := map[string]int{}
	for _, name := range reg.Names() {
		k, _ := reg.Get(name)
		for _, tc := range k.Cases() {
			c, err := k.Build(tc.Params)
			require.NoError(t, err)
			requireTitle(t, name+"/"+tc.Name, c)
			seen[name]++
		}
	}
	for _, tc := range titleCases {
		k, ok := reg.Get(tc.kind)
		require.True(t, ok, tc.kind)
		p := k.NewParams()
		for f, v := range tc.params {
			require.NoError(t, k.SetParam(p, f, v))
		}
		c, err := k.Build(p)
		require.NoError(t, err, "%s %v", tc.kind, tc.params)
		requireTitle(t, tc.kind, c)
		seen[tc.kind]++
	}
	for _, name := range reg.Names() {
		require.NotZero(t, seen[name], "kind %s: no case says its title", name)
	}
}

func requireTitle(t *testing.T, what string, c checks.Check) {
	t.Helper()
	_, ok := c.(checks.Titled)
	require.True(t, ok, "%s: %T has no DescribeMsgs", what, c)
	en := c.Describe()
	msgs := checks.DescribeMsgs(c)
	got, ok := runner.SayWhy(i18n.EN, en, msgs)
	require.True(t, ok, "%s: the messages do not say %q", what, en)
	require.Equal(t, en, got, what)
	zh, ok := runner.SayWhy(i18n.ZH, en, msgs)
	require.True(t, ok, "%s: no Chinese for %q", what, en)
	require.True(t, zhtest.HasHan(zh), "%s: %q", what, zh)
	require.Equal(t, names(en), names(zh), "%s: names and addresses differ:\n%s\n%s", what, en, zh)
}

// names are the words of s that hold a digit (ns0, 10.0.0.2/24, veth1,
// 4789): a title's names, addresses and numbers.
func names(s string) map[string]bool {
	out := map[string]bool{}
	word := []rune{}
	flush := func() {
		w := string(word)
		for _, r := range w {
			if unicode.IsDigit(r) {
				out[w] = true
				break
			}
		}
		word = word[:0]
	}
	for _, r := range s {
		if r < unicode.MaxASCII && (unicode.IsLetter(r) || unicode.IsDigit(r) || r == '.' || r == ':' || r == '/' || r == '-' || r == '_') {
			word = append(word, r)
			continue
		}
		flush()
	}
	flush()
	for w := range out {
		// a sentence's full stop or colon is no part of the name
		if t := trimPunct(w); t != w {
			delete(out, w)
			out[t] = true
		}
	}
	return out
}

func trimPunct(w string) string {
	for len(w) > 0 && (w[len(w)-1] == '.' || w[len(w)-1] == ':') {
		w = w[:len(w)-1]
	}
	return w
}

// TestDescribeMsgsStale: a title whose English is not what its messages
// say (a Describe changed, its DescribeMsgs not) stays English.
func TestDescribeMsgsStale(t *testing.T) {
	k, _ := checks.Default().Get("ping")
	p := k.NewParams()
	require.NoError(t, k.SetParam(p, "from", "ns0"))
	require.NoError(t, k.SetParam(p, "to", "10.0.0.2"))
	c, err := k.Build(p)
	require.NoError(t, err)
	zh, ok := runner.SayWhy(i18n.ZH, c.Describe(), checks.DescribeMsgs(c))
	require.True(t, ok)
	require.Equal(t, "ns0 能 ping 通 10.0.0.2", zh)
	_, ok = runner.SayWhy(i18n.ZH, c.Describe()+" twice", checks.DescribeMsgs(c))
	require.False(t, ok)
}
