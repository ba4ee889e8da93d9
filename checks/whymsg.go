package checks

import "github.com/netlab/netlab/kernel"

// Template values of the whys' catalogue messages (Result.Say): a value
// that is a Msg is said in the report's language before it is put in
// its place, and a List is its items said and joined; anything else is
// printed as it is (names, addresses, numbers, commands).

// D is a message's template data.
type D = map[string]any

// List is a template value said as its items (strings or Msgs) joined
// by the language's list separator.
type List []any

// nsV is nsName as a template value: the root namespace is words.
func nsV(ns string) any {
	if ns == kernel.Root {
		return Msg{ID: "why-root-ns"}
	}
	return ns
}

// inNSV is inNS as a template value.
func inNSV(link, ns string) any {
	if ns == kernel.Root {
		return Msg{ID: "why-link-root", Data: D{"Link": link}}
	}
	return Msg{ID: "why-link-in-ns", Data: D{"Link": link, "NS": ns}}
}

// nsNamesV is a list of namespace names as nsName says them (whereIs).
func nsNamesV(names []string) List {
	out := make(List, len(names))
	for i, n := range names {
		if n == nsName(kernel.Root) {
			out[i] = nsV(kernel.Root)
		} else {
			out[i] = n
		}
	}
	return out
}

// placesV is a list of places as place.String says them.
func placesV(ps []place) List {
	out := make(List, len(ps))
	for i, p := range ps {
		out[i] = inNSV(p.link, p.ns)
	}
	return out
}

// refuseV is the " (ping says ...)" a path walk adds at its origin.
func refuseV(refuse string) any {
	if refuse == "" {
		return ""
	}
	return Msg{ID: "why-ping-refuses"}
}

// noReplyData is the data of the ping check's "sent N echo requests
// and got no reply" (why-ping-no-reply).
func noReplyData(from string, sent int, to any, wait any) D {
	return D{"From": nsV(from), "Sent": sent, "To": to, "Wait": wait}
}

// fdbWhy is the why of an fdb check: "BR has not learned LINK's MAC M",
// then the reason (a message that starts with ": ").
func fdbWhy(bridge, link, ns string, mac any, reason string, data D) []Msg {
	return []Msg{{ID: "why-fdb-none", Data: D{"Bridge": bridge, "Link": inNSV(link, ns), "MAC": mac}}, {ID: reason, Data: data}}
}
