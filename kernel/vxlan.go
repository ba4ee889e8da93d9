package kernel

import (
	"context"
	"fmt"
	"net"

	"github.com/vishvananda/netlink"
	"golang.org/x/sys/unix"
)

// VXLAN is one vxlan device (lesson 6): a tunnel endpoint (VTEP) that
// wraps Ethernet frames in UDP to the other endpoints of its VNI.
type VXLAN struct {
	Name        string
	Index       int
	VNI         int
	Port        int    // UDP destination port (4789 IANA; 8472 Linux's old default)
	Local       net.IP // source underlay address (nil: chosen by route)
	Remote      net.IP // the one remote endpoint, or nil (then fdb entries say where)
	Dev         string // underlay device ("" when not pinned)
	MasterIndex int    // bridge it is a port of, 0 if none
	AdminUp     bool
	MTU         int
}

// TunnelFDB is one forwarding entry of a vxlan device: frames for MAC go
// to the endpoint Dst (00:00:00:00:00:00: every frame with no better
// entry, broadcasts included).
type TunnelFDB struct {
	MAC net.HardwareAddr
	Dst net.IP
	// Learned is an entry the device learned from a packet it received
	// (reachable or stale), not one configured with `bridge fdb add` or
	// `append` (static or permanent).
	Learned bool
}

// LinkStats are an interface's packet counters.
type LinkStats struct {
	RxPackets, TxPackets uint64
}

// VXLANs lists the vxlan devices of ns.
func (l *Linux) VXLANs(ctx context.Context, ns string) ([]VXLAN, error) {
	h, err := l.lib(ctx, ns)
	if err != nil {
		return nil, err
	}
	links, err := retry(h.LinkList)
	if err != nil {
		return nil, fmt.Errorf("list links in %s: %w", nsLabel(ns), err)
	}
	names := map[int]string{}
	for _, k := range links {
		names[k.Attrs().Index] = k.Attrs().Name
	}
	var out []VXLAN
	for _, k := range links {
		vx, ok := k.(*netlink.Vxlan)
		if !ok {
			continue
		}
		a := vx.Attrs()
		out = append(out, VXLAN{
			Name: a.Name, Index: a.Index, VNI: vx.VxlanId, Port: vx.Port,
			Local: nilIfUnspecified(vx.SrcAddr), Remote: nilIfUnspecified(vx.Group),
			Dev: names[vx.VtepDevIndex], MasterIndex: a.MasterIndex,
			AdminUp: a.Flags&net.FlagUp != 0, MTU: a.MTU,
		})
	}
	return out, nil
}

func nilIfUnspecified(ip net.IP) net.IP {
	if len(ip) == 0 || ip.IsUnspecified() {
		return nil
	}
	return ip
}

// VXLANFDB lists the forwarding entries of vxlan device dev in ns that
// name a remote endpoint (`bridge fdb ... dev vxlan42 dst IP`).
func (l *Linux) VXLANFDB(ctx context.Context, ns, dev string) ([]TunnelFDB, error) {
	h, err := l.lib(ctx, ns)
	if err != nil {
		return nil, err
	}
	link, err := h.LinkByName(dev)
	if err != nil {
		return nil, fmt.Errorf("%s in %s: %w", dev, nsLabel(ns), err)
	}
	raw, err := retry(func() ([]netlink.Neigh, error) { return h.NeighList(link.Attrs().Index, unix.AF_BRIDGE) })
	if err != nil {
		return nil, fmt.Errorf("fdb of %s in %s: %w", dev, nsLabel(ns), err)
	}
	var out []TunnelFDB
	for _, n := range raw {
		if n.LinkIndex != link.Attrs().Index || len(n.IP) == 0 {
			continue
		}
		out = append(out, TunnelFDB{MAC: n.HardwareAddr, Dst: n.IP, Learned: n.State&(unix.NUD_PERMANENT|unix.NUD_NOARP) == 0})
	}
	return out, nil
}

// LinkStats reads the packet counters of link name in ns.
func (l *Linux) LinkStats(ctx context.Context, ns, name string) (LinkStats, error) {
	h, err := l.lib(ctx, ns)
	if err != nil {
		return LinkStats{}, err
	}
	link, err := h.LinkByName(name)
	if err != nil {
		return LinkStats{}, fmt.Errorf("%s in %s: %w", name, nsLabel(ns), err)
	}
	st := link.Attrs().Statistics
	if st == nil {
		return LinkStats{}, fmt.Errorf("%s in %s: the kernel gave no statistics", name, nsLabel(ns))
	}
	return LinkStats{RxPackets: st.RxPackets, TxPackets: st.TxPackets}, nil
}
