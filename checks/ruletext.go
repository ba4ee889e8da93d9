package checks

import (
	"fmt"
	"slices"
	"strings"

	"github.com/netlab/netlab/kernel"
)

// This file prints a firewall rule in one syntax, the learner's: a rule
// that iptables (nft backend or legacy) wrote is shown, and deleted, with
// iptables; a rule written with nft is shown as nft lists it. The kernel
// holds both as nftables rules, and a mix of the two ("... xt target
// MASQUERADE -A POSTROUTING ...") is no command anyone can type.

// iptablesTables are the tables iptables creates: a rule in a chain
// named in capitals (its built-in chains, INPUT ... POSTROUTING, and the
// chains its users name so) of such a table (family ip) was written with
// iptables. An array, not a map: it costs nothing at start-up.
var iptablesTables = [...]string{"filter", "nat", "mangle", "raw", "security"}

// iptablesMade reports whether r was written with iptables: an iptables
// compat ("xt") expression, iptables-save's own text, or iptables'
// built-in table and chain names.
func iptablesMade(r kernel.NFRule) bool {
	if r.Family != "ip" {
		return false
	}
	if strings.HasPrefix(r.Text, "-A ") || strings.Contains(r.Text, "xt ") {
		return true
	}
	return slices.Contains(iptablesTables[:], r.Table) && strings.ToUpper(r.Chain) == r.Chain
}

// iptablesArgs is r as `iptables -S` prints it ("-A INPUT -p icmp -s
// 10.0.1.10 -j DROP"). ok is false when r uses something this translation
// does not know.
func iptablesArgs(r kernel.NFRule) (string, bool) {
	if i := strings.Index(r.Text, "-A "); i >= 0 && (i == 0 || r.Text[i-1] == ' ') {
		return strings.TrimSpace(r.Text[i:]), true // iptables-save's own text
	}
	w := strings.Fields(r.Text)
	out := []string{"-A", r.Chain}
	for i := 0; i < len(w); i++ {
		val := func(n int) (string, bool) {
			if i+n >= len(w) {
				return "", false
			}
			v := w[i+n]
			if v == "!=" {
				if i+n+1 >= len(w) {
					return "", false
				}
				i++
				v = "!" + w[i+n]
			}
			i += n
			return strings.Trim(v, `"`), true
		}
		opt := func(flag string, n int) bool {
			v, ok := val(n)
			if !ok {
				return false
			}
			if strings.HasPrefix(v, "!") {
				out = append(out, "!", flag, v[1:])
			} else {
				out = append(out, flag, v)
			}
			return true
		}
		two := ""
		if i+1 < len(w) {
			two = w[i] + " " + w[i+1]
		}
		ok := true
		switch {
		case w[i] == "l4proto" || two == "ip protocol" || two == "meta l4proto":
			if w[i] == "l4proto" {
				ok = opt("-p", 1)
			} else {
				ok = opt("-p", 2)
			}
		case two == "ip saddr":
			ok = opt("-s", 2)
		case two == "ip daddr":
			ok = opt("-d", 2)
		case w[i] == "iifname" || w[i] == "iif":
			ok = opt("-i", 1)
		case w[i] == "oifname" || w[i] == "oif":
			ok = opt("-o", 1)
		case two == "tcp dport" || two == "udp dport" || two == "th dport":
			if w[i] != "th" && !containsStr(out, "-p") {
				out = append(out, "-p", w[i])
			}
			ok = opt("--dport", 2)
		case two == "tcp sport" || two == "udp sport" || two == "th sport":
			ok = opt("--sport", 2)
		case two == "icmp type":
			ok = opt("--icmp-type", 2)
		case two == "ct state":
			v, vok := val(2)
			ok = vok
			out = append(out, "-m", "conntrack", "--ctstate", strings.ToUpper(strings.NewReplacer("{ ", "", " }", "", " ", "").Replace(v)))
		case w[i] == "drop" || w[i] == "accept" || w[i] == "reject" || w[i] == "masquerade" || w[i] == "return":
			out = append(out, "-j", strings.ToUpper(w[i]))
		case two == "dnat to":
			ok = opt("-j DNAT --to-destination", 2)
		case two == "snat to":
			ok = opt("-j SNAT --to-source", 2)
		case w[i] == "jump" || w[i] == "goto":
			ok = opt("-j", 1)
		case two == "xt target" && i+2 < len(w):
			out = append(out, "-j", w[i+2])
			i += 2
		default:
			ok = false
		}
		if !ok {
			return "", false
		}
	}
	return strings.Join(out, " "), true
}

// iptablesCmd is the iptables command line for r with action ("-A" to
// show it, "-D" to delete it), or "" when r cannot be said in iptables.
func iptablesCmd(r kernel.NFRule, action string) string {
	if !iptablesMade(r) {
		return ""
	}
	args, ok := iptablesArgs(r)
	if !ok {
		return ""
	}
	args = action + strings.TrimPrefix(args, "-A")
	if r.Table != "filter" && r.Table != "" {
		args = "-t " + r.Table + " " + args
	}
	return "iptables " + args
}

// showRule is r in the learner's syntax: the iptables command that makes
// it, or the rule as `nft list ruleset` prints it.
func showRule(r kernel.NFRule) string {
	if c := iptablesCmd(r, "-A"); c != "" {
		return c
	}
	t := r.Text
	if i := strings.Index(t, " -A "); i >= 0 {
		t = t[:i] // iptables-save's copy, when the rest did not translate
	}
	return t
}

// deleteRule is the command that deletes r in ns, in the learner's tool;
// "" when there is none to suggest.
func deleteRule(ns string, r kernel.NFRule) string {
	cmd := iptablesCmd(r, "-D")
	if cmd == "" {
		if r.Handle == 0 {
			return ""
		}
		cmd = fmt.Sprintf("nft delete rule %s %s %s handle %d", r.Family, r.Table, r.Chain, r.Handle)
	}
	if ns != kernel.Root {
		cmd = "ip netns exec " + ns + " " + cmd
	}
	return cmd
}

// plural is "1 rule", "3 rules".
func plural(n int, word string) string {
	if n == 1 {
		return fmt.Sprintf("1 %s", word)
	}
	return fmt.Sprintf("%d %ss", n, word)
}

func containsStr(xs []string, x string) bool {
	for _, y := range xs {
		if y == x {
			return true
		}
	}
	return false
}
