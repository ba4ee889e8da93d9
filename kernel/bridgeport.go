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
}

// bridgePortStates reads the STP state and the learning flag of every
// bridge port in ns: an AF_BRIDGE link dump, whose IFLA_PROTINFO carries
// IFLA_BRPORT_STATE and IFLA_BRPORT_LEARNING.
// vishvananda/netlink parses protinfo but drops the state, so the dump is
// done here on a socket opened inside ns (through InNS, the one sanctioned
// way to enter a namespace).
func (l *Linux) bridgePortStates(e *nsEntry) (map[int]bridgePort, error) {
	var sock *nl.NetlinkSocket
	err := InNS(l.root, e.ns, func() error {
		var serr error
		sock, serr = nl.GetNetlinkSocketAt(netns.None(), netns.None(), unix.NETLINK_ROUTE)
		return serr
	})
	if err != nil {
		return nil, fmt.Errorf("bridge port states: %w", err)
	}
	defer sock.Close()
	tv := unix.NsecToTimeval(netlinkTimeout.Nanoseconds())
	_ = sock.SetSendTimeout(&tv)
	_ = sock.SetReceiveTimeout(&tv)
	req := nl.NewNetlinkRequest(unix.RTM_GETLINK, unix.NLM_F_DUMP)
	req.AddData(nl.NewIfInfomsg(unix.AF_BRIDGE))
	req.Sockets = map[int]*nl.SocketHandle{unix.NETLINK_ROUTE: {Socket: sock}}
	msgs, err := req.Execute(unix.NETLINK_ROUTE, unix.RTM_NEWLINK)
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
				}
			}
			out[int(info.Index)] = port
		}
	}
	return out, nil
}
