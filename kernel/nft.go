package kernel

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"

	"fmt"
	"os/exec"
	"strconv"
	"strings"
)

// installHint says how to get a missing tool on Debian/Ubuntu ("" when
// it does not know). A switch, not a package-level map: see stpState.
func installHint(name string) string {
	switch name {
	case "nft":
		return "apt-get install nftables"
	case "iptables", "iptables-save", "iptables-legacy-save":
		return "apt-get install iptables"
	case "ip", "bridge":
		return "apt-get install iproute2"
	}
	return ""
}

// MissingTool builds the error for an absent binary, with the install line.
func MissingTool(name string) error {
	h := installHint(name)
	if h == "" {
		return fmt.Errorf("%s: %w", name, ErrToolMissing)
	}
	return fmt.Errorf("%s: %w: install it with `%s`", name, ErrToolMissing, h)
}

// Exec runs name inside ns. Only the fork happens on a thread switched into
// ns (the child inherits the thread's namespace); waiting happens anywhere.
func (l *Linux) Exec(ctx context.Context, ns, name string, args ...string) ([]byte, error) {
	path, err := exec.LookPath(name)
	if err != nil {
		return nil, MissingTool(name)
	}
	e, err := l.entry(ctx, ns)
	if err != nil {
		return nil, err
	}
	cmd := exec.CommandContext(ctx, path, args...)
	var out bytes.Buffer
	cmd.Stdout = &out
	cmd.Stderr = &out
	if err := InNS(l.root, e.ns, cmd.Start); err != nil {
		return nil, fmt.Errorf("run %s in %s: %w", name, nsLabel(ns), err)
	}
	if err := cmd.Wait(); err != nil {
		return out.Bytes(), fmt.Errorf("%s %s in %s: %w: %s", name, strings.Join(args, " "), nsLabel(ns), err, strings.TrimSpace(out.String()))
	}
	return out.Bytes(), nil
}

// Ruleset reads ns's netfilter state. nft sees rules made by nft and by
// iptables-nft alike; iptables-legacy rules live elsewhere and are read
// with iptables-legacy-save when that tool exists.
func (l *Linux) Ruleset(ctx context.Context, ns string) (Ruleset, error) {
	// nft is required even though the rules are read without it: every
	// fix netlab prints and every deletion reset makes is an nft command,
	// and a machine without it gets the same answer as ever (install it).
	if _, err := exec.LookPath("nft"); err != nil {
		return Ruleset{}, MissingTool("nft")
	}
	d, err := l.ReadRules(ctx, ns)
	if err != nil {
		// ns could not be opened: nft itself says why, as it did before
		// netlab read rules over netlink.
		rs, err := l.nftRuleset(ctx, ns)
		if err != nil {
			return rs, err
		}
		l.finish(ctx, ns, &rs)
		return rs, nil
	}
	return d.Ruleset(ctx)
}

// nftRuleset reads ns's nftables state with `nft -j list ruleset`.
func (l *Linux) nftRuleset(ctx context.Context, ns string) (Ruleset, error) {
	out, err := l.Exec(ctx, ns, "nft", "-j", "list", "ruleset")
	if err != nil {
		return Ruleset{}, err
	}
	rs, err := ParseNFTJSON(out)
	if err != nil {
		return rs, fmt.Errorf("nft ruleset in %s: %w", nsLabel(ns), err)
	}
	return rs, nil
}

// explainXT completes rules that iptables-nft wrote with compat ("xt")
// targets: nft's JSON names the target (MASQUERADE, DNAT) but not its
// arguments (--to-destination). iptables-nft-save prints them; its rules
// come in the same order as nft's within a chain, so a chain whose rule
// counts agree gets each rule's iptables text appended. Best effort: when
// the tool is missing or the chains disagree, the nft text stays alone.
func explainXT(ctx context.Context, l *Linux, ns string, rs *Ruleset) {
	has := false
	for _, r := range rs.Rules {
		if r.Family == "ip" && strings.Contains(r.Text, "xt target") {
			has = true
			break
		}
	}
	if !has {
		return
	}
	if save, ok := l.xtSave(ctx, ns); ok {
		AnnotateXT(rs, save)
	}
}

// xtSave is iptables' own listing of ns's rules (iptables-nft-save, else
// iptables-save); ok is false when neither ran.
func (l *Linux) xtSave(ctx context.Context, ns string) ([]NFRule, bool) {
	tool := "iptables-nft-save"
	if _, err := exec.LookPath(tool); err != nil {
		tool = "iptables-save"
	}
	out, err := l.Exec(ctx, ns, tool)
	if err != nil {
		return nil, false
	}
	return ParseIptablesSave(out), true
}

// xtByChain is save's rules by table/chain, in order.
func xtByChain(save []NFRule) map[string][]NFRule {
	byChain := map[string][]NFRule{}
	for _, r := range save {
		k := r.Table + "/" + r.Chain
		byChain[k] = append(byChain[k], r)
	}
	return byChain
}

// annotateXT appends iptables' text of rule s to r, whose xt target nft
// does not spell out, and takes s's verdict.
func annotateXT(r *NFRule, s NFRule) {
	r.Text += " " + s.Text
	if s.Verdict != "" {
		r.Verdict = s.Verdict
	}
}

// AnnotateXT appends iptables-save's text (from save) to the ip-family nft
// rules of the same table and chain, position by position, where the nft
// rule uses an xt target and both list the same number of rules.
func AnnotateXT(rs *Ruleset, save []NFRule) {
	byChain := xtByChain(save)
	count := map[string]int{}
	for _, r := range rs.Rules {
		if r.Family == "ip" {
			count[r.Table+"/"+r.Chain]++
		}
	}
	pos := map[string]int{}
	for i := range rs.Rules {
		r := &rs.Rules[i]
		if r.Family != "ip" {
			continue
		}
		k := r.Table + "/" + r.Chain
		j := pos[k]
		pos[k]++
		if len(byChain[k]) != count[k] || !strings.Contains(r.Text, "xt target") {
			continue
		}
		annotateXT(r, byChain[k][j])
	}
}

// ParseIptablesSave reads `iptables-save -c` output into rules.
func ParseIptablesSave(out []byte) []NFRule {
	var rules []NFRule
	table := ""
	sc := bufio.NewScanner(bytes.NewReader(out))
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		switch {
		case strings.HasPrefix(line, "*"):
			table = line[1:]
		case strings.HasPrefix(line, "[") || strings.HasPrefix(line, "-A"):
			var pk uint64
			if strings.HasPrefix(line, "[") {
				end := strings.Index(line, "]")
				if end < 0 {
					continue
				}
				if c := strings.SplitN(line[1:end], ":", 2); len(c) == 2 {
					pk, _ = strconv.ParseUint(c[0], 10, 64)
				}
				line = strings.TrimSpace(line[end+1:])
			}
			f := strings.Fields(line)
			if len(f) < 2 || f[0] != "-A" {
				continue
			}
			r := NFRule{Family: "ip", Table: table, Chain: f[1], Text: line, Packets: pk}
			for i := 0; i+1 < len(f); i++ {
				if f[i] == "-j" {
					r.Verdict = strings.ToLower(f[i+1])
				}
			}
			rules = append(rules, r)
		}
	}
	return rules
}

// ParseNFTJSON reads `nft -j list ruleset`.
func ParseNFTJSON(b []byte) (Ruleset, error) {
	var doc struct {
		Nftables []map[string]json.RawMessage `json:"nftables"`
	}
	var rs Ruleset
	if len(bytes.TrimSpace(b)) == 0 {
		return rs, nil
	}
	if err := json.Unmarshal(b, &doc); err != nil {
		return rs, err
	}
	for _, item := range doc.Nftables {
		if raw, ok := item["chain"]; ok {
			var c struct {
				Family, Table, Name, Hook, Policy string
			}
			if err := json.Unmarshal(raw, &c); err != nil {
				return rs, err
			}
			rs.Chains = append(rs.Chains, NFChain{Family: c.Family, Table: c.Table, Name: c.Name, Hook: c.Hook, Policy: c.Policy})
		}
		if raw, ok := item["rule"]; ok {
			var r struct {
				Family, Table, Chain string
				Handle               int
				Expr                 []map[string]json.RawMessage
			}
			if err := json.Unmarshal(raw, &r); err != nil {
				return rs, err
			}
			rule := NFRule{Family: r.Family, Table: r.Table, Chain: r.Chain, Handle: r.Handle}
			var parts []string
			for _, e := range r.Expr {
				txt, verdict, pk := renderExpr(e)
				if txt != "" {
					parts = append(parts, txt)
				}
				if verdict != "" {
					rule.Verdict = verdict
				}
				rule.Packets += pk
			}
			rule.Text = strings.Join(parts, " ")
			rs.Rules = append(rs.Rules, rule)
		}
	}
	return rs, nil
}

// renderExpr turns one nft JSON expression into nft-like text, enough to
// recognise what a rule matches ("ip saddr 10.0.1.10", "oifname wan0").
func renderExpr(e map[string]json.RawMessage) (text, verdict string, packets uint64) {
	for k, v := range e {
		switch k {
		case "match":
			var m struct {
				Op    string          `json:"op"`
				Left  json.RawMessage `json:"left"`
				Right json.RawMessage `json:"right"`
			}
			if json.Unmarshal(v, &m) != nil {
				return "", "", 0
			}
			op := ""
			if m.Op != "==" && m.Op != "in" {
				op = m.Op + " "
			}
			return strings.TrimSpace(renderOperand(m.Left) + " " + op + renderOperand(m.Right)), "", 0
		case "counter":
			var c struct{ Packets uint64 }
			_ = json.Unmarshal(v, &c)
			return "", "", c.Packets
		case "accept", "drop", "continue", "return":
			return k, k, 0
		case "reject", "masquerade", "snat", "dnat", "redirect":
			arg := ""
			var m map[string]json.RawMessage
			if json.Unmarshal(v, &m) == nil {
				if a, ok := m["addr"]; ok {
					arg = " to " + renderOperand(a)
					if p, ok := m["port"]; ok {
						arg += ":" + renderOperand(p)
					}
				}
			}
			return k + arg, k, 0
		case "jump", "goto":
			var j struct{ Target string }
			_ = json.Unmarshal(v, &j)
			return k + " " + j.Target, k, 0
		case "xt":
			var x struct{ Type, Name string }
			_ = json.Unmarshal(v, &x)
			// iptables-nft writes MASQUERADE, DNAT, SNAT, REJECT as compat
			// targets: the target is the rule's verdict.
			if x.Type == "target" {
				return "xt " + x.Type + " " + x.Name, strings.ToLower(x.Name), 0
			}
			return "xt " + x.Type + " " + x.Name, "", 0
		default:
			return k, "", 0
		}
	}
	return "", "", 0
}

func renderOperand(raw json.RawMessage) string {
	var s string
	if json.Unmarshal(raw, &s) == nil {
		return s
	}
	var n json.Number
	if json.Unmarshal(raw, &n) == nil {
		return n.String()
	}
	var arr []json.RawMessage
	if json.Unmarshal(raw, &arr) == nil {
		parts := make([]string, 0, len(arr))
		for _, a := range arr {
			parts = append(parts, renderOperand(a))
		}
		return "{ " + strings.Join(parts, ", ") + " }"
	}
	var m map[string]json.RawMessage
	if json.Unmarshal(raw, &m) != nil {
		return string(raw)
	}
	if p, ok := m["payload"]; ok {
		var pl struct{ Protocol, Field string }
		_ = json.Unmarshal(p, &pl)
		return pl.Protocol + " " + pl.Field
	}
	if p, ok := m["meta"]; ok {
		var mt struct{ Key string }
		_ = json.Unmarshal(p, &mt)
		switch mt.Key {
		case "iifname", "oifname", "iif", "oif", "l4proto", "nfproto":
			return mt.Key
		}
		return "meta " + mt.Key
	}
	if p, ok := m["prefix"]; ok {
		var pf struct {
			Addr string `json:"addr"`
			Len  int    `json:"len"`
		}
		_ = json.Unmarshal(p, &pf)
		return fmt.Sprintf("%s/%d", pf.Addr, pf.Len)
	}
	if p, ok := m["set"]; ok {
		return renderOperand(p)
	}
	if p, ok := m["range"]; ok {
		var r []json.RawMessage
		_ = json.Unmarshal(p, &r)
		if len(r) == 2 {
			return renderOperand(r[0]) + "-" + renderOperand(r[1])
		}
	}
	if p, ok := m["ct"]; ok {
		var c struct{ Key string }
		_ = json.Unmarshal(p, &c)
		return "ct " + c.Key
	}
	for k := range m {
		return k
	}
	return ""
}
