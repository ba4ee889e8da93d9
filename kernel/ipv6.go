package kernel

import (
	"context"
	"fmt"
	"net"
	"net/netip"

	"github.com/vishvananda/netlink"
	"golang.org/x/sys/unix"
)

// Addr6 is one IPv6 address with the flags of its duplicate address
// detection (DAD): a new address is tentative until DAD has made sure no
// other host on the link has it, and dadfailed (unusable) when one has.
type Addr6 struct {
	Link      string
	Prefix    netip.Prefix
	Tentative bool // IFA_F_TENTATIVE: DAD not finished (or not started: no carrier)
	DADFailed bool // IFA_F_DADFAILED: another host on the link has it
}

// LinkLocal reports whether the address is in fe80::/10.
func (a Addr6) LinkLocal() bool { return a.Prefix.Addr().IsLinkLocalUnicast() }

// Addrs6 lists the IPv6 addresses of ns with their DAD flags.
func (l *Linux) Addrs6(ctx context.Context, ns string) ([]Addr6, error) {
	h, err := l.lib(ctx, ns)
	if err != nil {
		return nil, err
	}
	names, err := l.allNames(ctx, ns)
	if err != nil {
		return nil, fmt.Errorf("list links in %s: %w", nsLabel(ns), err)
	}
	raw, err := retry(func() ([]netlink.Addr, error) { return h.AddrList(nil, netlink.FAMILY_V6) })
	if err != nil {
		return nil, fmt.Errorf("list IPv6 addresses in %s: %w", nsLabel(ns), err)
	}
	out := make([]Addr6, 0, len(raw))
	for _, a := range raw {
		ip, ok := netip.AddrFromSlice(a.IP)
		if !ok {
			continue
		}
		ones, _ := a.Mask.Size()
		out = append(out, Addr6{
			Link:      names[a.LinkIndex],
			Prefix:    netip.PrefixFrom(ip.Unmap(), ones),
			Tentative: a.Flags&unix.IFA_F_TENTATIVE != 0,
			DADFailed: a.Flags&unix.IFA_F_DADFAILED != 0,
		})
	}
	return out, nil
}

// Routes6 lists the IPv6 routes of ns's main table.
func (l *Linux) Routes6(ctx context.Context, ns string) ([]Route, error) {
	h, err := l.lib(ctx, ns)
	if err != nil {
		return nil, err
	}
	names, err := l.allNames(ctx, ns)
	if err != nil {
		return nil, fmt.Errorf("list links in %s: %w", nsLabel(ns), err)
	}
	raw, err := retry(func() ([]netlink.Route, error) {
		return h.RouteListFiltered(netlink.FAMILY_V6, &netlink.Route{Table: unix.RT_TABLE_MAIN}, netlink.RT_FILTER_TABLE)
	})
	if err != nil {
		return nil, fmt.Errorf("list IPv6 routes in %s: %w", nsLabel(ns), err)
	}
	out := make([]Route, 0, len(raw))
	for _, r := range raw {
		out = append(out, convertRoute(r, names))
	}
	return out, nil
}

// Neighbors6 lists the IPv6 neighbour (neighbour discovery) entries of ns.
func (l *Linux) Neighbors6(ctx context.Context, ns string) ([]Neigh, error) {
	h, err := l.lib(ctx, ns)
	if err != nil {
		return nil, err
	}
	names, err := l.allNames(ctx, ns)
	if err != nil {
		return nil, err
	}
	raw, err := retry(func() ([]netlink.Neigh, error) { return h.NeighList(0, netlink.FAMILY_V6) })
	if err != nil {
		return nil, fmt.Errorf("IPv6 neighbours in %s: %w", nsLabel(ns), err)
	}
	out := make([]Neigh, 0, len(raw))
	for _, n := range raw {
		if n.IP.IsMulticast() {
			continue
		}
		out = append(out, Neigh{Dev: names[n.LinkIndex], IP: n.IP, MAC: n.HardwareAddr, State: neighState(n.State)})
	}
	return out, nil
}

// RouteGet6 asks which route a packet to dst would take; oif names the
// interface for a link-local dst (its zone), "" otherwise.
func (l *Linux) RouteGet6(ctx context.Context, ns string, dst net.IP, oif string) (Route, error) {
	h, err := l.lib(ctx, ns)
	if err != nil {
		return Route{}, err
	}
	names, err := l.allNames(ctx, ns)
	if err != nil {
		return Route{}, err
	}
	opts := &netlink.RouteGetOptions{}
	if oif != "" {
		opts.Oif = oif
	}
	rs, err := h.RouteGetWithOptions(dst, opts)
	if err != nil {
		return Route{}, fmt.Errorf("route to %s in %s: %w", dst, nsLabel(ns), err)
	}
	if len(rs) == 0 {
		return Route{}, fmt.Errorf("route to %s in %s: %w", dst, nsLabel(ns), unix.ENETUNREACH)
	}
	return convertRoute(rs[0], names), nil
}
