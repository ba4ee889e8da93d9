package kernel

import (
	"bytes"
	"context"
	"fmt"
	"net"
	"os/exec"
	"strings"
	"testing"

	"github.com/google/nftables"
	"github.com/stretchr/testify/require"

	"github.com/netlab/netlab/sandbox/sandboxtest"
)

// bulkRules loads 5000 rules that match nothing of a lab, as a busy host
// holds them: 25 ip tables of a forward base chain jumping to 100 chains
// of one rule, and one inet chain of 2500 rules.
func bulkRules(t *testing.T) {
	t.Helper()
	var batches []string
	for tb := 0; tb < 25; tb++ {
		var b bytes.Buffer
		fmt.Fprintf(&b, "table ip bulk%d {\n", tb)
		for c := 0; c < 50; c++ {
			fmt.Fprintf(&b, "  chain c%d { ip saddr 198.19.%d.%d counter drop; }\n", c, tb, c)
		}
		fmt.Fprintf(&b, "  chain main {\n    type filter hook forward priority %d; policy accept;\n", tb)
		for c := 0; c < 50; c++ {
			fmt.Fprintf(&b, "    ip daddr 198.18.%d.%d counter jump c%d\n", tb, c, c)
		}
		b.WriteString("  }\n}\n")
		batches = append(batches, b.String())
	}
	batches = append(batches, "table inet big {\n  chain main {\n    type filter hook forward priority 0; policy accept;\n  }\n}\n")
	for i := 0; i < 2500; i += 250 {
		var b bytes.Buffer
		for j := i; j < i+250; j++ {
			fmt.Fprintf(&b, "add rule inet big main ip daddr 198.18.%d.%d tcp dport %d counter accept\n", j/250, j%250, 1000+j)
		}
		batches = append(batches, b.String())
	}
	for _, batch := range batches {
		cmd := exec.Command("nft", "-f", "-")
		cmd.Stdin = strings.NewReader(batch)
		out, err := cmd.CombinedOutput()
		require.NoError(t, err, string(out))
	}
}

// Among 5000 foreign rules, FirstRule finds the lab's rules as the whole
// ruleset shows them (iptables' text for iptables-nft's compat targets
// included) while rendering only the rules before them; the dump's
// counters are NFCounters' and count what the lab's DROP rule dropped.
func TestFirstRuleAmongThousands(t *testing.T) {
	if sandboxtest.Run(t) {
		return
	}
	sh := func(script string) {
		out, err := exec.Command("sh", "-ec", script).CombinedOutput()
		require.NoError(t, err, string(out))
	}
	sh(`ip link set lo up
ip addr add 10.0.1.10/32 dev lo
iptables -A INPUT -p icmp -s 10.0.1.10 -j DROP
iptables -t nat -A POSTROUTING -s 10.0.1.0/24 -o wan0 -j MASQUERADE
iptables -t nat -A PREROUTING -i wan0 -p tcp --dport 8080 -j DNAT --to-destination 10.0.1.11:80`)
	bulkRules(t)
	// Two echo requests from 10.0.1.10 to itself, dropped on input (the
	// sandbox's own namespace: nothing leaves it).
	_ = exec.Command("ping", "-c", "2", "-W", "1", "-i", "0.2", "-I", "10.0.1.10", "10.0.1.10").Run()

	l, err := New()
	require.NoError(t, err)
	defer l.Close()
	ctx := context.Background()
	full, err := l.Ruleset(ctx, Root)
	require.NoError(t, err)
	require.Greater(t, len(full.Rules), 5000)

	want := map[string]NFRule{}
	hooks := map[string]string{}
	for _, c := range full.Chains {
		hooks[c.Family+"/"+c.Table+"/"+c.Name] = c.Hook
	}
	for _, r := range full.Rules {
		if _, ok := want[r.Verdict]; !ok && r.Family == "ip" && (r.Table == "filter" || r.Table == "nat") {
			want[r.Verdict] = r
		}
	}
	require.Contains(t, want["masquerade"].Text, "-j MASQUERADE", "iptables' text added")
	require.Contains(t, want["dnat"].Text, "--to-destination 10.0.1.11:80")
	require.EqualValues(t, 2, want["drop"].Packets)

	for _, verdict := range []string{"drop", "masquerade", "dnat"} {
		d, err := l.ReadRules(ctx, Root)
		require.NoError(t, err)
		r, hook, found, known := d.First(ctx, func(r NFRule, hook string) bool { return r.Verdict == verdict && r.Table != "big" })
		require.True(t, known && found, verdict)
		require.Equal(t, want[verdict], r, verdict)
		require.Equal(t, hooks["ip/"+r.Table+"/"+r.Chain], hook)
		require.Less(t, len(d.rendered), 10, "%s: rendered only the rules up to it", verdict)
		require.False(t, d.done, "%s: the dump was read only as far as the rule", verdict)
		require.False(t, d.loaded, "%s: only the chains of the rules read are asked for", verdict)
		require.Less(t, len(d.msgs), 1000, verdict)

		counters, err := l.NFCounters(ctx, Root)
		require.NoError(t, err)
		got, err := d.Counters(ctx)
		require.NoError(t, err)
		require.Equal(t, counters, got)
		require.EqualValues(t, 2, got[RuleKey("ip", "filter", "INPUT", want["drop"].Handle)])

		// Its whole ruleset is Ruleset's.
		rs, err := d.Ruleset(ctx)
		require.NoError(t, err)
		require.Equal(t, full, rs)
	}

	// A chain asked for alone is the dump's; one that does not exist is
	// not found, without an error.
	for _, c := range full.Chains {
		if c.Table == "nat" || c.Table == "bulk3" {
			got, found, err := l.getChain(ctx, Root, familyByte(t, c.Family), c.Table, c.Name)
			require.NoError(t, err)
			require.True(t, found)
			require.Equal(t, c, got)
		}
	}
	_, found, err := l.getChain(ctx, Root, familyByte(t, "ip"), "nat", "NOSUCH")
	require.NoError(t, err)
	require.False(t, found)

	// A dump closed half-read (the end of a grading run) lets go of its
	// socket and says so to a late reader.
	d, err := l.ReadRules(ctx, Root)
	require.NoError(t, err)
	_, _, found, known := d.First(ctx, func(r NFRule, _ string) bool { return r.Verdict == "drop" })
	require.True(t, found && known)
	d.Close()
	require.Nil(t, d.src)
	_, err = d.Counters(ctx)
	require.ErrorIs(t, err, net.ErrClosed)

	// A grading run closes the dumps its checks read only partly.
	snap := NewSnapshot(l)
	_, _, found, known, err = FirstRule(ctx, snap, Root, func(r NFRule, _ string) bool { return r.Verdict == "drop" })
	require.NoError(t, err)
	require.True(t, found && known)
	d, _, err = snap.readRules(ctx, Root)
	require.NoError(t, err)
	require.NotNil(t, d.src, "the run's dump is read only partly")
	snap.Close()
	require.Nil(t, d.src, "the end of the run closed it")

	// A rule nobody has: every rule is looked at, and none matches.
	d, err = l.ReadRules(ctx, Root)
	require.NoError(t, err)
	_, _, found, known = d.First(ctx, func(r NFRule, _ string) bool { return r.Verdict == "snat" })
	require.True(t, known)
	require.False(t, found)
	require.Len(t, d.rendered, len(full.Rules))
}

func familyByte(t *testing.T, name string) byte {
	for _, f := range []nftables.TableFamily{nftables.TableFamilyIPv4, nftables.TableFamilyIPv6, nftables.TableFamilyINet} {
		if familyName(f) == name {
			return byte(f)
		}
	}
	t.Fatalf("no family %s", name)
	return 0
}

// A ruleset that changes between two parts of a dump makes the kernel mark
// the next part interrupted: the dump starts afresh, and what it returns
// is the ruleset as it now is.
func TestRuleDumpStartsAfreshWhenInterrupted(t *testing.T) {
	if sandboxtest.Run(t) {
		return
	}
	out, err := exec.Command("sh", "-ec", `iptables -A INPUT -p icmp -s 10.0.1.10 -j DROP`).CombinedOutput()
	require.NoError(t, err, string(out))
	bulkRules(t)
	l, err := New()
	require.NoError(t, err)
	defer l.Close()
	ctx := context.Background()
	d, err := l.ReadRules(ctx, Root)
	require.NoError(t, err)
	defer d.Close()
	_, _, found, known := d.First(ctx, func(r NFRule, _ string) bool { return r.Verdict == "drop" && r.Table == "filter" })
	require.True(t, found && known)
	require.False(t, d.done, "the dump is read only partly")

	out, err = exec.Command("nft", "add", "table", "inet", "late").CombinedOutput()
	require.NoError(t, err, string(out))
	out, err = exec.Command("nft", "add chain inet late c; add rule inet late c counter accept").CombinedOutput()
	require.NoError(t, err, string(out))
	counters, err := d.Counters(ctx)
	require.NoError(t, err)
	require.Equal(t, 1, d.gen, "the interrupted dump started afresh, once")
	want, err := l.NFCounters(ctx, Root)
	require.NoError(t, err)
	require.Equal(t, want, counters, "the counters are the new ruleset's")
	late := 0
	for k := range counters {
		if strings.HasPrefix(k, "inet/late/") {
			late++
		}
	}
	require.Equal(t, 1, late, "the rule added meanwhile is in it")
}

// A dump that starts afresh reads iptables' own listing afresh too: the
// text it adds to a compat rule is the rule's as it now is, not as it was
// before the change that interrupted the dump.
func TestRuleDumpExplainsAfreshWhenInterrupted(t *testing.T) {
	if sandboxtest.Run(t) {
		return
	}
	out, err := exec.Command("sh", "-ec", `
ip link add wan0 type veth peer name wan1
iptables -t nat -A PREROUTING -i wan0 -p tcp --dport 8080 -j DNAT --to-destination 10.0.1.11:80
`).CombinedOutput()
	require.NoError(t, err, string(out))
	bulkRules(t)
	l, err := New()
	require.NoError(t, err)
	defer l.Close()
	ctx := context.Background()
	d, err := l.ReadRules(ctx, Root)
	require.NoError(t, err)
	defer d.Close()
	dnat := func(r NFRule, _ string) bool { return r.Table == "nat" && r.Chain == "PREROUTING" }
	r, _, found, known := d.First(ctx, dnat)
	require.True(t, found && known)
	require.Contains(t, r.Text, "--to-destination 10.0.1.11:80")
	require.False(t, d.done, "the dump is read only partly")

	out, err = exec.Command("sh", "-ec", `
iptables -t nat -R PREROUTING 1 -i wan0 -p tcp --dport 8080 -j DNAT --to-destination 10.0.1.12:80
nft add table inet late
`).CombinedOutput()
	require.NoError(t, err, string(out))
	_, err = d.Counters(ctx)
	require.NoError(t, err)
	require.Equal(t, 1, d.gen, "the interrupted dump started afresh")
	r, _, found, known = d.First(ctx, dnat)
	require.True(t, found && known)
	require.Contains(t, r.Text, "--to-destination 10.0.1.12:80", "iptables' text of the rule as it now is")
}
