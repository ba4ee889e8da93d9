// Package doctor answers "can this machine run the lessons, and what must
// I fix if not". It only reads the host's state; everything it tries for
// real (creating links, namespaces, rules, raw sockets) happens inside a
// throwaway sandbox.
package doctor

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"strings"

	"github.com/netlab/netlab/i18n"
	"github.com/netlab/netlab/kernel"
	"github.com/netlab/netlab/sandbox"
)

// Level of one line.
type Level string

const (
	OK   Level = "ok"
	Warn Level = "warn"
	Fail Level = "fail"
)

// Line is one finding.
type Line struct {
	Level  Level  `json:"level"`
	What   string `json:"what"`
	Detail string `json:"detail,omitempty"`
	Fix    string `json:"fix,omitempty"`
}

// Tries are the results of the real tries made in a sandbox: "" when it
// worked, else what went wrong. Keys: see TryNames.
type Tries map[string]string

// The tries, in the order they are reported.
const (
	TryNamedNS = "named namespaces"
	TryVeth    = "veth pairs"
	TryBridge  = "bridges"
	TryVLAN    = "VLAN interfaces"
	TryVXLAN   = "VXLAN interfaces"
	TryVLANBr  = "VLAN-filtering bridges"
	TryNFT     = "iptables filter and NAT rules"
	TryICMP    = "raw ICMP sockets"
)

// TryNames lists the tries.
var TryNames = []string{TryNamedNS, TryVeth, TryBridge, TryVLANBr, TryVLAN, TryVXLAN, TryNFT, TryICMP}

// tryMsgs are the messages of a try: what names it in a line (the keys
// of Tries stay English); fix says how to fix it when it fails; optional,
// set for the tries needed only by later lessons, says why a failure
// there is a warning, not a reason to stop. (A switch: package-level maps
// would be built at every start of netlab.)
func tryMsgs(name string) (what, fix, optional string) {
	switch name {
	case TryNamedNS:
		return "doctor-try-named-ns", "doctor-fix-named-ns", ""
	case TryVeth:
		return "doctor-try-veth", "doctor-fix-veth", ""
	case TryBridge:
		return "doctor-try-bridge", "doctor-fix-bridge", ""
	case TryVLAN:
		return "doctor-try-vlan", "doctor-fix-vlan", "doctor-optional-vlan"
	case TryVXLAN:
		return "doctor-try-vxlan", "doctor-fix-vxlan", "doctor-optional-vxlan"
	case TryVLANBr:
		return "doctor-try-vlanbr", "doctor-fix-vlanbr", "doctor-optional-vlan"
	case TryNFT:
		return "doctor-try-nft", "doctor-fix-nft", ""
	case TryICMP:
		return "doctor-try-icmp", "doctor-fix-icmp", ""
	}
	return "", "", ""
}

// Env is how doctor sees the machine; tests replace every part.
type Env struct {
	Euid func() int
	// Caps reports CAP_NET_ADMIN and CAP_SYS_ADMIN in the effective set.
	Caps     func() (netAdmin, sysAdmin bool)
	ReadFile func(path string) ([]byte, error)
	ReadDir  func(path string) ([]string, error)
	LookPath func(name string) (string, error)
	// Output runs a read-only command on the host (iptables -V,
	// iptables-legacy-save) and returns its output.
	Output func(ctx context.Context, name string, args ...string) ([]byte, error)
	// Ruleset reads the host's netfilter state (nil: not available).
	Ruleset func(ctx context.Context) (kernel.Ruleset, error)
	// Try makes the real tries inside a sandbox.
	Try func(ctx context.Context) (Tries, error)
}

// Run makes every check and returns the lines in order, in English.
func Run(ctx context.Context, e Env) []Line { return RunIn(ctx, e, i18n.EN) }

// RunIn is Run with the lines said in lang (levels, commands and names
// stay as they are).
func RunIn(ctx context.Context, e Env, lang i18n.Lang) []Line {
	loc := i18n.For(lang)
	t := loc.T
	var out []Line
	add := func(l Line) { out = append(out, l) }

	root := e.Euid() == 0
	netAdmin, sysAdmin := e.Caps()
	switch {
	case netAdmin && sysAdmin:
		d := t("doctor-root", nil)
		if !root {
			d = t("doctor-caps", nil)
		}
		add(Line{Level: OK, What: "root / CAP_NET_ADMIN", Detail: d})
	default:
		add(Line{Level: OK, What: "root / CAP_NET_ADMIN", Detail: t("doctor-not-root", nil)})
	}
	out = append(out, userNamespaces(e, root, loc)...)

	add(mountsVisible(e, loc))

	for _, tool := range []struct{ bin, pkg string }{{"ip", "iproute2"}, {"iptables", "iptables"}, {"nft", "nftables"}, {"ping", "iputils-ping"}} {
		if p, err := e.LookPath(tool.bin); err != nil {
			lvl := Fail
			if tool.bin == "ping" {
				lvl = Warn // netlab pings by itself; the learner's ping is for the lessons' text
			}
			add(Line{Level: lvl, What: loc.T("doctor-what-installed", i18n.Data{"Bin": tool.bin}), Detail: loc.T("doctor-not-in-path", nil), Fix: "apt-get install " + tool.pkg})
		} else {
			add(Line{Level: OK, What: loc.T("doctor-what-installed", i18n.Data{"Bin": tool.bin}), Detail: p})
		}
	}

	out = append(out, backend(ctx, e, loc)...)
	out = append(out, bridgeNetfilter(ctx, e, loc))

	tries, err := e.Try(ctx)
	if err != nil {
		add(Line{Level: Fail, What: t("doctor-what-sandbox", nil), Detail: t("doctor-sandbox-failed", i18n.Data{"Err": oneLine(err.Error())}), Fix: t("doctor-sandbox-fix", i18n.Data{"Line": t("doctor-what-userns", nil)})})
		return out
	}
	for _, name := range TryNames {
		msg, ok := tries[name]
		whatID, fixID, optional := tryMsgs(name)
		what := t(whatID, nil)
		var fix string
		if fixID != "" {
			fix = t(fixID, nil)
		}
		switch {
		case !ok:
			add(Line{Level: Warn, What: what, Detail: t("doctor-not-tried", nil)})
		case msg == "":
			add(Line{Level: OK, What: what, Detail: t("doctor-tried-works", nil)})
		case optional != "":
			add(Line{Level: Warn, What: what, Detail: t("doctor-tried-optional", i18n.Data{"Err": oneLine(msg), "Why": t(optional, nil)}), Fix: fix})
		default:
			add(Line{Level: Fail, What: what, Detail: t("doctor-tried-failed", i18n.Data{"Err": oneLine(msg)}), Fix: fix})
		}
	}
	return out
}

// userNamespaces reads every switch by which the kernel can refuse the
// sandbox's user namespace, with the exact fix for each; and whether
// nsenter (which check, hint and watch use to reach a running sandbox
// from another terminal) is installed.
func userNamespaces(e Env, root bool, loc *i18n.Localizer) []Line {
	what := loc.T("doctor-what-userns", nil)
	var out []Line
	for _, r := range sandbox.Refusals(e.ReadFile, false) {
		lvl := Fail
		detail, fix := r.In(loc.Lang())
		if root && r.Setting != "user.max_user_namespaces" {
			// Root may still make sandboxes; learners without sudo may not.
			lvl = Warn
			detail += loc.T("doctor-userns-sudo", nil)
		}
		out = append(out, Line{Level: lvl, What: loc.T("doctor-what-userns-setting", i18n.Data{"Setting": r.Setting}), Detail: detail, Fix: fix})
	}
	if len(out) == 0 {
		d := loc.T("doctor-userns-allowed", nil)
		if v, err := e.ReadFile("/proc/sys/kernel/apparmor_restrict_unprivileged_userns"); err == nil && strings.TrimSpace(string(v)) == "1" {
			d = loc.T("doctor-userns-apparmor-ok", i18n.Data{"Profile": sandbox.AppArmorProfile})
		}
		out = append(out, Line{Level: OK, What: what, Detail: d})
	}
	nsenter := loc.T("doctor-what-installed", i18n.Data{"Bin": "nsenter"})
	if p, err := e.LookPath("nsenter"); err != nil {
		out = append(out, Line{Level: Warn, What: nsenter, Detail: loc.T("doctor-nsenter-missing", nil), Fix: "apt-get install util-linux"})
	} else {
		out = append(out, Line{Level: OK, What: nsenter, Detail: p})
	}
	return out
}

// mountsVisible checks that /run/netns entries are namespace mounts seen
// from this mount namespace. When netlab runs in another mount namespace
// (a container, a snap, systemd's PrivateMounts), the learner's `ip netns
// add` makes mounts that netlab cannot see, and every namespace looks
// like a leftover file.
func mountsVisible(e Env, loc *i18n.Localizer) Line {
	what := loc.T("doctor-what-netns", nil)
	names, err := e.ReadDir(kernel.NetnsDir)
	if errors.Is(err, fs.ErrNotExist) {
		return Line{Level: OK, What: what, Detail: loc.T("doctor-netns-none", nil)}
	}
	if err != nil {
		return Line{Level: Warn, What: what, Detail: loc.T("doctor-netns-list-failed", i18n.Data{"Err": err.Error()})}
	}
	mi, err := e.ReadFile("/proc/self/mountinfo")
	if err != nil {
		return Line{Level: Warn, What: what, Detail: loc.T("doctor-mountinfo-failed", i18n.Data{"Err": err.Error()})}
	}
	mounted := nsfsMounts(string(mi))
	var invisible []string
	for _, n := range names {
		if !mounted[kernel.NetnsDir+"/"+n] {
			invisible = append(invisible, n)
		}
	}
	if len(invisible) > 0 {
		return Line{Level: Warn, What: what,
			Detail: loc.TN("doctor-netns-invisible", len(invisible), i18n.Data{"Names": strings.Join(invisible, loc.T("doctor-list-sep", nil))}),
			Fix:    loc.T("doctor-netns-invisible-fix", nil)}
	}
	return Line{Level: OK, What: what, Detail: loc.T("doctor-netns-visible", i18n.Data{"N": len(names)})}
}

// nsfsMounts returns the mount points of nsfs mounts in a mountinfo text.
func nsfsMounts(mountinfo string) map[string]bool {
	out := map[string]bool{}
	for _, line := range strings.Split(mountinfo, "\n") {
		// ID PARENT MAJ:MIN ROOT MOUNTPOINT OPTS [OPTIONAL...] - FSTYPE SOURCE SUPER
		pre, post, ok := strings.Cut(line, " - ")
		if !ok {
			continue
		}
		f, g := strings.Fields(pre), strings.Fields(post)
		if len(f) >= 5 && len(g) >= 1 && g[0] == "nsfs" {
			out[f[4]] = true
		}
	}
	return out
}

// backend says which iptables the learner's `iptables` is, and warns when
// both backends hold rules: packets then pass both rule sets, and rules
// added with one tool are invisible to the other.
func backend(ctx context.Context, e Env, loc *i18n.Localizer) []Line {
	what := loc.T("doctor-what-backend", nil)
	var out []Line
	if _, err := e.LookPath("iptables"); err != nil {
		return nil
	}
	v, err := e.Output(ctx, "iptables", "-V")
	switch {
	case err != nil:
		out = append(out, Line{Level: Warn, What: what, Detail: loc.T("doctor-backend-v-failed", i18n.Data{"Err": oneLine(err.Error())})})
	case strings.Contains(string(v), "nf_tables"):
		out = append(out, Line{Level: OK, What: what, Detail: loc.T("doctor-backend-nft", i18n.Data{"Version": oneLine(string(v))})})
	case strings.Contains(string(v), "legacy"):
		out = append(out, Line{Level: Warn, What: what, Detail: loc.T("doctor-backend-legacy", i18n.Data{"Version": oneLine(string(v))}),
			Fix: loc.T("doctor-backend-legacy-fix", nil)})
	default:
		out = append(out, Line{Level: Warn, What: what, Detail: loc.T("doctor-backend-unknown", i18n.Data{"Version": oneLine(string(v))})})
	}
	legacy := legacyRules(ctx, e)
	nftRules := 0
	if e.Ruleset != nil {
		if rs, err := e.Ruleset(ctx); err == nil {
			nftRules = len(rs.Rules)
		}
	}
	if legacy > 0 && nftRules > 0 {
		out = append(out, Line{Level: Warn, What: loc.T("doctor-what-both", nil),
			Detail: loc.T("doctor-both", i18n.Data{"Legacy": legacy, "NFT": nftRules}),
			Fix:    loc.T("doctor-both-fix", nil)})
	}
	return out
}

// legacyRules counts iptables-legacy rules without loading a module: the
// tables that exist are listed in /proc/net/ip_tables_names.
func legacyRules(ctx context.Context, e Env) int {
	names, err := e.ReadFile("/proc/net/ip_tables_names")
	if err != nil || strings.TrimSpace(string(names)) == "" {
		return 0
	}
	if _, err := e.LookPath("iptables-legacy-save"); err != nil {
		return 0
	}
	out, err := e.Output(ctx, "iptables-legacy-save")
	if err != nil {
		return 0
	}
	return len(kernel.ParseIptablesSave(out))
}

// bridgeNetfilter warns about the Docker trap: with br_netfilter loaded
// and bridge-nf-call-iptables=1, frames crossing a bridge go through the
// host's FORWARD chain; Docker sets its policy to DROP, so namespaces on
// br0 cannot reach each other though everything looks right.
func bridgeNetfilter(ctx context.Context, e Env, loc *i18n.Localizer) Line {
	what := loc.T("doctor-what-brnf", nil)
	v, err := e.ReadFile("/proc/sys/net/bridge/bridge-nf-call-iptables")
	if err != nil {
		return Line{Level: OK, What: what, Detail: loc.T("doctor-brnf-unloaded", nil)}
	}
	if strings.TrimSpace(string(v)) != "1" {
		return Line{Level: OK, What: what, Detail: loc.T("doctor-brnf-off", nil)}
	}
	drop := ""
	if e.Ruleset != nil {
		if rs, err := e.Ruleset(ctx); err == nil {
			for _, c := range rs.Chains {
				if c.Hook == "forward" && c.Policy == "drop" && (c.Family == "ip" || c.Family == "inet") {
					drop = fmt.Sprintf("%s %s %s", c.Family, c.Table, c.Name)
				}
			}
		}
	}
	if drop == "" && legacyForwardDrop(ctx, e) {
		drop = "iptables-legacy filter FORWARD"
	}
	if drop == "" {
		return Line{Level: OK, What: what, Detail: loc.T("doctor-brnf-no-drop", nil)}
	}
	return Line{Level: Warn, What: what,
		Detail: loc.T("doctor-brnf-drop", i18n.Data{"Chain": drop}),
		Fix:    loc.T("doctor-brnf-drop-fix", nil)}
}

func legacyForwardDrop(ctx context.Context, e Env) bool {
	names, err := e.ReadFile("/proc/net/ip_tables_names")
	if err != nil || !strings.Contains(string(names), "filter") {
		return false
	}
	out, err := e.Output(ctx, "iptables-legacy-save", "-t", "filter")
	return err == nil && strings.Contains(string(out), ":FORWARD DROP")
}

// Write prints the lines, one a line, with the fix under each problem.
func Write(w io.Writer, lines []Line) { WriteIn(w, lines, i18n.EN) }

// WriteIn is Write in lang (the lines come from RunIn in that language).
func WriteIn(w io.Writer, lines []Line, lang i18n.Lang) {
	fix := i18n.T(lang, "doctor-fix-label", nil)
	sep := i18n.T(lang, "doctor-sep", nil)
	for _, l := range lines {
		fmt.Fprintf(w, "%-5s %s", l.Level, l.What)
		if l.Detail != "" {
			fmt.Fprintf(w, "%s%s", sep, l.Detail)
		}
		fmt.Fprintln(w)
		if l.Fix != "" && l.Level != OK {
			fmt.Fprintf(w, "      %s %s\n", fix, l.Fix)
		}
	}
}

// Worst is the worst level among the lines.
func Worst(lines []Line) Level {
	w := OK
	for _, l := range lines {
		if l.Level == Fail {
			return Fail
		}
		if l.Level == Warn {
			w = Warn
		}
	}
	return w
}

func oneLine(s string) string { return strings.Join(strings.Fields(s), " ") }
