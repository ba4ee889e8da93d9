package kernel

import (
	"fmt"

	"github.com/vishvananda/netlink/nl"
	"github.com/vishvananda/netns"
	"golang.org/x/sys/unix"
)

// stpStates are the values of IFLA_BRPORT_STATE (BR_STATE_* in
// linux/if_bridge.h).
var stpStates = map[uint8]string{
	0: "disabled",
	1: "listening",
	2: "learning",
	3: "forwarding",
	4: "blocking",
}

// bridgePort is what the AF_BRIDGE dump says of one port.
type bridgePort struct {
	state      string
	noLearning bool
	flags      BridgePortFlags
}

// fill copies what the dump said of a port onto its Link.
func (p bridgePort) fill(l *Link) {
	l.BridgePort = p.flags
}

// bridgePortStates reads the STP state and the learning flag of every
// bridge port in ns: an AF_BRIDGE link dump, whose IFLA_PROTINFO carries
// IFLA_BRPORT_STATE and IFLA_BRPORT_LEARNING.
// vishvananda/netlink parses protinfo but drops the state, so the dump is
// done here on a socket opened inside ns (through InNS, the one sanctioned
// way to enter a namespace).
func (l *Linux) bridgePortStates(e *nsEntry) (map[int]bridgePort, error) {
	msgs, err := l.linkDump(e, unix.AF_BRIDGE)
	if err != nil {
		return nil, fmt.Errorf("bridge port states: %w", err)
	}
	out := map[int]bridgePort{}
	for _, m := range msgs {
		info := nl.DeserializeIfInfomsg(m)
		attrs, err := nl.ParseRouteAttr(m[info.Len():])
		if err != nil {
			continue
		}
		for _, a := range attrs {
			if a.Attr.Type&^unix.NLA_F_NESTED != unix.IFLA_PROTINFO {
				continue
			}
			inner, err := nl.ParseRouteAttr(a.Value)
			if err != nil {
				continue
			}
			port := out[int(info.Index)]
			for _, in := range inner {
				if len(in.Value) == 0 {
					continue
				}
				switch in.Attr.Type {
				case nl.IFLA_BRPORT_STATE:
					s, ok := stpStates[in.Value[0]]
					if !ok {
						s = fmt.Sprintf("state%d", in.Value[0])
					}
					port.state = s
				case nl.IFLA_BRPORT_LEARNING:
					port.noLearning = in.Value[0] == 0
				case nl.IFLA_BRPORT_UNICAST_FLOOD:
					port.flags.NoFlood = in.Value[0] == 0
				case nl.IFLA_BRPORT_BCAST_FLOOD:
					port.flags.NoBcastFlood = in.Value[0] == 0
				case nl.IFLA_BRPORT_MCAST_FLOOD:
					port.flags.NoMcastFlood = in.Value[0] == 0
				case nl.IFLA_BRPORT_NEIGH_SUPPRESS:
					port.flags.NeighSuppress = in.Value[0] != 0
				case nl.IFLA_BRPORT_ISOLATED:
					port.flags.Isolated = in.Value[0] != 0
				case nl.IFLA_BRPORT_LOCKED:
					port.flags.Locked = in.Value[0] != 0
				case nl.IFLA_BRPORT_MAB:
					port.flags.MAB = in.Value[0] != 0
				case nl.IFLA_BRPORT_PROXYARP:
					port.flags.ProxyARP = in.Value[0] != 0
				case nl.IFLA_BRPORT_MODE:
					port.flags.Hairpin = in.Value[0] != 0
				}
			}
			out[int(info.Index)] = port
		}
	}
	return out, nil
}

// fillBridgeSettings reads the bridge-wide options that vishvananda/netlink
// does not parse (stp_state, nf_call_iptables) from IFLA_INFO_DATA of a
// link dump in ns, for the bridges among links. Best effort: on a failed
// read the fields stay false.
func (l *Linux) fillBridgeSettings(e *nsEntry, links []Link) {
	has := false
	for _, lk := range links {
		has = has || lk.Type == "bridge"
	}
	if !has {
		return
	}
	msgs, err := l.linkDump(e, unix.AF_UNSPEC)
	if err != nil {
		return
	}
	byIndex := map[int]*Link{}
	for i := range links {
		if links[i].Type == "bridge" {
			byIndex[links[i].Index] = &links[i]
		}
	}
	for _, m := range msgs {
		info := nl.DeserializeIfInfomsg(m)
		lk := byIndex[int(info.Index)]
		if lk == nil {
			continue
		}
		attrs, err := nl.ParseRouteAttr(m[info.Len():])
		if err != nil {
			continue
		}
		for _, a := range attrs {
			if a.Attr.Type&^unix.NLA_F_NESTED != unix.IFLA_LINKINFO {
				continue
			}
			infos, err := nl.ParseRouteAttr(a.Value)
			if err != nil {
				continue
			}
			for _, in := range infos {
				if in.Attr.Type&^unix.NLA_F_NESTED != unix.IFLA_INFO_DATA {
					continue
				}
				data, err := nl.ParseRouteAttr(in.Value)
				if err != nil {
					continue
				}
				for _, d := range data {
					switch d.Attr.Type {
					case unix.IFLA_BR_STP_STATE:
						if len(d.Value) >= 4 {
							lk.BridgeSTP = native.Uint32(d.Value) != 0
						}
					case unix.IFLA_BR_NF_CALL_IPTABLES:
						if len(d.Value) >= 1 {
							lk.BridgeNFCallIPTables = d.Value[0] != 0
						}
					}
				}
			}
		}
	}
}

var native = nl.NativeEndian()

// linkDump is a raw RTM_GETLINK dump of family in e's namespace, for the
// attributes vishvananda/netlink does not parse. The socket is opened
// inside the namespace (through InNS, the one sanctioned way in) and
// bounded by netlinkTimeout like every other read.
func (l *Linux) linkDump(e *nsEntry, family int) ([][]byte, error) {
	var sock *nl.NetlinkSocket
	err := InNS(l.root, e.ns, func() error {
		var serr error
		sock, serr = nl.GetNetlinkSocketAt(netns.None(), netns.None(), unix.NETLINK_ROUTE)
		return serr
	})
	if err != nil {
		return nil, err
	}
	defer sock.Close()
	tv := unix.NsecToTimeval(netlinkTimeout.Nanoseconds())
	_ = sock.SetSendTimeout(&tv)
	_ = sock.SetReceiveTimeout(&tv)
	req := nl.NewNetlinkRequest(unix.RTM_GETLINK, unix.NLM_F_DUMP)
	req.AddData(nl.NewIfInfomsg(family))
	req.Sockets = map[int]*nl.SocketHandle{unix.NETLINK_ROUTE: {Socket: sock}}
	return req.Execute(unix.NETLINK_ROUTE, unix.RTM_NEWLINK)
}
