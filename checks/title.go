package checks

// Titled is a check whose description (Describe, the check's title in a
// report) is also given as catalogue messages, so that the report can
// say it in the learner's language, as a why is said (Result.WhyMsg).
// Every kind of the registry is Titled (TestDescribeMsgs).
type Titled interface {
	// DescribeMsgs is Describe as messages of netlab's catalogue
	// (i18n/locales), said one after the other. Describe stays the
	// English source: messages whose English rendering is not exactly
	// Describe are stale, and the report keeps the English title.
	DescribeMsgs() []Msg
}

// DescribeMsgs is c's description as catalogue messages; nil when c's
// kind gives none (the title then stays English).
func DescribeMsgs(c Check) []Msg {
	if t, ok := c.(Titled); ok {
		return t.DescribeMsgs()
	}
	return nil
}

// whereV is where as a template value: a name alone for "*" (any
// namespace), else inNSV.
func whereV(link, ns string) any {
	if ns == "*" {
		return link
	}
	return inNSV(link, ns)
}

// routeTailMsgs are the " via X" and " dev Y" a route's description ends
// with.
func routeTailMsgs(via string, dev string) []Msg {
	var out []Msg
	if via != "" {
		out = append(out, Msg{ID: "title-route-via", Data: D{"Via": via}})
	}
	if dev != "" {
		out = append(out, Msg{ID: "title-route-dev", Data: D{"Dev": dev}})
	}
	return out
}
