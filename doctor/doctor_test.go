package doctor_test

import (
	"context"
	"errors"
	"io/fs"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/netlab/netlab/doctor"
	"github.com/netlab/netlab/kernel"
	"github.com/netlab/netlab/sandbox/sandboxtest"
)

func TestMain(m *testing.M) { sandboxtest.Main(m) }

const mountinfo = `22 1 0:21 / /run rw - tmpfs tmpfs rw
512 22 0:4 net:[4026532300] /run/netns/ns0 rw shared:5 - nsfs nsfs rw
`

// healthy is a root machine on the nf_tables backend where every try works.
func healthy() doctor.Env {
	files := map[string]string{"/proc/self/mountinfo": mountinfo}
	tries := doctor.Tries{}
	for _, n := range doctor.TryNames {
		tries[n] = ""
	}
	return doctor.Env{
		Euid: func() int { return 0 },
		Caps: func() (bool, bool) { return true, true },
		ReadFile: func(p string) ([]byte, error) {
			if s, ok := files[p]; ok {
				return []byte(s), nil
			}
			return nil, fs.ErrNotExist
		},
		ReadDir:  func(string) ([]string, error) { return []string{"ns0"}, nil },
		LookPath: func(n string) (string, error) { return "/usr/sbin/" + n, nil },
		Output: func(_ context.Context, name string, args ...string) ([]byte, error) {
			if name == "iptables" && len(args) == 1 && args[0] == "-V" {
				return []byte("iptables v1.8.9 (nf_tables)\n"), nil
			}
			return nil, errors.New("unexpected command " + name)
		},
		Ruleset: func(context.Context) (kernel.Ruleset, error) { return kernel.Ruleset{}, nil },
		Try:     func(context.Context) (doctor.Tries, error) { return tries, nil },
	}
}

func find(t *testing.T, lines []doctor.Line, what string) doctor.Line {
	t.Helper()
	for _, l := range lines {
		if l.What == what {
			return l
		}
	}
	t.Fatalf("no line %q in %+v", what, lines)
	return doctor.Line{}
}

func TestDoctor(t *testing.T) {
	cases := []struct {
		name   string
		change func(e *doctor.Env)
		what   string
		level  doctor.Level
		detail string
		fix    string
	}{
		{"healthy", func(*doctor.Env) {}, "root / CAP_NET_ADMIN", doctor.OK, "running as root", ""},
		{"not root is fine", func(e *doctor.Env) {
			e.Euid = func() int { return 1000 }
			e.Caps = func() (bool, bool) { return false, false }
		}, "root / CAP_NET_ADMIN", doctor.OK, "only --host needs sudo", ""},
		{"user namespaces allowed", func(*doctor.Env) {}, "user namespaces", doctor.OK, "allowed", ""},
		{"max_user_namespaces 0", func(e *doctor.Env) {
			e.ReadFile = withFile(e.ReadFile, "/proc/sys/user/max_user_namespaces", "0\n")
		}, "user namespaces (user.max_user_namespaces)", doctor.Fail, "is 0", "sudo sysctl -w user.max_user_namespaces=15000"},
		{"debian unprivileged_userns_clone 0, not root", func(e *doctor.Env) {
			e.Euid = func() int { return 1000 }
			e.Caps = func() (bool, bool) { return false, false }
			e.ReadFile = withFile(e.ReadFile, "/proc/sys/kernel/unprivileged_userns_clone", "0\n")
		}, "user namespaces (kernel.unprivileged_userns_clone)", doctor.Fail, "Debian", "sudo sysctl -w kernel.unprivileged_userns_clone=1"},
		{"debian unprivileged_userns_clone 0, root", func(e *doctor.Env) {
			e.ReadFile = withFile(e.ReadFile, "/proc/sys/kernel/unprivileged_userns_clone", "0\n")
		}, "user namespaces (kernel.unprivileged_userns_clone)", doctor.Warn, "with sudo lessons work", "kernel.unprivileged_userns_clone=1"},
		{"ubuntu apparmor restriction without the profile", func(e *doctor.Env) {
			e.Euid = func() int { return 1000 }
			e.Caps = func() (bool, bool) { return false, false }
			e.ReadFile = withFile(e.ReadFile, "/proc/sys/kernel/apparmor_restrict_unprivileged_userns", "1\n")
		}, "user namespaces (kernel.apparmor_restrict_unprivileged_userns)", doctor.Fail, "AppArmor", "packaging/apparmor/netlab /etc/apparmor.d/netlab && sudo apparmor_parser -r /etc/apparmor.d/netlab"},
		{"ubuntu apparmor restriction with the profile", func(e *doctor.Env) {
			e.Euid = func() int { return 1000 }
			e.ReadFile = withFile(withFile(e.ReadFile, "/proc/sys/kernel/apparmor_restrict_unprivileged_userns", "1\n"), "/etc/apparmor.d/netlab", "profile")
		}, "user namespaces", doctor.OK, "profile (/etc/apparmor.d/netlab) is installed", ""},
		{"nsenter missing", func(e *doctor.Env) {
			e.LookPath = func(n string) (string, error) {
				if n == "nsenter" {
					return "", errors.New("not found")
				}
				return "/usr/sbin/" + n, nil
			}
		}, "nsenter installed", doctor.Warn, "second terminal", "util-linux"},
		{"namespace mount invisible from here", func(e *doctor.Env) {
			e.ReadDir = func(string) ([]string, error) { return []string{"ns0", "ns1"}, nil }
		}, "named namespaces (/run/netns)", doctor.Warn, "ns1 in /run/netns is no namespace mount seen from here", "host's mount namespace"},
		{"no /run/netns yet", func(e *doctor.Env) {
			e.ReadDir = func(string) ([]string, error) { return nil, fs.ErrNotExist }
		}, "named namespaces (/run/netns)", doctor.OK, "no named namespace yet", ""},
		{"nft missing", func(e *doctor.Env) {
			e.LookPath = func(n string) (string, error) {
				if n == "nft" {
					return "", errors.New("not found")
				}
				return "/usr/sbin/" + n, nil
			}
		}, "nft installed", doctor.Fail, "not found", "apt-get install nftables"},
		{"legacy backend", func(e *doctor.Env) {
			e.Output = func(context.Context, string, ...string) ([]byte, error) {
				return []byte("iptables v1.8.9 (legacy)\n"), nil
			}
		}, "iptables backend", doctor.Warn, "legacy", "iptables-nft"},
		{"rules in both backends", func(e *doctor.Env) {
			e.ReadFile = withFile(e.ReadFile, "/proc/net/ip_tables_names", "filter\n")
			e.Output = func(_ context.Context, name string, args ...string) ([]byte, error) {
				if name == "iptables" {
					return []byte("iptables v1.8.9 (nf_tables)\n"), nil
				}
				return []byte("*filter\n:INPUT ACCEPT [0:0]\n-A INPUT -s 10.9.9.9/32 -j DROP\nCOMMIT\n"), nil
			}
			e.Ruleset = func(context.Context) (kernel.Ruleset, error) {
				return kernel.Ruleset{Rules: []kernel.NFRule{{Family: "ip", Table: "filter", Chain: "INPUT", Text: "accept"}}}, nil
			}
		}, "iptables rules in both backends", doctor.Warn, "1 legacy rule(s) and 1 nf_tables rule(s)", "one backend"},
		{"docker: br_netfilter and FORWARD drop", func(e *doctor.Env) {
			e.ReadFile = withFile(e.ReadFile, "/proc/sys/net/bridge/bridge-nf-call-iptables", "1\n")
			e.Ruleset = func(context.Context) (kernel.Ruleset, error) {
				return kernel.Ruleset{Chains: []kernel.NFChain{{Family: "ip", Table: "filter", Name: "FORWARD", Hook: "forward", Policy: "drop"}}}, nil
			}
		}, "br_netfilter and FORWARD policy", doctor.Warn, "FORWARD policy of ip filter FORWARD is DROP", "iptables -I FORWARD -i br0 -o br0 -j ACCEPT"},
		{"br_netfilter with an accepting FORWARD", func(e *doctor.Env) {
			e.ReadFile = withFile(e.ReadFile, "/proc/sys/net/bridge/bridge-nf-call-iptables", "1\n")
		}, "br_netfilter and FORWARD policy", doctor.OK, "no FORWARD chain drops", ""},
		{"legacy FORWARD drop", func(e *doctor.Env) {
			e.ReadFile = withFile(withFile(e.ReadFile, "/proc/sys/net/bridge/bridge-nf-call-iptables", "1\n"), "/proc/net/ip_tables_names", "filter\n")
			e.Output = func(_ context.Context, name string, args ...string) ([]byte, error) {
				if name == "iptables" {
					return []byte("iptables v1.8.9 (nf_tables)\n"), nil
				}
				return []byte("*filter\n:FORWARD DROP [0:0]\nCOMMIT\n"), nil
			}
		}, "br_netfilter and FORWARD policy", doctor.Warn, "iptables-legacy filter FORWARD", ""},
		{"veth fails in the sandbox", func(e *doctor.Env) {
			e.Try = func(context.Context) (doctor.Tries, error) {
				return doctor.Tries{doctor.TryVeth: "Error: Unknown device type."}, nil
			}
		}, doctor.TryVeth, doctor.Fail, "Unknown device type", "modprobe veth"},
		{"vxlan missing is only a warning", func(e *doctor.Env) {
			e.Try = func(context.Context) (doctor.Tries, error) {
				return doctor.Tries{doctor.TryVXLAN: "Error: Unknown device type."}, nil
			}
		}, doctor.TryVXLAN, doctor.Warn, "only the vxlan lesson", "modprobe vxlan"},
		{"no sandbox", func(e *doctor.Env) {
			e.Try = func(context.Context) (doctor.Tries, error) { return nil, errors.New("clone: operation not permitted") }
		}, "sandbox", doctor.Fail, "operation not permitted", "user namespaces"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			e := healthy()
			tc.change(&e)
			lines := doctor.Run(context.Background(), e)
			l := find(t, lines, tc.what)
			require.Equal(t, tc.level, l.Level, "%+v", l)
			require.Contains(t, l.Detail, tc.detail)
			require.Contains(t, l.Fix, tc.fix)
			if tc.name == "healthy" {
				require.Equal(t, doctor.OK, doctor.Worst(lines), "%+v", lines)
			}
		})
	}
}

func withFile(read func(string) ([]byte, error), path, content string) func(string) ([]byte, error) {
	return func(p string) ([]byte, error) {
		if p == path {
			return []byte(content), nil
		}
		return read(p)
	}
}

func TestWrite(t *testing.T) {
	var b strings.Builder
	doctor.Write(&b, []doctor.Line{{Level: doctor.OK, What: "a", Detail: "fine", Fix: "unused"}, {Level: doctor.Fail, What: "b", Detail: "bad", Fix: "do x"}})
	require.Equal(t, "ok    a: fine\nfail  b: bad\n      fix: do x\n", b.String())
}

// The real tries, in a sandbox: the features lessons 1-4 need must work
// on any machine that runs the kernel tests.
func TestTryAllInSandbox(t *testing.T) {
	if sandboxtest.Run(t) {
		return
	}
	k, err := kernel.New()
	require.NoError(t, err)
	defer k.Close()
	tries, err := doctor.TryAll(context.Background(), k)
	require.NoError(t, err)
	for _, n := range []string{doctor.TryNamedNS, doctor.TryVeth, doctor.TryBridge, doctor.TryNFT, doctor.TryICMP} {
		require.Equal(t, "", tries[n], n)
	}
	t.Logf("%+v", tries)
}

func TestTryAllRefusesOutsideASandbox(t *testing.T) {
	_, err := doctor.TryAll(context.Background(), nil)
	require.ErrorContains(t, err, "only inside a netlab sandbox")
}
