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

// set reads one IFLA_BRPORT_* attribute (of IFLA_PROTINFO in an
// AF_BRIDGE dump, or of IFLA_INFO_SLAVE_DATA in a link's own message: the
// kernel fills both with the same attributes).
func (p *bridgePort) set(typ uint16, v []byte) {
	if len(v) == 0 {
		return
	}
	switch typ {
	case unix.IFLA_BRPORT_STATE:
		s, ok := stpStates[v[0]]
		if !ok {
			s = fmt.Sprintf("state%d", v[0])
		}
		p.state = s
	case unix.IFLA_BRPORT_LEARNING:
		p.noLearning = v[0] == 0
	case unix.IFLA_BRPORT_UNICAST_FLOOD:
		p.flags.NoFlood = v[0] == 0
	case unix.IFLA_BRPORT_BCAST_FLOOD:
		p.flags.NoBcastFlood = v[0] == 0
	case unix.IFLA_BRPORT_MCAST_FLOOD:
		p.flags.NoMcastFlood = v[0] == 0
	case unix.IFLA_BRPORT_NEIGH_SUPPRESS:
		p.flags.NeighSuppress = v[0] != 0
	case unix.IFLA_BRPORT_ISOLATED:
		p.flags.Isolated = v[0] != 0
	case unix.IFLA_BRPORT_LOCKED:
		p.flags.Locked = v[0] != 0
	case unix.IFLA_BRPORT_MAB:
		p.flags.MAB = v[0] != 0
	case unix.IFLA_BRPORT_PROXYARP:
		p.flags.ProxyARP = v[0] != 0
	case unix.IFLA_BRPORT_MODE:
		p.flags.Hairpin = v[0] != 0
	}
}

// fill copies what the dump said of a port onto its Link.
func (p bridgePort) fill(l *Link) {
	l.BridgePort = p.flags
}

// bridgePortStates reads the STP state, learning flag and options of
// every bridge port in ns: an AF_BRIDGE link dump, whose IFLA_PROTINFO
// carries the IFLA_BRPORT_* attributes (vishvananda/netlink parses
// protinfo but drops the state, so the dump is done here, on a socket
// opened inside ns through InNS). Links reads the same attributes from
// each port's own message (IFLA_INFO_SLAVE_DATA, parseLinkMsg); this
// second source stays for the tests, which check that both agree.
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
				port.set(in.Attr.Type, in.Value)
			}
			out[int(info.Index)] = port
		}
	}
	return out, nil
}

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
