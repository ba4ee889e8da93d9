package checks_test

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"net"
	"net/netip"
	"slices"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"golang.org/x/sys/unix"

	"github.com/netlab/netlab/checks"
	"github.com/netlab/netlab/i18n"
	"github.com/netlab/netlab/kernel"
	"github.com/netlab/netlab/kernel/kerneltest"
	"github.com/netlab/netlab/lessons"
	"github.com/netlab/netlab/runner"
)

// TestEveryWhyIsChinese breaks the fixtures of the kinds' fake-kernel
// cases in every way sweepMutations knows (one change at a time: a link
// down, an address gone, a namespace a leftover file, a kernel read that
// fails, a probe that gets no answer, ...) and runs every check of every
// lesson and of every kind case on each: every failing or erroring
// result's why is said, in Chinese, from its catalogue messages. A new
// why without messages (or whose messages no longer say it) fails here.
func TestEveryWhyIsChinese(t *testing.T) {
	if testing.Short() {
		t.Skip("sweeps thousands of broken states")
	}
	type named struct {
		name string
		c    checks.Check
	}
	var cs []named
	reg := checks.Default()
	for _, name := range reg.Names() {
		k, _ := reg.Get(name)
		for _, tc := range k.Cases() {
			c, err := k.Build(tc.Params)
			require.NoError(t, err)
			cs = append(cs, named{name + "/" + tc.Name, c})
		}
	}
	ls, err := lessons.LoadEmbedded()
	require.NoError(t, err)
	for _, l := range ls {
		for _, s := range l.Steps {
			for _, c := range s.Checks {
				cs = append(cs, named{fmt.Sprintf("lesson %d %s:%d", l.ID, c.Kind, c.Line), c.Check})
			}
		}
	}
	all := kerneltest.Fixtures()
	all["router-lab"] = routerLab
	fixtures := slices.Sorted(maps.Keys(all))
	// Checks of the router lab, which no kind case or lesson check (with
	// their own fixtures) walks through a router.
	for _, y := range []string{
		"kind: ping\nfrom: h1\nto: 10.0.20.2", "kind: ping\nfrom: h2\nto: 10.0.10.2",
		"kind: ping\nfrom: h1\nto: 10.0.20.2\nlocal: true", "kind: tcp\nfrom: h1\nto: 10.0.20.2:80\nserver_ns: h2",
	} {
		cs = append(cs, named{y, build(t, y)})
	}

	unsaid := map[string]string{} // why -> where it came from
	whys := map[string]bool{}
	ctx := context.Background()
	var (
		mu sync.Mutex
		wg sync.WaitGroup
		nm atomic.Int64
	)
	// One goroutine a fixture: each run has its own fake.
	for _, fx := range fixtures {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for _, m := range sweepMutations(all[fx]()) {
				nm.Add(1)
				for _, c := range cs {
					k := m.apply(all[fx]())
					r := c.c.Run(ctx, checks.Env{K: k, ProbeTimeout: 20 * time.Millisecond})
					if r.Status == checks.Pass {
						continue
					}
					mu.Lock()
					seen := whys[r.Why]
					whys[r.Why] = true
					mu.Unlock()
					if seen {
						continue
					}
					if err := chineseWhy(r.Why, r.WhyMsg); err != nil {
						mu.Lock()
						unsaid[r.Why] = fmt.Sprintf("%s on %s, %s: %v", c.name, fx, m.name, err)
						mu.Unlock()
					}
				}
			}
		}()
	}
	wg.Wait()
	t.Logf("%d distinct whys, %d mutations of %d fixtures, %d checks", len(whys), nm.Load(), len(fixtures), len(cs))
	require.Greater(t, len(whys), 150, "the sweep found too few distinct whys: is it still breaking anything?")
	var lines []string
	for why, where := range unsaid {
		lines = append(lines, fmt.Sprintf("why: %q\n    (%s)", why, where))
	}
	sort.Strings(lines)
	require.Empty(t, lines, "%d of %d whys are not said in Chinese:\n%s", len(lines), len(whys), strings.Join(lines, "\n"))
}

// chineseWhy: msgs say en exactly in English, and in Chinese something
// with Chinese in it that quotes the same commands.
func chineseWhy(en string, msgs []checks.Msg) error {
	if len(msgs) == 0 {
		return errors.New("no catalogue messages")
	}
	got, ok := runner.SayWhy(i18n.EN, en, msgs)
	if !ok || got != en {
		src := ""
		for _, m := range msgs {
			src += m.ID + " "
		}
		return fmt.Errorf("the messages (%s) do not say the English why", src)
	}
	zh, ok := runner.SayWhy(i18n.ZH, en, msgs)
	if !ok {
		return errors.New("no Chinese")
	}
	if !strings.ContainsFunc(zh, func(r rune) bool { return r >= 0x4e00 && r <= 0x9fff }) {
		return fmt.Errorf("not Chinese: %q", zh)
	}
	if !slices.Equal(i18n.Code(en), i18n.Code(zh)) {
		return fmt.Errorf("the commands quoted differ: %q", zh)
	}
	return nil
}

// TestLesson2AddressRemovedIsChinese is the example: lesson 2
// with veth1's address removed, `netlab check 2` in Chinese.
func TestLesson2AddressRemovedIsChinese(t *testing.T) {
	f := kerneltest.VethPair()
	ns1 := f.NSs["ns1"]
	ns1.Addrs = slices.DeleteFunc(ns1.Addrs, func(a kernel.Addr) bool { return a.Link == "veth1" })
	c := build(t, "kind: ping\nfrom: ns0\nto: 10.0.0.2")
	r := c.Run(context.Background(), checks.Env{K: f, ProbeTimeout: 20 * time.Millisecond})
	require.Equal(t, checks.Fail, r.Status)
	require.Equal(t, "no namespace of the lab has the address 10.0.0.2: veth0 in ns0 leads to veth1 in ns1, which has no IPv4 address", r.Why)
	zh, ok := runner.SayWhy(i18n.ZH, r.Why, r.WhyMsg)
	require.True(t, ok)
	require.Equal(t, "实验里没有哪个命名空间有地址 10.0.0.2：ns0 里的 veth0 连到 ns1 里的 veth1，而那一端没有 IPv4 地址", zh)
}

// TestKernelErrorsAreChinese: what FromErr makes of the kernel's errors.
func TestKernelErrorsAreChinese(t *testing.T) {
	for _, tc := range []struct {
		err    error
		ns, zh string
	}{
		{kernel.MissingTool("nft"), "ns0", "nft：没有安装这个工具：请用 `apt-get install nftables` 安装"},
		{fmt.Errorf("%w: boom", context.DeadlineExceeded), "ns0", "读取 ns0 中的内核状态超时"},
		{errors.New("netlink: boom"), kernel.Root, "无法读取实验的根命名空间中的内核状态：netlink: boom"},
		{kernel.MissingTool("frobnicate"), "ns0", "frobnicate：没有安装这个工具"},
	} {
		r := checks.FromErr(tc.err, tc.ns)
		require.Equal(t, checks.Error, r.Status)
		zh, ok := runner.SayWhy(i18n.ZH, r.Why, r.WhyMsg)
		require.True(t, ok, r.Why)
		require.Equal(t, tc.zh, zh)
	}
	// A tool error in another shape stays English rather than be said wrong.
	r := checks.FromErr(fmt.Errorf("run nft in ns0: %w", kernel.ErrToolMissing), "ns0")
	_, ok := runner.SayWhy(i18n.ZH, r.Why, r.WhyMsg)
	require.False(t, ok, r.Why)
}

// mutation is one way to break a fixture: apply changes the fresh fake
// and returns the kernel the check runs against.
type mutation struct {
	name  string
	apply func(f *kerneltest.Fake) kernel.Kernel
}

// sweepMutations lists, from one instance of a fixture, the single
// changes the sweep makes to fresh instances of it.
func sweepMutations(tmpl *kerneltest.Fake) []mutation {
	ms := []mutation{{"right state", func(f *kerneltest.Fake) kernel.Kernel { return f }}}
	add := func(name string, fn func(f *kerneltest.Fake)) {
		ms = append(ms, mutation{name, func(f *kerneltest.Fake) kernel.Kernel { fn(f); return f }})
	}
	names := make([]string, 0, len(tmpl.NSs))
	for n := range tmpl.NSs {
		names = append(names, n)
	}
	sort.Strings(names)
	labelOf := func(n string) string {
		if n == kernel.Root {
			return "root"
		}
		return n
	}
	for _, n := range names {
		ns := tmpl.NSs[n]
		label := labelOf(n)
		if n != kernel.Root {
			add("no "+n, func(f *kerneltest.Fake) { delete(f.NSs, n) })
			add(n+" stale", func(f *kerneltest.Fake) { f.NSs[n].Stale = true })
			add(n+" foreign", func(f *kerneltest.Fake) { f.NSs[n].Foreign = true })
		}
		for i, l := range ns.Links {
			lk := func(f *kerneltest.Fake) *kernel.Link { return &f.NSs[n].Links[i] }
			p := label + "/" + l.Name + " "
			add(p+"down", func(f *kerneltest.Fake) { lk(f).AdminUp = false })
			add(p+"no carrier", func(f *kerneltest.Fake) { lk(f).LowerUp, lk(f).OperState = false, "lowerlayerdown" })
			add(p+"arp off", func(f *kerneltest.Fake) { lk(f).NoARP = true })
			add(p+"a dummy", func(f *kerneltest.Fake) { lk(f).Type = "dummy" })
			add(p+"mtu 9000", func(f *kerneltest.Fake) { lk(f).MTU = 9000 })
			add(p+"mtu 1400", func(f *kerneltest.Fake) { lk(f).MTU = 1400 })
			add(p+"gone", func(f *kerneltest.Fake) { f.NSs[n].Links = slices.Delete(slices.Clone(f.NSs[n].Links), i, i+1) })
			add(p+"peer in no namespace", func(f *kerneltest.Fake) { lk(f).PeerNetNSID = 77 })
			add(p+"peer elsewhere", func(f *kerneltest.Fake) { lk(f).ParentIndex = 99 })
			for _, other := range names {
				if other != n {
					add(p+"moved to "+labelOf(other), func(f *kerneltest.Fake) {
						l := *lk(f)
						f.NSs[n].Links = slices.Delete(slices.Clone(f.NSs[n].Links), i, i+1)
						f.NSs[other].Links = append(f.NSs[other].Links, l)
					})
				}
			}
			if l.MasterIndex != 0 {
				add(p+"no master", func(f *kerneltest.Fake) { lk(f).MasterIndex = 0 })
				add(p+"other master", func(f *kerneltest.Fake) {
					lk(f).MasterIndex = 98
					f.NSs[n].Links = append(f.NSs[n].Links, kernel.Link{Name: "br9", Index: 98, Type: "bridge", AdminUp: true, OperState: "up", PeerNetNSID: -1})
				})
				add(p+"locked", func(f *kerneltest.Fake) { lk(f).BridgePort.Locked = true })
				add(p+"isolated", func(f *kerneltest.Fake) { lk(f).BridgePort.Isolated = true })
				add(p+"no flood, no learning", func(f *kerneltest.Fake) { lk(f).BridgePort.NoFlood, lk(f).BridgePortNoLearning = true, true })
				add(p+"no bcast flood", func(f *kerneltest.Fake) { lk(f).BridgePort.NoBcastFlood = true })
				add(p+"blocking", func(f *kerneltest.Fake) { lk(f).BridgePortState = "blocking" })
				add(p+"listening", func(f *kerneltest.Fake) { lk(f).BridgePortState = "listening" })
			}
			if l.Type == "bridge" {
				add(p+"ageing 0", func(f *kerneltest.Fake) { lk(f).BridgeAgeingZero = true })
				add(p+"stp", func(f *kerneltest.Fake) {
					lk(f).BridgeSTP = true
					for j := range f.NSs[n].Links {
						if f.NSs[n].Links[j].MasterIndex == l.Index {
							f.NSs[n].Links[j].BridgePortState = "listening"
						}
					}
				})
				add(p+"nf_call_iptables", func(f *kerneltest.Fake) { lk(f).BridgeNFCallIPTables = true })
			}
		}
		for i, a := range ns.Addrs {
			ak := func(f *kerneltest.Fake) *kernel.Addr { return &f.NSs[n].Addrs[i] }
			p := label + "/" + a.IPNet.String() + " "
			add(p+"gone", func(f *kerneltest.Fake) { f.NSs[n].Addrs = slices.Delete(slices.Clone(f.NSs[n].Addrs), i, i+1) })
			for _, ones := range []int{32, 25, 16} {
				add(fmt.Sprintf("%s/%d", p, ones), func(f *kerneltest.Fake) {
					ip := ak(f).IPNet.IP
					ak(f).IPNet = &net.IPNet{IP: ip, Mask: net.CIDRMask(ones, 8*len(ip))}
				})
			}
			add(p+"on lo", func(f *kerneltest.Fake) { ak(f).Link = "lo" })
			for _, other := range names {
				if other != n {
					add(p+"moved to "+labelOf(other), func(f *kerneltest.Fake) {
						a := *ak(f)
						f.NSs[n].Addrs = slices.Delete(slices.Clone(f.NSs[n].Addrs), i, i+1)
						f.NSs[other].Addrs = append(f.NSs[other].Addrs, a)
					})
					add(p+"also in "+labelOf(other), func(f *kerneltest.Fake) { f.NSs[other].Addrs = append(f.NSs[other].Addrs, *ak(f)) })
				}
			}
		}
		add(label+" no routes", func(f *kerneltest.Fake) { f.NSs[n].Routes = nil })
		for i, r := range ns.Routes {
			add(fmt.Sprintf("%s route %d gone", label, i), func(f *kerneltest.Fake) {
				f.NSs[n].Routes = slices.Delete(slices.Clone(f.NSs[n].Routes), i, i+1)
			})
			for _, typ := range []string{"blackhole", "unreachable"} {
				add(fmt.Sprintf("%s route %d %s", label, i, typ), func(f *kerneltest.Fake) { f.NSs[n].Routes[i].Type = typ })
			}
			add(fmt.Sprintf("%s route %d via 10.0.0.99", label, i), func(f *kerneltest.Fake) { f.NSs[n].Routes[i].Gw = net.ParseIP("10.0.0.99") })
			strict := func(f *kerneltest.Fake) { f.NSs[n].Sysctls["net.ipv4.conf.all.rp_filter"] = "1" }
			add(fmt.Sprintf("%s rp_filter strict, route %d gone", label, i), func(f *kerneltest.Fake) {
				strict(f)
				f.NSs[n].Routes = slices.Delete(slices.Clone(f.NSs[n].Routes), i, i+1)
			})
			for _, l := range ns.Links {
				if l.Name != r.Dev && l.Name != "lo" {
					add(fmt.Sprintf("%s rp_filter strict, route %d by %s", label, i, l.Name), func(f *kerneltest.Fake) {
						strict(f)
						f.NSs[n].Routes[i].Dev = l.Name
					})
				}
			}
			if r.Dev != "" {
				add(fmt.Sprintf("%s default via nobody", label), func(f *kerneltest.Fake) {
					f.NSs[n].Routes = append(f.NSs[n].Routes, kernel.Route{Gw: net.ParseIP("192.0.2.99"), Dev: r.Dev, Type: "unicast", Table: 254})
				})
			}
		}
		add(label+" unroutable", func(f *kerneltest.Fake) {
			f.NSs[n].RouteGetF = func(dst net.IP) (kernel.Route, error) { return kernel.Route{}, unix.ENETUNREACH }
		})
		for _, kv := range [][2]string{
			{"net.ipv4.ip_forward", "0"}, {"net.ipv4.ip_forward", "1"}, {"net.ipv4.conf.all.rp_filter", "1"},
			{"net.ipv4.conf.all.forwarding", "0"}, {"net.bridge.bridge-nf-call-iptables", "1"},
			{"net.ipv6.conf.all.disable_ipv6", "1"}, {"net.ipv6.conf.all.forwarding", "0"},
		} {
			add(fmt.Sprintf("%s %s=%s", label, kv[0], kv[1]), func(f *kerneltest.Fake) { f.NSs[n].Sysctls[kv[0]] = kv[1] })
		}
		for _, l := range ns.Links {
			add(fmt.Sprintf("%s %s forwarding 0", label, l.Name), func(f *kerneltest.Fake) {
				f.NSs[n].Sysctls["net.ipv4.ip_forward"] = "1"
				f.NSs[n].Sysctls["net.ipv4.conf."+l.Name+".forwarding"] = "0"
			})
			add(fmt.Sprintf("%s %s disable_ipv6", label, l.Name), func(f *kerneltest.Fake) {
				f.NSs[n].Sysctls["net.ipv6.conf."+l.Name+".disable_ipv6"] = "1"
			})
		}
		for _, hook := range []string{"input", "output", "forward"} {
			add(label+" "+hook+" policy drop", func(f *kerneltest.Fake) {
				rs := &f.NSs[n].Ruleset
				rs.Chains = append(slices.Clone(rs.Chains), kernel.NFChain{Family: "ip", Table: "filter", Name: strings.ToUpper(hook), Hook: hook, Policy: "drop"})
			})
		}
		add(label+" no rules", func(f *kerneltest.Fake) { f.NSs[n].Ruleset = kernel.Ruleset{} })
		add(label+" a stray drop rule", func(f *kerneltest.Fake) {
			rs := &f.NSs[n].Ruleset
			rs.Chains = append(slices.Clone(rs.Chains), kernel.NFChain{Family: "ip", Table: "filter", Name: "FORWARD", Hook: "forward", Policy: "accept"})
			rs.Rules = append(slices.Clone(rs.Rules), kernel.NFRule{Family: "ip", Table: "filter", Chain: "FORWARD", Text: "ip protocol icmp drop", Verdict: "drop"})
		})
		add(label+" neighbours failed", func(f *kerneltest.Fake) {
			for _, o := range names {
				for _, a := range f.NSs[o].Addrs {
					for _, l := range f.NSs[n].Links {
						f.NSs[n].Neigh = append(f.NSs[n].Neigh, kernel.Neigh{Dev: l.Name, IP: a.IPNet.IP, State: "failed"})
						f.NSs[n].Neigh6 = append(f.NSs[n].Neigh6, kernel.Neigh{Dev: l.Name, IP: a.IPNet.IP, State: "failed"})
					}
				}
			}
		})
		for br := range ns.FDB {
			add(label+" "+br+" fdb empty", func(f *kerneltest.Fake) { f.NSs[n].FDB[br] = nil })
			add(label+" "+br+" fdb on another port", func(f *kerneltest.Fake) {
				es := slices.Clone(f.NSs[n].FDB[br])
				for j := range es {
					es[j].PortIndex = 1
				}
				f.NSs[n].FDB[br] = es
			})
		}
		for i, a := range ns.Addrs6 {
			p := label + "/" + a.Prefix.String() + " "
			a6 := func(f *kerneltest.Fake) *kernel.Addr6 { return &f.NSs[n].Addrs6[i] }
			add(p+"gone", func(f *kerneltest.Fake) { f.NSs[n].Addrs6 = slices.Delete(slices.Clone(f.NSs[n].Addrs6), i, i+1) })
			add(p+"tentative", func(f *kerneltest.Fake) { a6(f).Tentative = true })
			add(p+"dadfailed", func(f *kerneltest.Fake) { a6(f).DADFailed = true })
			add(p+"/80", func(f *kerneltest.Fake) { a6(f).Prefix = netip.PrefixFrom(a6(f).Prefix.Addr(), 80) })
		}
		add(label+" no IPv6 addresses", func(f *kerneltest.Fake) { f.NSs[n].Addrs6 = nil })
		add(label+" no IPv6 routes", func(f *kerneltest.Fake) {
			f.NSs[n].Routes6 = nil
			f.NSs[n].RouteGet6F = nil
		})
		for i := range ns.VXLANs {
			vx := func(f *kerneltest.Fake) *kernel.VXLAN { return &f.NSs[n].VXLANs[i] }
			p := label + "/" + ns.VXLANs[i].Name + " "
			add(p+"vni+1", func(f *kerneltest.Fake) { vx(f).VNI++ })
			add(p+"port 8472", func(f *kerneltest.Fake) { vx(f).Port = 8472 })
			add(p+"no remote", func(f *kerneltest.Fake) { vx(f).Remote = nil; f.NSs[n].VXLANFDB = nil })
			add(p+"remote nobody", func(f *kerneltest.Fake) { vx(f).Remote = net.ParseIP("192.0.2.99") })
			add(p+"no dev", func(f *kerneltest.Fake) { vx(f).Dev = "" })
			add(p+"dev other", func(f *kerneltest.Fake) { vx(f).Dev = "eth9" })
			add(p+"local other", func(f *kerneltest.Fake) { vx(f).Local = net.ParseIP("192.0.2.98") })
			add(p+"no local", func(f *kerneltest.Fake) { vx(f).Local = nil })
			add(p+"no master", func(f *kerneltest.Fake) { vx(f).MasterIndex = 0 })
			add(p+"down", func(f *kerneltest.Fake) { vx(f).AdminUp = false })
			add(p+"gone", func(f *kerneltest.Fake) { f.NSs[n].VXLANs = slices.Delete(slices.Clone(f.NSs[n].VXLANs), i, i+1) })
		}
		// Kernel reads of this namespace that fail.
		for _, e := range []struct {
			name string
			err  error
		}{
			{"read error", errors.New("netlink: message truncated")},
			{"read timeout", context.DeadlineExceeded},
			{"no namespace", fmt.Errorf("%s: %w", n, kernel.ErrNoNamespace)},
		} {
			ms = append(ms, mutation{label + " " + e.name, func(f *kerneltest.Fake) kernel.Kernel {
				return erring{Fake: f, ns: n, err: e.err}
			}})
		}
		ms = append(ms, mutation{label + " without nft", func(f *kerneltest.Fake) kernel.Kernel {
			return erring{Fake: f, ns: n, err: kernel.MissingTool("nft"), rulesOnly: true}
		}})
	}
	// Probes.
	add("no replies", func(f *kerneltest.Fake) { f.PingF = nil })
	add("ping refused", func(f *kerneltest.Fake) {
		f.PingF = func(string, net.IP, kernel.PingOpts) (kernel.PingResult, error) {
			return kernel.PingResult{Err: errors.New("sendto: network is unreachable")}, nil
		}
	})
	add("ping errs", func(f *kerneltest.Fake) {
		f.PingF = func(string, net.IP, kernel.PingOpts) (kernel.PingResult, error) {
			return kernel.PingResult{}, errors.New("socket: operation not permitted")
		}
	})
	add("ttl 1", func(f *kerneltest.Fake) {
		ping := f.PingF
		f.PingF = func(ns string, dst net.IP, o kernel.PingOpts) (kernel.PingResult, error) {
			r, err := ping(ns, dst, o)
			r.TTL = 1
			return r, err
		}
	})
	add("replies everywhere", func(f *kerneltest.Fake) {
		f.PingF = func(_ string, _ net.IP, o kernel.PingOpts) (kernel.PingResult, error) {
			return kernel.PingResult{Sent: o.Count, Received: o.Count, TTL: 64}, nil
		}
	})
	for _, res := range []kernel.TCPResult{
		{Err: errors.New("connect: connection refused")},
		{ServerErr: fmt.Errorf("listen: %w", unix.EADDRNOTAVAIL)},
		{ServerErr: fmt.Errorf("listen: %w", unix.EADDRINUSE)},
		{ServerErr: errors.New("listen: permission denied")},
		{Connected: true, SeenFrom: net.ParseIP("192.0.2.7")},
	} {
		add(fmt.Sprintf("tcp %+v", res), func(f *kerneltest.Fake) {
			f.ProbeTCPF = func(kernel.TCPProbe) (kernel.TCPResult, error) { return res, nil }
		})
	}
	add("tcp errs", func(f *kerneltest.Fake) {
		f.ProbeTCPF = func(kernel.TCPProbe) (kernel.TCPResult, error) {
			return kernel.TCPResult{}, errors.New("fork/exec: resource temporarily unavailable")
		}
	})
	return ms
}

// erring is a fake whose reads of namespace ns fail with err (only the
// firewall's reads when rulesOnly).
type erring struct {
	*kerneltest.Fake
	ns        string
	err       error
	rulesOnly bool
}

func (e erring) fails(ns string) bool { return ns == e.ns && !e.rulesOnly }

func (e erring) NamespaceState(ctx context.Context, ns string) (kernel.NSState, error) {
	if e.fails(ns) {
		return 0, e.err
	}
	return e.Fake.NamespaceState(ctx, ns)
}

func (e erring) Links(ctx context.Context, ns string) ([]kernel.Link, error) {
	if e.fails(ns) {
		return nil, e.err
	}
	return e.Fake.Links(ctx, ns)
}

func (e erring) Addrs(ctx context.Context, ns string) ([]kernel.Addr, error) {
	if e.fails(ns) {
		return nil, e.err
	}
	return e.Fake.Addrs(ctx, ns)
}

func (e erring) Addrs6(ctx context.Context, ns string) ([]kernel.Addr6, error) {
	if e.fails(ns) {
		return nil, e.err
	}
	return e.Fake.Addrs6(ctx, ns)
}

func (e erring) Routes(ctx context.Context, ns string) ([]kernel.Route, error) {
	if e.fails(ns) {
		return nil, e.err
	}
	return e.Fake.Routes(ctx, ns)
}

func (e erring) Routes6(ctx context.Context, ns string) ([]kernel.Route, error) {
	if e.fails(ns) {
		return nil, e.err
	}
	return e.Fake.Routes6(ctx, ns)
}

func (e erring) RouteGet(ctx context.Context, ns string, dst net.IP) (kernel.Route, error) {
	if e.fails(ns) {
		return kernel.Route{}, e.err
	}
	return e.Fake.RouteGet(ctx, ns, dst)
}

func (e erring) Sysctl(ctx context.Context, ns, key string) (string, error) {
	if e.fails(ns) {
		return "", e.err
	}
	return e.Fake.Sysctl(ctx, ns, key)
}

func (e erring) VXLANs(ctx context.Context, ns string) ([]kernel.VXLAN, error) {
	if e.fails(ns) {
		return nil, e.err
	}
	return e.Fake.VXLANs(ctx, ns)
}

func (e erring) FDB(ctx context.Context, ns, bridge string) ([]kernel.FDBEntry, error) {
	if e.fails(ns) {
		return nil, e.err
	}
	return e.Fake.FDB(ctx, ns, bridge)
}

func (e erring) Ping(ctx context.Context, ns string, dst net.IP, o kernel.PingOpts) (kernel.PingResult, error) {
	if e.fails(ns) {
		return kernel.PingResult{}, e.err
	}
	return e.Fake.Ping(ctx, ns, dst, o)
}

func (e erring) Ruleset(ctx context.Context, ns string) (kernel.Ruleset, error) {
	if ns == e.ns {
		return kernel.Ruleset{}, e.err
	}
	return e.Fake.Ruleset(ctx, ns)
}

func (e erring) NFCounters(ctx context.Context, ns string) (map[string]uint64, error) {
	if ns == e.ns {
		return nil, e.err
	}
	return e.Fake.NFCounters(ctx, ns)
}

// routerLab is lesson 5's finished state: h1 (eth0 10.0.10.2/24) and h2
// (eth0 10.0.20.2/24) with default routes via router (eth1 10.0.10.1/24,
// eth2 10.0.20.1/24), which forwards. Every ping between addresses of
// the lab is answered.
func routerLab() *kerneltest.Fake {
	f := kerneltest.New()
	for _, n := range []string{"h1", "router", "h2"} {
		ns := f.Add(n)
		ns.Links[0].AdminUp, ns.Links[0].LowerUp = true, true
		ns.Addrs = []kernel.Addr{{Link: "lo", IPNet: kerneltest.CIDR("127.0.0.1/8")}}
	}
	h1, r, h2 := f.NSs["h1"], f.NSs["router"], f.NSs["h2"]
	h1.NSIDs["router"], h2.NSIDs["router"], r.NSIDs["h1"], r.NSIDs["h2"] = 1, 1, 1, 2
	veth := func(name string, idx, peer, nsid int, mac string) kernel.Link {
		return kernel.Link{Name: name, Index: idx, Type: "veth", AdminUp: true, LowerUp: true, OperState: "up", MTU: 1500, ParentIndex: peer, PeerNetNSID: nsid, MAC: kerneltest.MAC(mac)}
	}
	h1.Links = append(h1.Links, veth("eth0", 2, 3, 1, "02:00:00:00:10:02"))
	r.Links = append(r.Links, veth("eth1", 3, 2, 1, "02:00:00:00:10:01"), veth("eth2", 4, 2, 2, "02:00:00:00:20:01"))
	h2.Links = append(h2.Links, veth("eth0", 2, 4, 1, "02:00:00:00:20:02"))
	h1.Addrs = append(h1.Addrs, kernel.Addr{Link: "eth0", IPNet: kerneltest.CIDR("10.0.10.2/24")})
	r.Addrs = append(r.Addrs, kernel.Addr{Link: "eth1", IPNet: kerneltest.CIDR("10.0.10.1/24")}, kernel.Addr{Link: "eth2", IPNet: kerneltest.CIDR("10.0.20.1/24")})
	h2.Addrs = append(h2.Addrs, kernel.Addr{Link: "eth0", IPNet: kerneltest.CIDR("10.0.20.2/24")})
	h1.Routes = []kernel.Route{{Dst: kerneltest.CIDR("10.0.10.0/24"), Dev: "eth0", Type: "unicast", Table: 254}, {Gw: net.ParseIP("10.0.10.1"), Dev: "eth0", Type: "unicast", Table: 254}}
	h2.Routes = []kernel.Route{{Dst: kerneltest.CIDR("10.0.20.0/24"), Dev: "eth0", Type: "unicast", Table: 254}, {Gw: net.ParseIP("10.0.20.1"), Dev: "eth0", Type: "unicast", Table: 254}}
	r.Routes = []kernel.Route{{Dst: kerneltest.CIDR("10.0.10.0/24"), Dev: "eth1", Type: "unicast", Table: 254}, {Dst: kerneltest.CIDR("10.0.20.0/24"), Dev: "eth2", Type: "unicast", Table: 254}}
	r.Sysctls["net.ipv4.ip_forward"] = "1"
	f.PingF = func(ns string, dst net.IP, o kernel.PingOpts) (kernel.PingResult, error) {
		return kernel.PingResult{Sent: o.Count, Received: o.Count, TTL: 63}, nil
	}
	f.ProbeTCPF = func(p kernel.TCPProbe) (kernel.TCPResult, error) {
		src := map[string]string{"h1": "10.0.10.2", "h2": "10.0.20.2"}[p.ClientNS]
		return kernel.TCPResult{Connected: true, SeenFrom: net.ParseIP(src)}, nil
	}
	return f
}

// TestRareWhysAreChinese: whys that the sweep's single changes do not
// reach.
func TestRareWhysAreChinese(t *testing.T) {
	ctx := context.Background()
	env := func(k kernel.Kernel) checks.Env { return checks.Env{K: k, ProbeTimeout: 20 * time.Millisecond} }

	// The learner's own server holds the port that the DNAT rule, in
	// place and counting, forwards to.
	f := routerLab()
	f.NSs["router"].Ruleset = kernel.Ruleset{
		Chains: []kernel.NFChain{{Family: "ip", Table: "nat", Name: "PREROUTING", Hook: "prerouting", Policy: "accept"}},
		Rules:  []kernel.NFRule{{Family: "ip", Table: "nat", Chain: "PREROUTING", Text: "tcp dport 8080 dnat to 10.0.10.2:80", Verdict: "dnat", Packets: 3}},
	}
	f.ProbeTCPF = func(kernel.TCPProbe) (kernel.TCPResult, error) {
		return kernel.TCPResult{ServerErr: fmt.Errorf("listen: %w", unix.EADDRINUSE)}, nil
	}
	r := build(t, "kind: tcp\nfrom: h2\nto: 10.0.20.1:8080\nserver_ns: h1\nlisten: 10.0.10.2:80").Run(ctx, env(f))
	require.Equal(t, checks.Error, r.Status, r.Why)
	require.Contains(t, r.Why, "Meanwhile: your DNAT rule `iptables -t nat -A PREROUTING -p tcp --dport 8080 -j DNAT --to-destination 10.0.10.2:80` (router, chain PREROUTING of table nat) is in place and has counted 3 packets so far")
	require.NoError(t, chineseWhy(r.Why, r.WhyMsg))
	zh, _ := runner.SayWhy(i18n.ZH, r.Why, r.WhyMsg)
	require.Contains(t, zh, "。另外：你的 DNAT 规则 `iptables -t nat -A PREROUTING -p tcp --dport 8080 -j DNAT --to-destination 10.0.10.2:80`（router 的 nat 表 PREROUTING 链）已经生效，到目前为止计数了 3 个包")

	// The tunnel's counters cannot be read after the ping.
	o := kerneltest.Overlay()
	c := build(t, "kind: tunnel\nfrom: c1\nto: 10.244.0.12\nlink: vxlan42\nns: host1\npeer_ns: host2")
	require.Equal(t, checks.Pass, c.Run(ctx, env(kerneltest.Overlay())).Status)
	r = c.Run(ctx, env(&statsOnce{Fake: o}))
	require.Equal(t, checks.Error, r.Status, r.Why)
	require.Equal(t, "could not read the counters of vxlan42 again", r.Why)
	require.NoError(t, chineseWhy(r.Why, r.WhyMsg))
}

// statsOnce is a fake whose packet counters can be read once per link
// and namespace.
type statsOnce struct {
	*kerneltest.Fake
	read map[string]bool
}

func (s *statsOnce) LinkStats(ctx context.Context, ns, link string) (kernel.LinkStats, error) {
	if s.read == nil {
		s.read = map[string]bool{}
	}
	if s.read[ns+"/"+link] {
		return kernel.LinkStats{}, errors.New("netlink: boom")
	}
	s.read[ns+"/"+link] = true
	return s.Fake.LinkStats(ctx, ns, link)
}
