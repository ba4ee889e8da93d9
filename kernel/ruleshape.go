package kernel

import (
	"encoding/json"
	"fmt"
	"net/netip"
	"sort"
	"strings"

	"github.com/kballard/go-shellquote"
)

// RuleShape is what a firewall rule means, in the terms lessons use: the
// hook it runs at, what it matches and what it does. Two rules with equal
// shapes do the same thing, however they were typed (iptables, iptables-nft,
// nft). A rule with anything else in it has Unknown parts and is nobody's
// lesson rule.
type RuleShape struct {
	Family, Table, Chain string
	Hook                 string // "input", "forward", "postrouting", ...; "" for a regular chain
	TableHandle, Handle  int    // nft handles; 0 for iptables-legacy rules
	Legacy               bool

	Verdict      string // accept, drop, reject, masquerade, snat, dnat, return, ...
	Saddr, Daddr string // canonical prefixes ("10.0.1.77/32"), "" for any
	Iif, Oif     string
	Proto        string // "tcp", "icmp", ...
	Dport        string
	CtState      string // "established,related" (sorted), "" for any
	To           string // nat target address[:port]
	Unknown      []string

	// Text is the rule as netlab shows it; Args (legacy only) are the
	// iptables arguments after "-A CHAIN", as `-D` takes them.
	Text string
	Args []string
}

// canonPrefix writes an address or prefix as a masked prefix.
func canonPrefix(s string) (string, bool) {
	if p, err := netip.ParsePrefix(s); err == nil {
		return p.Masked().String(), true
	}
	if a, err := netip.ParseAddr(s); err == nil {
		return netip.PrefixFrom(a, a.BitLen()).String(), true
	}
	return "", false
}

func canonCtState(s string) string {
	parts := strings.FieldsFunc(strings.ToLower(s), func(r rune) bool { return r == ',' || r == ' ' })
	sort.Strings(parts)
	return strings.Join(parts, ",")
}

// ParseIptablesRule reads one `iptables-save` rule line ("-A CHAIN ...",
// with or without a "[packets:bytes]" prefix), with the shell quoting
// iptables-save uses (a comment with spaces is one quoted word).
func ParseIptablesRule(table, line string) (RuleShape, error) {
	line = strings.TrimSpace(line)
	if strings.HasPrefix(line, "[") {
		if end := strings.Index(line, "]"); end >= 0 {
			line = strings.TrimSpace(line[end+1:])
		}
	}
	w, err := shellquote.Split(line)
	if err != nil {
		return RuleShape{}, fmt.Errorf("iptables rule %q: %w", line, err)
	}
	if len(w) < 2 || w[0] != "-A" {
		return RuleShape{}, fmt.Errorf("iptables rule %q does not start with -A CHAIN", line)
	}
	r := RuleShape{Family: "ip", Table: table, Chain: w[1], Text: line, Args: w[2:]}
	switch w[1] {
	case "PREROUTING", "INPUT", "FORWARD", "OUTPUT", "POSTROUTING":
		r.Hook = strings.ToLower(w[1])
	}
	args := w[2:]
	val := func(i int) string {
		if i+1 < len(args) {
			return args[i+1]
		}
		return ""
	}
	for i := 0; i < len(args); i++ {
		a := args[i]
		switch a {
		case "-s", "--source", "-d", "--destination":
			p, ok := canonPrefix(val(i))
			if !ok {
				r.Unknown = append(r.Unknown, a+" "+val(i))
			} else if a == "-s" || a == "--source" {
				r.Saddr = p
			} else {
				r.Daddr = p
			}
			i++
		case "-i", "--in-interface":
			r.Iif = val(i)
			i++
		case "-o", "--out-interface":
			r.Oif = val(i)
			i++
		case "-p", "--protocol":
			r.Proto = strings.ToLower(val(i))
			i++
		case "--dport", "--destination-port":
			r.Dport = val(i)
			i++
		case "--ctstate":
			r.CtState = canonCtState(val(i))
			i++
		case "-m", "--match":
			switch m := val(i); m {
			case "tcp", "udp", "conntrack", "comment":
				// tcp/udp are implied by -p; a comment means nothing.
			default:
				r.Unknown = append(r.Unknown, "-m "+m)
			}
			i++
		case "--comment":
			i++
		case "-j", "--jump":
			r.Verdict = strings.ToLower(val(i))
			i++
		case "--to-destination", "--to-source", "--to":
			r.To = val(i)
			i++
		default:
			r.Unknown = append(r.Unknown, a)
		}
	}
	return r, nil
}

// ParseIptablesSaveShapes reads every rule of `iptables-save` output.
func ParseIptablesSaveShapes(out []byte, legacy bool) []RuleShape {
	var rs []RuleShape
	table := ""
	for _, line := range strings.Split(string(out), "\n") {
		line = strings.TrimSpace(line)
		switch {
		case strings.HasPrefix(line, "*"):
			table = line[1:]
		case strings.HasPrefix(line, "-A") || strings.HasPrefix(line, "["):
			r, err := ParseIptablesRule(table, line)
			if err != nil {
				r = RuleShape{Family: "ip", Table: table, Text: line, Unknown: []string{err.Error()}}
			}
			r.Legacy = legacy
			rs = append(rs, r)
		}
	}
	return rs
}

// NFTable is one nftables table and what is in it.
type NFTable struct {
	Family, Name string
	Handle       int
	Chains       int
	Rules        int
	Other        int // sets, maps, flowtables, objects
}

// Key names the table across netlab runs: a table deleted and made again
// gets a new handle, so it is another table.
func (t NFTable) Key() string { return fmt.Sprintf("%s/%s/%d", t.Family, t.Name, t.Handle) }

// Key names the rule across netlab runs.
func (r RuleShape) Key() string {
	if r.Legacy {
		return "legacy/" + r.Table + "/" + r.Text
	}
	return fmt.Sprintf("%s/%s/%d/%s/%d", r.Family, r.Table, r.TableHandle, r.Chain, r.Handle)
}

// ParseNFTShapes reads `nft -j list ruleset` into tables and rule shapes.
// Rules that iptables-nft wrote with compat ("xt") parts take their meaning
// from the same rule in save (iptables-nft-save output), position by
// position in their chain, when both list the same number of rules there;
// otherwise the xt part stays Unknown.
func ParseNFTShapes(js []byte, save []byte) ([]NFTable, []RuleShape, error) {
	var doc struct {
		Nftables []map[string]json.RawMessage `json:"nftables"`
	}
	if len(strings.TrimSpace(string(js))) == 0 {
		return nil, nil, nil
	}
	if err := json.Unmarshal(js, &doc); err != nil {
		return nil, nil, fmt.Errorf("nft ruleset: %w", err)
	}
	var tables []NFTable
	tidx := map[string]int{}
	hooks := map[string]string{}
	var rules []RuleShape
	for _, item := range doc.Nftables {
		for kind, raw := range item {
			var h struct {
				Family, Table, Name, Chain, Hook string
				Handle                           int
				Expr                             []map[string]json.RawMessage
			}
			if err := json.Unmarshal(raw, &h); err != nil {
				continue // metainfo
			}
			switch kind {
			case "metainfo":
			case "table":
				tidx[h.Family+"/"+h.Name] = len(tables)
				tables = append(tables, NFTable{Family: h.Family, Name: h.Name, Handle: h.Handle})
			case "chain":
				hooks[h.Family+"/"+h.Table+"/"+h.Name] = h.Hook
				if i, ok := tidx[h.Family+"/"+h.Table]; ok {
					tables[i].Chains++
				}
			case "rule":
				r := RuleShape{Family: h.Family, Table: h.Table, Chain: h.Chain, Handle: h.Handle,
					Hook: hooks[h.Family+"/"+h.Table+"/"+h.Chain]}
				if i, ok := tidx[h.Family+"/"+h.Table]; ok {
					tables[i].Rules++
					r.TableHandle = tables[i].Handle
				}
				var parts []string
				for _, e := range h.Expr {
					parts = append(parts, shapeExpr(&r, e))
				}
				r.Text = strings.TrimSpace(strings.Join(parts, " "))
				rules = append(rules, r)
			default:
				if i, ok := tidx[h.Family+"/"+h.Table]; ok {
					tables[i].Other++
				}
			}
		}
	}
	pairXT(rules, ParseIptablesSaveShapes(save, false))
	return tables, rules, nil
}

func pairXT(rules []RuleShape, save []RuleShape) {
	byChain := map[string][]RuleShape{}
	for _, s := range save {
		byChain[s.Table+"/"+s.Chain] = append(byChain[s.Table+"/"+s.Chain], s)
	}
	count := map[string]int{}
	for _, r := range rules {
		if r.Family == "ip" {
			count[r.Table+"/"+r.Chain]++
		}
	}
	pos := map[string]int{}
	for i := range rules {
		r := &rules[i]
		if r.Family != "ip" {
			continue
		}
		k := r.Table + "/" + r.Chain
		j := pos[k]
		pos[k]++
		if !hasXT(r.Unknown) || len(byChain[k]) != count[k] {
			continue
		}
		s := byChain[k][j]
		s.Family, s.Table, s.Chain, s.Hook = r.Family, r.Table, r.Chain, r.Hook
		s.Handle, s.TableHandle = r.Handle, r.TableHandle
		s.Text = r.Text + " (" + s.Text + ")"
		s.Args = nil
		*r = s
	}
}

func hasXT(u []string) bool {
	for _, s := range u {
		if strings.HasPrefix(s, "xt ") {
			return true
		}
	}
	return false
}

// shapeExpr folds one nft JSON expression into r and returns its text.
func shapeExpr(r *RuleShape, e map[string]json.RawMessage) string {
	for k, v := range e {
		switch k {
		case "match":
			var m struct {
				Op    string          `json:"op"`
				Left  json.RawMessage `json:"left"`
				Right json.RawMessage `json:"right"`
			}
			if json.Unmarshal(v, &m) != nil {
				r.Unknown = append(r.Unknown, "match")
				return "?"
			}
			left, right := renderOperand(m.Left), renderOperand(m.Right)
			text := left + " " + right
			if m.Op != "==" && !(m.Op == "in" && left == "ct state") {
				r.Unknown = append(r.Unknown, m.Op)
				return left + " " + m.Op + " " + right
			}
			switch left {
			case "ip saddr", "ip daddr":
				p, ok := canonPrefix(right)
				if !ok {
					r.Unknown = append(r.Unknown, text)
				} else if left == "ip saddr" {
					r.Saddr = p
				} else {
					r.Daddr = p
				}
			case "iifname":
				r.Iif = right
			case "oifname":
				r.Oif = right
			case "l4proto", "ip protocol":
				r.Proto = right
			case "tcp dport", "udp dport":
				r.Proto = strings.Fields(left)[0]
				r.Dport = right
			case "ct state":
				r.CtState = canonCtState(strings.Trim(right, "{ }"))
			default:
				r.Unknown = append(r.Unknown, text)
			}
			return text
		case "counter":
			return "counter"
		case "accept", "drop", "return", "masquerade":
			r.Verdict = k
			return k
		case "snat", "dnat":
			r.Verdict = k
			var m map[string]json.RawMessage
			if json.Unmarshal(v, &m) == nil {
				if a, ok := m["addr"]; ok {
					r.To = renderOperand(a)
					if p, ok := m["port"]; ok {
						r.To += ":" + renderOperand(p)
					}
				}
				for f := range m {
					if f != "addr" && f != "port" && f != "family" {
						r.Unknown = append(r.Unknown, k+" "+f)
					}
				}
			}
			return k + " to " + r.To
		case "xt":
			var x struct{ Type, Name string }
			_ = json.Unmarshal(v, &x)
			r.Unknown = append(r.Unknown, "xt "+x.Type+" "+x.Name)
			if x.Type == "target" {
				r.Verdict = strings.ToLower(x.Name)
			}
			return "xt " + x.Type + " " + x.Name
		default:
			r.Unknown = append(r.Unknown, k)
			return k
		}
	}
	return ""
}
