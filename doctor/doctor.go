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

// optional tries are needed only by later lessons: a failure there is a
// warning, not a reason to stop.
var optional = map[string]string{
	TryVLANBr: "no lesson of the course uses VLANs yet",
	TryVLAN:   "no lesson of the course uses VLANs yet",
	TryVXLAN:  "only the vxlan lesson needs it",
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

// Run makes every check and returns the lines in order.
func Run(ctx context.Context, e Env) []Line {
	var out []Line
	add := func(l Line) { out = append(out, l) }

	root := e.Euid() == 0
	netAdmin, sysAdmin := e.Caps()
	switch {
	case netAdmin && sysAdmin:
		d := "running as root: lessons run in a sandbox where root is the learner (or nobody), and --host works"
		if !root {
			d = "not root, but with the capabilities"
		}
		add(Line{Level: OK, What: "root / CAP_NET_ADMIN", Detail: d})
	default:
		add(Line{Level: OK, What: "root / CAP_NET_ADMIN", Detail: "not root: lessons, check, hint, solve, reset, watch and selftest run in a sandbox of your own (a user namespace); only --host needs sudo"})
	}
	out = append(out, userNamespaces(e, root)...)

	add(mountsVisible(e))

	for _, t := range []struct{ bin, pkg string }{{"ip", "iproute2"}, {"iptables", "iptables"}, {"nft", "nftables"}, {"ping", "iputils-ping"}} {
		if p, err := e.LookPath(t.bin); err != nil {
			lvl := Fail
			if t.bin == "ping" {
				lvl = Warn // netlab pings by itself; the learner's ping is for the lessons' text
			}
			add(Line{Level: lvl, What: t.bin + " installed", Detail: "not found in PATH", Fix: "apt-get install " + t.pkg})
		} else {
			add(Line{Level: OK, What: t.bin + " installed", Detail: p})
		}
	}

	out = append(out, backend(ctx, e)...)
	out = append(out, bridgeNetfilter(ctx, e))

	tries, err := e.Try(ctx)
	if err != nil {
		add(Line{Level: Fail, What: "sandbox", Detail: "netlab could not start a sandbox to try the kernel's features: " + oneLine(err.Error()), Fix: "fix what the line \"user namespaces\" says; run netlab on a Linux host or VM (not in an unprivileged container)"})
		return out
	}
	for _, name := range TryNames {
		msg, ok := tries[name]
		switch {
		case !ok:
			add(Line{Level: Warn, What: name, Detail: "not tried"})
		case msg == "":
			add(Line{Level: OK, What: name, Detail: "tried in a sandbox: works"})
		case optional[name] != "":
			add(Line{Level: Warn, What: name, Detail: "tried in a sandbox: " + oneLine(msg) + " (" + optional[name] + ")", Fix: tryFix[name]})
		default:
			add(Line{Level: Fail, What: name, Detail: "tried in a sandbox: " + oneLine(msg), Fix: tryFix[name]})
		}
	}
	return out
}

var tryFix = map[string]string{
	TryNamedNS: "the kernel needs CONFIG_NET_NS; in a container, run netlab on the host or a VM instead",
	TryVeth:    "load the veth module: modprobe veth",
	TryBridge:  "load the bridge module: modprobe bridge",
	TryVLAN:    "load the 8021q module: modprobe 8021q",
	TryVXLAN:   "load the vxlan module: modprobe vxlan",
	TryVLANBr:  "a kernel with CONFIG_BRIDGE_VLAN_FILTERING is needed",
	TryNFT:     "load nf_tables and the NAT modules (modprobe nf_tables nft_chain_nat), or install iptables",
	TryICMP:    "netlab's pings need raw ICMP sockets in its sandbox (CAP_NET_RAW there); a security module that refuses them must allow netlab",
}

// userNamespaces reads every switch by which the kernel can refuse the
// sandbox's user namespace, with the exact fix for each; and whether
// nsenter (which check, hint and watch use to reach a running sandbox
// from another terminal) is installed.
func userNamespaces(e Env, root bool) []Line {
	const what = "user namespaces"
	var out []Line
	for _, r := range sandbox.Refusals(e.ReadFile, false) {
		lvl := Fail
		detail := r.Why
		if root && r.Setting != "user.max_user_namespaces" {
			// Root may still make sandboxes; learners without sudo may not.
			lvl = Warn
			detail += " (with sudo lessons work; without it they are refused)"
		}
		out = append(out, Line{Level: lvl, What: what + " (" + r.Setting + ")", Detail: detail, Fix: r.Fix})
	}
	if len(out) == 0 {
		d := "allowed: no kernel setting refuses them"
		if v, err := e.ReadFile("/proc/sys/kernel/apparmor_restrict_unprivileged_userns"); err == nil && strings.TrimSpace(string(v)) == "1" {
			d = "AppArmor restricts unprivileged user namespaces; netlab's profile (" + sandbox.AppArmorProfile + ") is installed"
		}
		out = append(out, Line{Level: OK, What: what, Detail: d})
	}
	if p, err := e.LookPath("nsenter"); err != nil {
		out = append(out, Line{Level: Warn, What: "nsenter installed", Detail: "not found: check, hint and watch from a second terminal cannot reach a running lesson sandbox", Fix: "apt-get install util-linux"})
	} else {
		out = append(out, Line{Level: OK, What: "nsenter installed", Detail: p})
	}
	return out
}

// mountsVisible checks that /run/netns entries are namespace mounts seen
// from this mount namespace. When netlab runs in another mount namespace
// (a container, a snap, systemd's PrivateMounts), the learner's `ip netns
// add` makes mounts that netlab cannot see, and every namespace looks
// like a leftover file.
func mountsVisible(e Env) Line {
	const what = "named namespaces (/run/netns)"
	names, err := e.ReadDir(kernel.NetnsDir)
	if errors.Is(err, fs.ErrNotExist) {
		return Line{Level: OK, What: what, Detail: "no named namespace yet (ip netns add creates /run/netns)"}
	}
	if err != nil {
		return Line{Level: Warn, What: what, Detail: "cannot list /run/netns: " + err.Error()}
	}
	mi, err := e.ReadFile("/proc/self/mountinfo")
	if err != nil {
		return Line{Level: Warn, What: what, Detail: "cannot read /proc/self/mountinfo: " + err.Error()}
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
			Detail: fmt.Sprintf("%s in /run/netns %s no namespace mount seen from here: a leftover file, or a mount made in another mount namespace (netlab in a container or snap sees the learner's namespaces as missing)", strings.Join(invisible, ", "), isAre(len(invisible))),
			Fix:    "remove leftovers with `ip netns delete NAME`; run netlab in the host's mount namespace (not in a container)"}
	}
	return Line{Level: OK, What: what, Detail: fmt.Sprintf("%d named namespace(s), all visible as mounts from here", len(names))}
}

func isAre(n int) string {
	if n == 1 {
		return "is"
	}
	return "are"
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
func backend(ctx context.Context, e Env) []Line {
	const what = "iptables backend"
	var out []Line
	if _, err := e.LookPath("iptables"); err != nil {
		return nil
	}
	v, err := e.Output(ctx, "iptables", "-V")
	switch {
	case err != nil:
		out = append(out, Line{Level: Warn, What: what, Detail: "iptables -V failed: " + oneLine(err.Error())})
	case strings.Contains(string(v), "nf_tables"):
		out = append(out, Line{Level: OK, What: what, Detail: "nf_tables (" + oneLine(string(v)) + "): nft sees the rules iptables makes"})
	case strings.Contains(string(v), "legacy"):
		out = append(out, Line{Level: Warn, What: what, Detail: "legacy (" + oneLine(string(v)) + "): netlab reads these rules with iptables-legacy-save; nft does not see them",
			Fix: "prefer the nf_tables backend: update-alternatives --set iptables /usr/sbin/iptables-nft"})
	default:
		out = append(out, Line{Level: Warn, What: what, Detail: "unknown: " + oneLine(string(v))})
	}
	legacy := legacyRules(ctx, e)
	nftRules := 0
	if e.Ruleset != nil {
		if rs, err := e.Ruleset(ctx); err == nil {
			nftRules = len(rs.Rules)
		}
	}
	if legacy > 0 && nftRules > 0 {
		out = append(out, Line{Level: Warn, What: "iptables rules in both backends",
			Detail: fmt.Sprintf("%d legacy rule(s) and %d nf_tables rule(s) on this host: packets pass both sets, and each tool shows only its own", legacy, nftRules),
			Fix:    "keep to one backend: list the legacy rules with `iptables-legacy-save`, move what you need, then flush them"})
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
func bridgeNetfilter(ctx context.Context, e Env) Line {
	const what = "br_netfilter and FORWARD policy"
	v, err := e.ReadFile("/proc/sys/net/bridge/bridge-nf-call-iptables")
	if err != nil {
		return Line{Level: OK, What: what, Detail: "br_netfilter is not loaded: bridged frames skip iptables"}
	}
	if strings.TrimSpace(string(v)) != "1" {
		return Line{Level: OK, What: what, Detail: "br_netfilter is loaded, but bridge-nf-call-iptables=0"}
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
		return Line{Level: OK, What: what, Detail: "bridge-nf-call-iptables=1, but no FORWARD chain drops by default"}
	}
	return Line{Level: Warn, What: what,
		Detail: fmt.Sprintf("bridge-nf-call-iptables=1 and the FORWARD policy of %s is DROP (Docker does this): pings between namespaces on a bridge in the host's namespace (lessons 3-4) are silently dropped", drop),
		Fix:    "iptables -I FORWARD -i br0 -o br0 -j ACCEPT (or sysctl -w net.bridge.bridge-nf-call-iptables=0 where Docker does not need it)"}
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
func Write(w io.Writer, lines []Line) {
	for _, l := range lines {
		fmt.Fprintf(w, "%-5s %s", l.Level, l.What)
		if l.Detail != "" {
			fmt.Fprintf(w, ": %s", l.Detail)
		}
		fmt.Fprintln(w)
		if l.Fix != "" && l.Level != OK {
			fmt.Fprintf(w, "      fix: %s\n", l.Fix)
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
