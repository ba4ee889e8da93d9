package kernel

import (
	"context"
	"encoding/binary"
	"net"
	"syscall"

	"golang.org/x/sys/unix"
)

// A busy host's namespace holds thousands of links (every container's
// veth), and netlab reads a namespace's links once per grade. The netlink
// library's dump parses every attribute of every link, statistics
// included, into typed structs; dumpLinks asks the kernel to leave the
// statistics out (RTEXT_FILTER_SKIP_STATS) and reads only what a Link
// holds, without allocating per attribute.

const rtextFilterSkipStats = 1 << 3

var operStates = [...]string{"unknown", "notpresent", "down", "lowerlayerdown", "testing", "dormant", "up"}

// dumpLinks lists ns's links (without their bridge port states).
func (l *Linux) dumpLinks(ctx context.Context, ns string) ([]Link, error) {
	return l.linksOf(ctx, ns, linkRequest(0), nil)
}

// linksOf lists the links of an RTM_GETLINK dump of ns (req: its
// ifinfomsg and attributes, see linkRequest), those keep takes (nil: all).
func (l *Linux) linksOf(ctx context.Context, ns string, req []byte, keep func(Link) bool) ([]Link, error) {
	return collect(ctx, l, ns, unix.NETLINK_ROUTE, unix.RTM_GETLINK, req, func(m syscall.NetlinkMessage) (Link, bool, error) {
		k, ok, err := linkMsg(m)
		return k, ok && (keep == nil || keep(k)), err
	})
}

// linkMsg reads an RTM_NEWLINK message; ok is false for any other.
func linkMsg(m syscall.NetlinkMessage) (k Link, ok bool, err error) {
	if m.Header.Type != unix.RTM_NEWLINK || len(m.Data) < unix.SizeofIfInfomsg {
		return Link{}, false, nil
	}
	k, err = parseLinkMsg(m.Data)
	return k, true, err
}

// parseLinkMsg reads one RTM_NEWLINK (ifinfomsg and attributes) into a
// Link, as convertLink reads the netlink library's.
func parseLinkMsg(b []byte) (Link, error) {
	flags := binary.NativeEndian.Uint32(b[8:12])
	k := Link{
		Index:       int(int32(binary.NativeEndian.Uint32(b[4:8]))),
		AdminUp:     flags&unix.IFF_UP != 0,
		LowerUp:     flags&unix.IFF_LOWER_UP != 0,
		NoARP:       flags&unix.IFF_NOARP != 0,
		OperState:   "unknown",
		PeerNetNSID: -1,
		Type:        "device",
	}
	u32 := func(d []byte) uint32 {
		if len(d) < 4 {
			return 0
		}
		return binary.NativeEndian.Uint32(d)
	}
	err := attrs(b[unix.SizeofIfInfomsg:], func(typ uint16, d []byte) error {
		switch typ {
		case unix.IFLA_IFNAME:
			k.Name = cstring(d)
		case unix.IFLA_MTU:
			k.MTU = int(u32(d))
		case unix.IFLA_ADDRESS:
			for _, c := range d {
				if c != 0 { // an all-zero address (lo) is none, as the library reads it
					k.MAC = net.HardwareAddr(append([]byte(nil), d...))
					break
				}
			}
		case unix.IFLA_MASTER:
			k.MasterIndex = int(u32(d))
		case unix.IFLA_LINK:
			k.ParentIndex = int(u32(d))
		case unix.IFLA_LINK_NETNSID:
			k.PeerNetNSID = int(int32(u32(d)))
		case unix.IFLA_OPERSTATE:
			if len(d) >= 1 && int(d[0]) < len(operStates) {
				k.OperState = operStates[d[0]]
			}
		case unix.IFLA_LINKINFO:
			kind, slaveKind := "", ""
			var data, slaveData []byte
			_ = attrs(d, func(typ uint16, d []byte) error {
				switch typ {
				case unix.IFLA_INFO_KIND:
					kind = cstring(d)
				case unix.IFLA_INFO_DATA:
					data = d
				case unix.IFLA_INFO_SLAVE_KIND:
					slaveKind = cstring(d)
				case unix.IFLA_INFO_SLAVE_DATA:
					slaveData = d
				}
				return nil
			})
			if slaveKind == "bridge" {
				// A bridge port's STP state and options, the same
				// attributes an AF_BRIDGE dump carries in IFLA_PROTINFO.
				var port bridgePort
				_ = attrs(slaveData, func(typ uint16, d []byte) error {
					port.set(typ, d)
					return nil
				})
				port.fill(&k)
			}
			switch kind {
			case "":
			case "tun":
				k.Type = "tuntap" // as the netlink library names it
			default:
				k.Type = kind
			}
			if kind == "bridge" {
				// The bridge-wide options netlab grades come with the
				// link itself: no second dump of the namespace for them.
				_ = attrs(data, func(typ uint16, d []byte) error {
					switch typ {
					case unix.IFLA_BR_AGEING_TIME:
						if len(d) >= 4 {
							k.BridgeAgeingZero = u32(d) == 0
						}
					case unix.IFLA_BR_STP_STATE:
						if len(d) >= 4 {
							k.BridgeSTP = u32(d) != 0
						}
					case unix.IFLA_BR_NF_CALL_IPTABLES:
						if len(d) >= 1 {
							k.BridgeNFCallIPTables = d[0] != 0
						}
					}
					return nil
				})
			}
		}
		return nil
	})
	return k, err
}
