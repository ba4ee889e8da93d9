package kernel

import (
	"context"
	"errors"
	"fmt"

	"golang.org/x/sys/unix"
)

// nsidByPeers answers NSID(from, other) without RTM_GETNSID, for a kernel
// or an emulator that refuses it (qemu-user translates only some route
// netlink messages and answers EOPNOTSUPP for the nsid ones, which is how
// netlab runs on an arm64 OpenWrt image emulated on a PC).
//
// A veth end in `from` names its peer by ifindex (IFLA_LINK) and by the
// id `from` gives the peer's namespace (IFLA_LINK_NETNSID). The peer
// names it back by ifindex. So if `other` holds a link at that ifindex
// whose own IFLA_LINK is the end in `from`, and whose peer namespace is
// not its own, the id the end carries is the id of `other`. When no veth
// links the two namespaces the answer is -1, as the kernel's would be for
// a namespace `from` has no id for.
func (l *Linux) nsidByPeers(ctx context.Context, from, other string) (int, error) {
	fl, err := l.Links(ctx, from)
	if err != nil {
		return -1, err
	}
	ol, err := l.Links(ctx, other)
	if err != nil {
		return -1, err
	}
	byIndex := make(map[int]Link, len(ol))
	for _, o := range ol {
		byIndex[o.Index] = o
	}
	id := -1
	for _, f := range fl {
		if f.PeerNetNSID < 0 || f.ParentIndex == 0 {
			continue
		}
		o, ok := byIndex[f.ParentIndex]
		if !ok || o.ParentIndex != f.Index || o.PeerNetNSID < 0 {
			continue
		}
		if id >= 0 && id != f.PeerNetNSID {
			return -1, fmt.Errorf("nsid of %s in %s: the veth peers point at two different ids (%d, %d)", nsLabel(other), nsLabel(from), id, f.PeerNetNSID)
		}
		id = f.PeerNetNSID
	}
	return id, nil
}

// nsidRefused reports whether err is the refusal nsidByPeers works around.
func nsidRefused(err error) bool {
	return errors.Is(err, unix.EOPNOTSUPP) || errors.Is(err, unix.ENOSYS)
}
