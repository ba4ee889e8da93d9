package kernel

import (
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"strconv"

	"github.com/google/nftables"
	"golang.org/x/sys/unix"
)

// RuleKey names one nftables rule across reads: family, table, chain and
// the rule's handle (stable for the rule's lifetime).
func RuleKey(family, table, chain string, handle int) string {
	return family + "/" + table + "/" + chain + "/" + strconv.Itoa(handle)
}

func familyName(f nftables.TableFamily) string {
	switch f {
	case nftables.TableFamilyIPv4:
		return "ip"
	case nftables.TableFamilyIPv6:
		return "ip6"
	case nftables.TableFamilyINet:
		return "inet"
	case nftables.TableFamilyARP:
		return "arp"
	case nftables.TableFamilyBridge:
		return "bridge"
	case nftables.TableFamilyNetdev:
		return "netdev"
	}
	return fmt.Sprintf("family%d", f)
}

// NFCounters reads the packet counter of every nftables rule in ns
// (iptables-nft rules included), keyed by RuleKey. It talks netlink
// in-process, one dump of all the namespace's rules (not one request per
// chain: a host with thousands of chains would pay thousands of round
// trips), so a probe can read the counters right before it sends, poll
// them while it is out, and compare them with the ruleset read after.
func (l *Linux) NFCounters(ctx context.Context, ns string) (map[string]uint64, error) {
	out, err := retry(func() (map[string]uint64, error) {
		out := map[string]uint64{}
		err := l.dumpRules(ctx, ns, func(fam byte, b []byte) error {
			r, err := parseRuleCounter(b)
			if err != nil {
				return fmt.Errorf("nftables rules in %s: %w", nsLabel(ns), err)
			}
			out[r.key(fam)] = r.packets
			return nil
		})
		return out, err
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

type ruleCounter struct {
	table, chain string
	handle       uint64
	packets      uint64
}

// key is the rule's RuleKey; fam is the family of its dump message.
func (r ruleCounter) key(fam byte) string {
	return RuleKey(familyName(nftables.TableFamily(fam)), r.table, r.chain, int(r.handle))
}

// attrs walks the netlink attributes in b, calling fn with each one's type
// (flags masked off) and payload. It allocates nothing: a host's dump of
// thousands of rules is read on every grade.
func attrs(b []byte, fn func(typ uint16, data []byte) error) error {
	for len(b) >= 4 {
		n := int(binary.NativeEndian.Uint16(b[0:2]))
		typ := binary.NativeEndian.Uint16(b[2:4]) & 0x3fff
		if n < 4 || n > len(b) {
			return errors.New("malformed netlink attribute")
		}
		if err := fn(typ, b[4:n]); err != nil {
			return err
		}
		n = (n + 3) &^ 3
		if n > len(b) {
			n = len(b)
		}
		b = b[n:]
	}
	return nil
}

// cstring is a NUL-terminated netlink string attribute as a string.
func cstring(b []byte) string { return string(trimNUL(b)) }

// parseRuleCounter reads a rule's table, chain, handle and the sum of its
// counter expressions from an NFT_MSG_NEWRULE message's attributes.
func parseRuleCounter(b []byte) (ruleCounter, error) {
	var r ruleCounter
	err := attrs(b, func(typ uint16, d []byte) error {
		switch typ {
		case unix.NFTA_RULE_TABLE:
			r.table = cstring(d)
		case unix.NFTA_RULE_CHAIN:
			r.chain = cstring(d)
		case unix.NFTA_RULE_HANDLE:
			if len(d) == 8 {
				r.handle = binary.BigEndian.Uint64(d)
			}
		case unix.NFTA_RULE_EXPRESSIONS:
			return attrs(d, func(typ uint16, elem []byte) error {
				if typ != unix.NFTA_LIST_ELEM {
					return nil
				}
				counter := false
				return attrs(elem, func(typ uint16, d []byte) error {
					switch typ {
					case unix.NFTA_EXPR_NAME:
						counter = cstring(d) == "counter"
					case unix.NFTA_EXPR_DATA:
						if !counter {
							return nil
						}
						return attrs(d, func(typ uint16, d []byte) error {
							if typ == unix.NFTA_COUNTER_PACKETS && len(d) == 8 {
								r.packets += binary.BigEndian.Uint64(d)
							}
							return nil
						})
					}
					return nil
				})
			})
		}
		return nil
	})
	return r, err
}
