package kernel

import (
	"fmt"

	"github.com/vishvananda/netlink/nl"
	"github.com/vishvananda/netns"
	"golang.org/x/sys/unix"
)

// The second source of the bridge ports' states, for the tests that check
// Links (parseLinkMsg) reads them as the AF_BRIDGE dump says them.

// bridgePortStates reads the STP state, learning flag and options of
// every bridge port in ns: an AF_BRIDGE link dump, whose IFLA_PROTINFO
// carries the IFLA_BRPORT_* attributes (vishvananda/netlink parses
// protinfo but drops the state, so the dump is done here, on a socket
// opened inside ns through InNS). Links reads the same attributes from
// each port's own message (IFLA_INFO_SLAVE_DATA, parseLinkMsg).
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
