package kernel

import (
	"context"
	"encoding/binary"
	"fmt"
	"net"
	"slices"
	"syscall"

	"github.com/vishvananda/netlink"
	"golang.org/x/sys/unix"
)

// The reads a grade makes most (addresses, the route to an address, the
// id a namespace has for another) are asked for here over netlab's own
// requests (ask): the netlink library receives every answer into a fresh
// 64 KiB buffer, and a short-lived `netlab check` paid for those pages
// on every read. The answers are read as the library reads them (see
// rtnl_test.go, which compares the two on a real kernel).

// addrList dumps every address of ns (all families), as
// netlink.Handle.AddrList(nil, FAMILY_ALL) lists them.
func (l *Linux) addrList(ctx context.Context, ns string) ([]netlink.Addr, error) {
	req := make([]byte, unix.NLMSG_HDRLEN+unix.SizeofIfAddrmsg)
	return collect(ctx, l, ns, unix.NETLINK_ROUTE, unix.RTM_GETADDR, req, func(m syscall.NetlinkMessage) (netlink.Addr, bool, error) {
		if m.Header.Type != unix.RTM_NEWADDR || len(m.Data) < unix.SizeofIfAddrmsg {
			return netlink.Addr{}, false, nil
		}
		a, err := parseAddrMsg(m.Data)
		return a, true, err
	})
}

// parseAddrMsg reads an RTM_NEWADDR message's address as the netlink
// library does: IFA_LOCAL where there is one (IFA_ADDRESS is then the
// peer of a point-to-point address), else IFA_ADDRESS.
func parseAddrMsg(b []byte) (netlink.Addr, error) {
	family, prefix := b[0], int(b[1])
	a := netlink.Addr{LinkIndex: int(binary.NativeEndian.Uint32(b[4:8]))}
	var local, dst *net.IPNet
	err := attrs(b[unix.SizeofIfAddrmsg:], func(typ uint16, d []byte) error {
		switch typ {
		case unix.IFA_ADDRESS:
			dst = &net.IPNet{IP: net.IP(slices.Clone(d)), Mask: net.CIDRMask(prefix, 8*len(d))}
		case unix.IFA_LOCAL:
			local = &net.IPNet{IP: net.IP(slices.Clone(d)), Mask: net.CIDRMask(prefix, 8*len(d))}
		}
		return nil
	})
	if err != nil {
		return a, err
	}
	switch {
	case local != nil && family == unix.AF_INET && dst != nil && local.IP.Equal(dst.IP):
		a.IPNet = dst
	case local != nil:
		a.IPNet, a.Peer = local, dst
	default:
		a.IPNet = dst
	}
	return a, nil
}

// routeGet asks ns for the route a packet to dst would take, as
// netlink.Handle.RouteGet does (RTM_F_LOOKUP_TABLE: the answer names the
// table the route came from).
func (l *Linux) routeGet(ctx context.Context, ns string, dst net.IP) (netlink.Route, error) {
	family, addr, bits := byte(unix.AF_INET), dst.To4(), 32
	if addr == nil {
		family, addr, bits = unix.AF_INET6, dst.To16(), 128
	}
	if addr == nil {
		return netlink.Route{}, fmt.Errorf("route to %v: not an IP address", dst)
	}
	req := make([]byte, unix.NLMSG_HDRLEN+unix.SizeofRtMsg, unix.NLMSG_HDRLEN+unix.SizeofRtMsg+4+16)
	rt := req[unix.NLMSG_HDRLEN:]
	rt[0], rt[1] = family, byte(bits)
	binary.NativeEndian.PutUint32(rt[8:], unix.RTM_F_LOOKUP_TABLE)
	req = appendAttr(req, unix.RTA_DST, addr)
	out, found, err := askOne(ctx, l, ns, unix.NETLINK_ROUTE, unix.RTM_GETROUTE, req, func(m syscall.NetlinkMessage) (netlink.Route, bool, error) {
		if m.Header.Type != unix.RTM_NEWROUTE || len(m.Data) < unix.SizeofRtMsg {
			return netlink.Route{}, false, nil
		}
		r, err := parseRouteMsg(m.Data)
		return r, true, err
	})
	if err == nil && !found {
		err = unix.ENETUNREACH
	}
	return out, err
}

// parseRouteMsg reads the fields of an RTM_NEWROUTE message that netlab
// keeps (convertRoute), as the netlink library reads them.
func parseRouteMsg(b []byte) (netlink.Route, error) {
	dstLen := int(b[1])
	r := netlink.Route{
		Family:   int(b[0]),
		Tos:      int(b[3]),
		Table:    int(b[4]),
		Protocol: netlink.RouteProtocol(b[5]),
		Scope:    netlink.Scope(b[6]),
		Type:     int(b[7]),
		Flags:    int(binary.NativeEndian.Uint32(b[8:12])),
	}
	err := attrs(b[unix.SizeofRtMsg:], func(typ uint16, d []byte) error {
		switch typ {
		case unix.RTA_GATEWAY:
			r.Gw = net.IP(slices.Clone(d))
		case unix.RTA_PREFSRC:
			r.Src = net.IP(slices.Clone(d))
		case unix.RTA_DST:
			r.Dst = &net.IPNet{IP: net.IP(slices.Clone(d)), Mask: net.CIDRMask(dstLen, 8*len(d))}
		case unix.RTA_OIF:
			if len(d) >= 4 {
				r.LinkIndex = int(binary.NativeEndian.Uint32(d))
			}
		case unix.RTA_TABLE:
			if len(d) >= 4 {
				r.Table = int(binary.NativeEndian.Uint32(d))
			}
		}
		return nil
	})
	return r, err
}

// netNSID asks ns for the id it has given the namespace open as fd
// (-1: none yet), as netlink.Handle.GetNetNsIdByFd does.
func (l *Linux) netNSID(ctx context.Context, ns string, fd int) (int, error) {
	req := make([]byte, unix.NLMSG_HDRLEN+4, unix.NLMSG_HDRLEN+4+8)
	req = appendAttr(req, unix.NETNSA_FD, binary.NativeEndian.AppendUint32(nil, uint32(fd)))
	id, found, err := askOne(ctx, l, ns, unix.NETLINK_ROUTE, unix.RTM_GETNSID, req, func(m syscall.NetlinkMessage) (id int, ok bool, err error) {
		if m.Header.Type != unix.RTM_NEWNSID || len(m.Data) < 4 {
			return 0, false, nil
		}
		err = attrs(m.Data[4:], func(typ uint16, d []byte) error {
			if typ == unix.NETNSA_NSID && len(d) >= 4 {
				id, ok = int(int32(binary.NativeEndian.Uint32(d))), true
			}
			return nil
		})
		return id, ok, err
	})
	if err == nil && !found {
		err = fmt.Errorf("unexpected empty result")
	}
	return id, err
}
