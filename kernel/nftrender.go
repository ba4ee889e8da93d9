package kernel

import (
	"encoding/binary"
	"fmt"
	"net"
	"strconv"
	"strings"

	"github.com/google/nftables"
	"github.com/google/nftables/expr"
	"github.com/google/nftables/xt"
	"golang.org/x/sys/unix"
)

// A host's ruleset holds thousands of rules of a handful of expressions
// each, and a grade renders every one of them: the renderer reads the
// common expressions (payload, cmp, meta, bitwise, counter, immediate and
// verdicts) straight from their attributes into plain values, reuses its
// buffers from one rule to the next and keeps the few table and chain
// names it meets, so a rule costs a few allocations (its text) instead of
// one per expression and attribute. Rarer kinds (nat, masq, reject, xt
// target and match) and any expression with an attribute it does not
// know go through google/nftables' own decoding.

// rx kinds.
const (
	rxPayload = iota + 1
	rxCmp
	rxMeta
	rxBitwise
	rxCounter
	rxImmediate
	rxVerdict
	rxOther
)

// rexpr is one expression of a rule, as renderExprs needs it. Its byte
// slices point into the message being read (or into other's fields).
type rexpr struct {
	kind     int
	reg, src uint32 // destination (or compared) register; bitwise source
	// payload: base, offset, len; meta: key; cmp: op; verdict: code
	base, off, len, key, op uint32
	write                   bool   // payload write or meta set: not a plain load
	data, mask, xor         []byte // cmp and immediate data, bitwise mask and xor
	packets                 uint64
	verdict                 expr.VerdictKind
	chain                   string
	other                   expr.Any
}

// ruleRenderer renders the rules of one dump.
type ruleRenderer struct {
	exprs []rexpr
	parts []string
	names map[string]string
}

func newRuleRenderer() *ruleRenderer { return &ruleRenderer{names: map[string]string{}} }

// name returns b as a string, allocated once per distinct name.
func (rr *ruleRenderer) name(b []byte) string {
	b = trimNUL(b)
	if s, ok := rr.names[string(b)]; ok {
		return s
	}
	s := string(b)
	rr.names[s] = s
	return s
}

func trimNUL(b []byte) []byte {
	for i, c := range b {
		if c == 0 {
			return b[:i]
		}
	}
	return b
}

// render reads one NFT_MSG_NEWRULE's attributes into an NFRule, with the
// text ParseNFTJSON gives the same rule; errUnrendered when it holds an
// expression whose nft rendering netlab does not know exactly.
func (rr *ruleRenderer) render(fam byte, b []byte) (NFRule, error) {
	r := NFRule{Family: familyName(nftables.TableFamily(fam))}
	rr.exprs = rr.exprs[:0]
	err := attrs(b, func(typ uint16, d []byte) error {
		switch typ {
		case unix.NFTA_RULE_TABLE:
			r.Table = rr.name(d)
		case unix.NFTA_RULE_CHAIN:
			r.Chain = rr.name(d)
		case unix.NFTA_RULE_HANDLE:
			if len(d) == 8 {
				r.Handle = int(binary.BigEndian.Uint64(d))
			}
		case unix.NFTA_RULE_EXPRESSIONS:
			return attrs(d, func(typ uint16, elem []byte) error {
				if typ != unix.NFTA_LIST_ELEM {
					return nil
				}
				var name []byte
				return attrs(elem, func(typ uint16, x []byte) error {
					switch typ {
					case unix.NFTA_EXPR_NAME:
						name = trimNUL(x)
					case unix.NFTA_EXPR_DATA:
						e, err := readExpr(fam, name, x)
						if err != nil {
							return err
						}
						rr.exprs = append(rr.exprs, e)
					}
					return nil
				})
			})
		}
		return nil
	})
	if err != nil {
		return r, err
	}
	return r, rr.renderExprs(&r, rr.exprs)
}

// readExpr reads the expression called name from its NFTA_EXPR_DATA.
func readExpr(fam byte, name, data []byte) (rexpr, error) {
	if e, ok := quickExpr(name, data); ok {
		return e, nil
	}
	var e expr.Any
	switch string(name) {
	case "payload":
		e = &expr.Payload{}
	case "cmp":
		e = &expr.Cmp{}
	case "meta":
		e = &expr.Meta{}
	case "bitwise":
		e = &expr.Bitwise{}
	case "counter":
		e = &expr.Counter{}
	case "immediate":
		e = &expr.Immediate{}
	case "nat":
		e = &expr.NAT{}
	case "masq":
		e = &expr.Masq{}
	case "target":
		e = &expr.Target{}
	case "match":
		e = &expr.Match{}
	case "reject":
		e = &expr.Reject{}
	default:
		return rexpr{}, fmt.Errorf("%s: %w", name, errUnrendered)
	}
	if err := expr.Unmarshal(fam, data, e); err != nil {
		return rexpr{}, fmt.Errorf("%s: %w", name, errUnrendered)
	}
	if imm, ok := e.(*expr.Immediate); ok && imm.Register == unix.NFT_REG_VERDICT && len(imm.Data) == 0 {
		v := &expr.Verdict{}
		if err := expr.Unmarshal(fam, data, v); err != nil {
			return rexpr{}, fmt.Errorf("verdict: %w", errUnrendered)
		}
		e = v
	}
	return fromExpr(e), nil
}

// fromExpr turns a google/nftables expression into an rexpr.
func fromExpr(e expr.Any) rexpr {
	switch e := e.(type) {
	case *expr.Payload:
		return rexpr{kind: rxPayload, reg: e.DestRegister, base: uint32(e.Base), off: e.Offset, len: e.Len, write: e.OperationType != expr.PayloadLoad}
	case *expr.Cmp:
		return rexpr{kind: rxCmp, reg: e.Register, op: uint32(e.Op), data: e.Data}
	case *expr.Meta:
		return rexpr{kind: rxMeta, reg: e.Register, key: uint32(e.Key), write: e.SourceRegister}
	case *expr.Bitwise:
		return rexpr{kind: rxBitwise, reg: e.DestRegister, src: e.SourceRegister, mask: e.Mask, xor: e.Xor}
	case *expr.Counter:
		return rexpr{kind: rxCounter, packets: e.Packets}
	case *expr.Immediate:
		return rexpr{kind: rxImmediate, reg: e.Register, data: e.Data}
	case *expr.Verdict:
		return rexpr{kind: rxVerdict, verdict: e.Kind, chain: e.Chain}
	}
	return rexpr{kind: rxOther, other: e}
}

// quickExpr reads the common expressions straight from their attributes.
// It reports false for any other kind, or any attribute it does not know,
// and readExpr's general path takes over.
func quickExpr(name, data []byte) (rexpr, bool) {
	good := true
	u32 := func(d []byte) uint32 {
		if len(d) != 4 {
			good = false
			return 0
		}
		return binary.BigEndian.Uint32(d)
	}
	var e rexpr
	switch string(name) {
	case "payload":
		e.kind = rxPayload
		_ = attrs(data, func(typ uint16, d []byte) error {
			switch typ {
			case unix.NFTA_PAYLOAD_DREG:
				e.reg = u32(d)
			case unix.NFTA_PAYLOAD_BASE:
				e.base = u32(d)
			case unix.NFTA_PAYLOAD_OFFSET:
				e.off = u32(d)
			case unix.NFTA_PAYLOAD_LEN:
				e.len = u32(d)
			default:
				good = false // a write, a checksum: not a plain load
			}
			return nil
		})
	case "cmp":
		e.kind = rxCmp
		_ = attrs(data, func(typ uint16, d []byte) error {
			switch typ {
			case unix.NFTA_CMP_SREG:
				e.reg = u32(d)
			case unix.NFTA_CMP_OP:
				e.op = u32(d)
			case unix.NFTA_CMP_DATA:
				ok := false
				_ = attrs(d, func(typ uint16, b []byte) error {
					if typ == unix.NFTA_DATA_VALUE {
						e.data, ok = b, true
					}
					return nil
				})
				good = good && ok
			default:
				good = false
			}
			return nil
		})
	case "meta":
		e.kind = rxMeta
		_ = attrs(data, func(typ uint16, d []byte) error {
			switch typ {
			case unix.NFTA_META_DREG:
				e.reg = u32(d)
			case unix.NFTA_META_KEY:
				e.key = u32(d)
			default:
				good = false // meta set
			}
			return nil
		})
	case "counter":
		e.kind = rxCounter
		_ = attrs(data, func(typ uint16, d []byte) error {
			if typ == unix.NFTA_COUNTER_PACKETS && len(d) == 8 {
				e.packets = binary.BigEndian.Uint64(d)
			}
			return nil
		})
	case "immediate":
		e.kind = rxImmediate
		isVerdict := false
		_ = attrs(data, func(typ uint16, d []byte) error {
			switch typ {
			case unix.NFTA_IMMEDIATE_DREG:
				e.reg = u32(d)
			case unix.NFTA_IMMEDIATE_DATA:
				_ = attrs(d, func(typ uint16, b []byte) error {
					switch typ {
					case unix.NFTA_DATA_VALUE:
						e.data = b
					case unix.NFTA_DATA_VERDICT:
						isVerdict = true
						_ = attrs(b, func(typ uint16, v []byte) error {
							switch typ {
							case unix.NFTA_VERDICT_CODE:
								e.verdict = expr.VerdictKind(int32(u32(v)))
							case unix.NFTA_VERDICT_CHAIN:
								e.chain = cstring(v)
							}
							return nil
						})
					}
					return nil
				})
			default:
				good = false
			}
			return nil
		})
		if isVerdict && e.reg == unix.NFT_REG_VERDICT {
			e.kind = rxVerdict
		} else {
			e.verdict, e.chain = 0, ""
		}
	default:
		return rexpr{}, false
	}
	return e, good
}

// nRegs covers the 16-byte registers (1-4) and the 4-byte ones (8-23).
const nRegs = 24

// renderExprs turns a rule's expressions into ParseNFTJSON's text,
// verdict and packet count for the same rule.
func (rr *ruleRenderer) renderExprs(r *NFRule, exprs []rexpr) error {
	var regs [nRegs]loaded
	var set [nRegs]bool
	reg := func(n uint32) (loaded, bool) {
		if n >= nRegs || !set[n] {
			return loaded{}, false
		}
		return regs[n], true
	}
	put := func(n uint32, ld loaded) bool {
		if n >= nRegs {
			return false
		}
		regs[n], set[n] = ld, true
		return true
	}
	parts := rr.parts[:0]
	defer func() { rr.parts = parts[:0] }()
	// depAt is the part holding a "l4proto tcp"/"ip protocol tcp" match
	// that nft drops when a transport field follows (it prints just
	// "tcp dport 80"); depProto is its protocol.
	depAt, depProto := -1, ""
	// nfAt is the part holding "nfproto ipv4", which nft drops when an
	// IPv4 header field follows in an inet table.
	nfAt := -1
	ipv4 := r.Family == "ip"
	// ipv6: an ip6 table, or an inet rule after "nfproto ipv6".
	ipv6 := r.Family == "ip6"
	drop := func(i int) {
		parts = append(parts[:i], parts[i+1:]...)
		if depAt > i {
			depAt--
		}
		if nfAt > i {
			nfAt--
		}
	}
	for i := range exprs {
		e := &exprs[i]
		switch e.kind {
		case rxMeta:
			if e.write {
				return errUnrendered
			}
			var ld loaded
			switch expr.MetaKey(e.key) {
			case expr.MetaKeyIIFNAME:
				ld = loaded{field: "iifname", kind: "name", prefix: -1}
			case expr.MetaKeyOIFNAME:
				ld = loaded{field: "oifname", kind: "name", prefix: -1}
			case expr.MetaKeyL4PROTO:
				ld = loaded{field: "l4proto", kind: "proto", prefix: -1}
			case expr.MetaKeyNFPROTO:
				ld = loaded{field: "nfproto", kind: "nfproto", prefix: -1}
			default:
				return errUnrendered
			}
			if !put(e.reg, ld) {
				return errUnrendered
			}
		case rxPayload:
			if e.write {
				return errUnrendered
			}
			base := expr.PayloadBase(e.base)
			var ld loaded
			if base == expr.PayloadBaseNetworkHeader && !ipv4 && !ipv6 {
				return errUnrendered
			}
			if base == expr.PayloadBaseNetworkHeader && nfAt >= 0 {
				drop(nfAt)
				nfAt = -1
			}
			switch {
			case ipv6 && base == expr.PayloadBaseNetworkHeader && e.off == 8 && e.len >= 1 && e.len <= 16:
				ld = loaded{field: "ip6 saddr", kind: "ip6", bytes: int(e.len)}
			case ipv6 && base == expr.PayloadBaseNetworkHeader && e.off == 24 && e.len >= 1 && e.len <= 16:
				ld = loaded{field: "ip6 daddr", kind: "ip6", bytes: int(e.len)}
			case ipv6 && base == expr.PayloadBaseNetworkHeader && e.off == 6 && e.len == 1:
				ld = loaded{field: "ip6 nexthdr", kind: "proto"}
			case ipv6 && base == expr.PayloadBaseNetworkHeader:
				return errUnrendered
			case base == expr.PayloadBaseNetworkHeader && e.off == 12 && e.len >= 1 && e.len <= 4:
				// iptables-nft loads only the bytes of a byte-aligned
				// prefix: -s 10.0.0.0/8 is one byte.
				ld = loaded{field: "ip saddr", kind: "ip", bytes: int(e.len)}
			case base == expr.PayloadBaseNetworkHeader && e.off == 16 && e.len >= 1 && e.len <= 4:
				ld = loaded{field: "ip daddr", kind: "ip", bytes: int(e.len)}
			case base == expr.PayloadBaseNetworkHeader && e.off == 9 && e.len == 1:
				ld = loaded{field: "ip protocol", kind: "proto"}
			case base == expr.PayloadBaseTransportHeader && e.len == 2 && (e.off == 0 || e.off == 2):
				proto := "th"
				if depAt >= 0 && (depProto == "tcp" || depProto == "udp" || depProto == "sctp") {
					proto = depProto
					drop(depAt)
					depAt = -1
				}
				ld = loaded{field: proto + " dport", kind: "port"}
				if e.off == 0 {
					ld.field = proto + " sport"
				}
			case base == expr.PayloadBaseTransportHeader && e.len == 1 && e.off == 0 && depAt >= 0 && depProto == "icmp":
				drop(depAt)
				depAt = -1
				ld = loaded{field: "icmp type", kind: "icmptype"}
			case base == expr.PayloadBaseTransportHeader && e.len == 1 && e.off == 0 && depAt >= 0 && depProto == "ipv6-icmp":
				drop(depAt)
				depAt = -1
				ld = loaded{field: "icmpv6 type", kind: "icmp6type"}
			default:
				return errUnrendered
			}
			ld.prefix = -1
			if ld.kind == "ip" && ld.bytes < 4 || ld.kind == "ip6" && ld.bytes < 16 {
				ld.prefix = 8 * ld.bytes
			}
			if !put(e.reg, ld) {
				return errUnrendered
			}
		case rxBitwise:
			ld, ok := reg(e.src)
			size := map[string]int{"ip": 4, "ip6": 16}[ld.kind]
			if !ok || size == 0 || ld.prefix >= 0 || ld.bytes != size || e.reg != e.src || len(e.mask) != size {
				return errUnrendered
			}
			for _, b := range e.xor {
				if b != 0 {
					return errUnrendered
				}
			}
			ones, bits := net.IPMask(e.mask).Size()
			if bits == 0 {
				return errUnrendered // not a prefix mask
			}
			ld.prefix = ones
			put(e.reg, ld)
		case rxCmp:
			ld, ok := reg(e.reg)
			if !ok {
				return errUnrendered
			}
			val, err := cmpValue(ld, e.data)
			if err != nil {
				return err
			}
			op := ""
			switch expr.CmpOp(e.op) {
			case expr.CmpOpEq:
			case expr.CmpOpNeq:
				op = "!= "
			case expr.CmpOpLt:
				op = "< "
			case expr.CmpOpLte:
				op = "<= "
			case expr.CmpOpGt:
				op = "> "
			case expr.CmpOpGte:
				op = ">= "
			default:
				return errUnrendered
			}
			if ld.kind == "proto" && expr.CmpOp(e.op) == expr.CmpOpEq {
				depAt, depProto = len(parts), val
			}
			if ld.kind == "nfproto" && expr.CmpOp(e.op) == expr.CmpOpEq && val == "ipv4" && r.Family == "inet" {
				nfAt, ipv4 = len(parts), true
			}
			if ld.kind == "nfproto" && expr.CmpOp(e.op) == expr.CmpOpEq && val == "ipv6" && r.Family == "inet" {
				nfAt, ipv6 = len(parts), true
			}
			parts = append(parts, ld.field+" "+op+val)
		case rxCounter:
			r.Packets += e.packets
		case rxImmediate:
			if !put(e.reg, loaded{kind: "raw", data: e.data, prefix: -1}) {
				return errUnrendered
			}
		case rxVerdict:
			switch e.verdict {
			case expr.VerdictAccept:
				parts, r.Verdict = append(parts, "accept"), "accept"
			case expr.VerdictDrop:
				parts, r.Verdict = append(parts, "drop"), "drop"
			case expr.VerdictContinue:
				parts, r.Verdict = append(parts, "continue"), "continue"
			case expr.VerdictReturn:
				parts, r.Verdict = append(parts, "return"), "return"
			case expr.VerdictJump:
				parts, r.Verdict = append(parts, "jump "+e.chain), "jump"
			case expr.VerdictGoto:
				parts, r.Verdict = append(parts, "goto "+e.chain), "goto"
			default:
				return errUnrendered
			}
		case rxOther:
			switch x := e.other.(type) {
			case *expr.Target:
				parts, r.Verdict = append(parts, "xt target "+x.Name), strings.ToLower(x.Name)
			case *expr.Match:
				parts = append(parts, xtMatchText(x))
			case *expr.Masq:
				if x.ToPorts || x.RegProtoMin != 0 {
					return errUnrendered
				}
				parts, r.Verdict = append(parts, "masquerade"), "masquerade"
			case *expr.Reject:
				parts, r.Verdict = append(parts, "reject"), "reject"
			case *expr.NAT:
				kind := map[expr.NATType]string{expr.NATTypeDestNAT: "dnat", expr.NATTypeSourceNAT: "snat"}[x.Type]
				if kind == "" || x.RegAddrMin == 0 || x.RegAddrMax != 0 && x.RegAddrMax != x.RegAddrMin || x.Prefix {
					return errUnrendered
				}
				addr, ok := reg(x.RegAddrMin)
				if !ok || addr.kind != "raw" || len(addr.data) != 4 {
					return errUnrendered
				}
				text := kind + " to " + net.IP(addr.data).String()
				if x.RegProtoMin != 0 {
					port, ok := reg(x.RegProtoMin)
					if !ok || port.kind != "raw" || len(port.data) != 2 || x.RegProtoMax != 0 && x.RegProtoMax != x.RegProtoMin {
						return errUnrendered
					}
					text += ":" + strconv.Itoa(int(binary.BigEndian.Uint16(port.data)))
				}
				parts, r.Verdict = append(parts, text), kind
			default:
				return errUnrendered
			}
		default:
			return errUnrendered
		}
	}
	r.Text = strings.Join(parts, " ")
	return nil
}

// xtMatchText is a compat match as text. iptables-nft writes
// --icmp-type and --icmpv6-type as the xt matches icmp and icmp6, whose
// info is struct ipt_icmp / ip6t_icmp {type, code[2], invflags}: one
// whole type, not inverted, reads as nft's "icmp type T" / "icmpv6 type
// T", so that a rule dropping only echo requests says so (a drop is then
// proven by its counter, and told from one that drops neighbour
// discovery). Any other match stays "xt match NAME": criteria netlab
// does not read.
func xtMatchText(m *expr.Match) string {
	if u, ok := m.Info.(*xt.Unknown); ok && len(*u) >= 4 && (m.Name == "icmp" || m.Name == "icmp6") {
		typ, codeMin, codeMax, inv := (*u)[0], (*u)[1], (*u)[2], (*u)[3]
		names, label := icmpTypeName, "icmp type "
		if m.Name == "icmp6" {
			names, label = icmp6TypeName, "icmpv6 type "
		}
		if name, known := names(typ); known && codeMin == 0 && codeMax == 0xff && inv == 0 {
			return label + name
		}
	}
	return "xt match " + m.Name
}
