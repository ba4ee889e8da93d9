package kernel

import (
	"fmt"

	"golang.org/x/sys/unix"
)

// stpState names a value of IFLA_BRPORT_STATE (BR_STATE_* in
// linux/if_bridge.h). This table and the ones like it in this package are
// switches, not package-level maps, which every start of netlab would build.
func stpState(k uint8) (string, bool) {
	switch k {
	case 0:
		return "disabled", true
	case 1:
		return "listening", true
	case 2:
		return "learning", true
	case 3:
		return "forwarding", true
	case 4:
		return "blocking", true
	}
	return "", false
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
		s, ok := stpState(v[0])
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
	l.BridgePortState, l.BridgePortNoLearning, l.BridgePort = p.state, p.noLearning, p.flags
}
