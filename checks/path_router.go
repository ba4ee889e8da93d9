package checks

import (
	"context"
	"fmt"
	"net"
)

// The route back through a router (lesson 5). A probe that crossed a
// router between two private networks needs no NAT: the answering host
// only needs a route back, normally its default route via the router.

// routedPrivately reports whether both ends of the probe are private
// addresses: then a missing route back is the fault, not a missing
// masquerade (which is for leaving towards a public network).
func routedPrivately(p pathInfo) bool {
	return p.src != nil && p.dst != nil && p.src.IsPrivate() && p.dst.IsPrivate()
}

// noReturnRoute explains answers that have no route back to the probe's
// source, and proposes the router next to the answering host as its
// gateway when there is one.
func noReturnRoute(ctx context.Context, v *labView, p pathInfo) *Result {
	fix := ipCmd(p.holder.ns, "route add "+p.src.String()+" dev "+p.holder.link)
	why := fmt.Sprintf("%s has no route back to %s, so its answers cannot return", nsName(p.holder.ns), p.src)
	msgs := []Msg{{ID: "why-no-route-back", Data: D{"NS": nsV(p.holder.ns), "Src": p.src}}}
	if gw := gatewayFor(ctx, v, p); gw != nil {
		fix = ipCmd(p.holder.ns, "route add default via "+gw.String())
		why += fmt.Sprintf(" (the requests came through %s, which is %s on %s's network: it is the gateway %s lacks)",
			nsName(p.routers[len(p.routers)-1]), gw, nsName(p.holder.ns), nsName(p.holder.ns))
		msgs = append(msgs, Msg{ID: "why-no-route-back-gw", Data: D{"Router": nsV(p.routers[len(p.routers)-1]), "Gw": gw, "NS": nsV(p.holder.ns)}})
	}
	r := Failf("%s", why).WithFix(fix).WithMistake("no-return-route")
	r.WhyMsg = msgs
	return fail(r)
}

// gatewayFor finds the address of the last router on the path on the
// answering host's own subnet.
func gatewayFor(ctx context.Context, v *labView, p pathInfo) net.IP {
	if len(p.routers) == 0 || !p.found {
		return nil
	}
	r := p.routers[len(p.routers)-1]
	var mine []*net.IPNet
	for _, a := range v.Addrs(ctx, p.holder.ns) {
		if a.Link == p.holder.link && a.IPNet.IP.To4() != nil {
			mine = append(mine, a.IPNet)
		}
	}
	for _, a := range v.Addrs(ctx, r) {
		if a.Link != p.outDev[r] || a.IPNet.IP.To4() == nil {
			continue
		}
		for _, n := range mine {
			if n.Contains(a.IPNet.IP) {
				return a.IPNet.IP
			}
		}
	}
	return nil
}
