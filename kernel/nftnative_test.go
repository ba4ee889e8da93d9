package kernel_test

import (
	"context"
	"os/exec"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/netlab/netlab/sandbox/sandboxtest"
)

// The in-process reader renders every rule exactly as nft's JSON reads
// (iptables-nft's rules and nft's own), with the same chains, hooks,
// policies, handles and counters; a rule it cannot render (a conntrack
// match here) makes it give up, and Ruleset then reads through nft.
func TestNativeRulesetMatchesNft(t *testing.T) {
	if sandboxtest.Run(t) {
		return
	}
	sh(t, `ip netns add ns0
ip netns add ns1
ip -n ns0 link set lo up
ip netns exec ns0 iptables -A INPUT -p icmp -s 10.0.1.10 -j DROP
ip netns exec ns0 iptables -t nat -A POSTROUTING -s 10.0.1.0/24 -o wan0 -j MASQUERADE
ip netns exec ns0 iptables -t nat -A PREROUTING -i wan0 -p tcp --dport 8080 -j DNAT --to-destination 10.0.1.11:80
ip netns exec ns0 iptables -A FORWARD -i br0 -o wan0 -j ACCEPT
ip netns exec ns0 iptables -A FORWARD -p udp --sport 53 -j ACCEPT
ip netns exec ns0 iptables -P FORWARD DROP
ip netns exec ns0 iptables -A INPUT -d 10.0.0.0/8 -j REJECT
ip netns exec ns0 iptables -A INPUT -i br+ -j ACCEPT
ip netns exec ns0 iptables -A INPUT -s 172.16.0.0/12 -j DROP
ip netns exec ns0 iptables -A INPUT -s 192.168.0.0/16 ! -d 10.1.2.3 -j DROP
ip netns exec ns0 ip6tables -A INPUT -s fd00:1::10 -p ipv6-icmp -j DROP
ip netns exec ns0 ip6tables -A INPUT -s fd00:1::/64 -d fd00:2::1 -j REJECT
ip netns exec ns0 ip6tables -A FORWARD -d fd00:9::/48 -p tcp --dport 22 -j ACCEPT
ip netns exec ns1 nft add table ip x
ip netns exec ns1 nft add chain ip x in '{ type filter hook input priority 0; }'
ip netns exec ns1 nft add rule ip x in ct state established accept`)
	cmd := exec.Command("ip", "netns", "exec", "ns0", "nft", "-f", "-")
	cmd.Stdin = strings.NewReader(`table ip t {
  chain sub { th dport 9 return; reject; }
  chain in {
    type filter hook input priority 0; policy accept;
    ip saddr 10.0.1.10 icmp type echo-request drop
    tcp dport 22 counter accept
    ip saddr != 10.1.2.3 ip daddr 10.9.0.0/16 drop
    meta l4proto udp accept
    udp sport 53 continue
    jump sub
  }
  chain pre { type nat hook prerouting priority -100; tcp dport 8080 dnat to 10.0.1.11:80; }
  chain post { type nat hook postrouting priority 100; oifname "wan0" masquerade; }
}
table ip6 v {
  chain in {
    type filter hook input priority 0;
    ip6 saddr fd00:1::10 icmpv6 type echo-request counter drop
    ip6 saddr != fd00:1::11 ip6 daddr fd00:1::/64 drop
    ip6 nexthdr udp accept
  }
}
table inet u {
  chain f { type filter hook forward priority 0; policy drop; ip daddr 198.18.0.1 tcp dport 1000 counter accept; ip6 daddr fd00::1 accept; goto w; }
  chain w { iifname "eth0" drop; }
}
`)
	out, err := cmd.CombinedOutput()
	require.NoError(t, err, string(out))
	sh(t, `ip netns exec ns0 ping -c 1 -W 1 127.0.0.1 || true`)
	k := open(t)
	ctx := context.Background()
	native, ok, err := k.NativeRuleset(ctx, "ns0")
	require.NoError(t, err)
	require.True(t, ok, "every rule of ns0 renders natively")
	viaNft, err := k.NFTRuleset(ctx, "ns0")
	require.NoError(t, err)
	require.Equal(t, viaNft.Chains, native.Chains)
	require.Equal(t, viaNft.Rules, native.Rules)
	require.Len(t, native.Rules, 29)

	_, ok, err = k.NativeRuleset(ctx, "ns1")
	require.NoError(t, err)
	require.False(t, ok, "ct state is not rendered natively")
	rs, err := k.Ruleset(ctx, "ns1")
	require.NoError(t, err)
	require.Len(t, rs.Rules, 1)
	require.Contains(t, rs.Rules[0].Text, "ct state")
}

// TestXTICMPTypes: iptables-nft writes --icmp-type and --icmpv6-type as
// compat matches, which nft's JSON shows only as "xt match icmp6"; the
// native reader reads their info, so that a rule dropping echo requests
// only says so. A code range or an inverted type stays unexplained.
func TestXTICMPTypes(t *testing.T) {
	if sandboxtest.Run(t) {
		return
	}
	sh(t, `ip netns add ns0
ip netns exec ns0 ip6tables -A INPUT -s fd00:1::10 -p ipv6-icmp --icmpv6-type echo-request -j DROP
ip netns exec ns0 ip6tables -A INPUT -p ipv6-icmp --icmpv6-type neighbour-solicitation -j ACCEPT
ip netns exec ns0 ip6tables -A INPUT -p ipv6-icmp ! --icmpv6-type echo-request -j ACCEPT
ip netns exec ns0 iptables -A INPUT -p icmp --icmp-type echo-request -j DROP
ip netns exec ns0 iptables -A INPUT -p icmp --icmp-type 3/1 -j DROP`)
	k := open(t)
	rs, ok, err := k.NativeRuleset(context.Background(), "ns0")
	require.NoError(t, err)
	require.True(t, ok)
	var texts []string
	for _, r := range rs.Rules {
		texts = append(texts, r.Text)
	}
	require.ElementsMatch(t, []string{
		"l4proto ipv6-icmp ip6 saddr fd00:1::10 icmpv6 type echo-request drop",
		"l4proto ipv6-icmp icmpv6 type nd-neighbor-solicit accept",
		"l4proto ipv6-icmp xt match icmp6 accept",
		"l4proto icmp icmp type echo-request drop",
		"l4proto icmp xt match icmp drop",
	}, texts)
}
