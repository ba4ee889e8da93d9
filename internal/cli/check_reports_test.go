package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"net"
	"os"
	"path/filepath"
	"testing"

	junit "github.com/joshdk/go-junit"
	"github.com/stretchr/testify/require"

	"github.com/netlab/netlab/checks"
	"github.com/netlab/netlab/doctor"
	"github.com/netlab/netlab/kernel"
	"github.com/netlab/netlab/kernel/kerneltest"
	"github.com/netlab/netlab/lessons"
	"github.com/netlab/netlab/lessons/lessonyaml"
	"github.com/netlab/netlab/report"
	"github.com/netlab/netlab/runner"
)

const demoLesson = `id: 9
slug: demo
title: Demo
steps:
  - title: One
    text: Do it.
    hints: [h]
    solution: ip netns add x
    points: 4
    checks:
      - kind: netns
        ns: x
`

// fakeApp serves lesson 1 (ns0 with lo up, but ping errors: lesson 1
// cannot be judged) and a demo lesson whose namespace is missing (fails).
func fakeApp(t *testing.T) (*App, *bytes.Buffer, *bytes.Buffer) {
	t.Helper()
	ls, err := lessons.LoadEmbedded()
	require.NoError(t, err)
	demo, err := lessonyaml.Parse("demo.yaml", []byte(demoLesson), checks.Default())
	require.NoError(t, err)
	f := kerneltest.New()
	ns := f.Add("ns0")
	ns.Links[0].AdminUp, ns.Links[0].LowerUp = true, true
	ns.Addrs = []kernel.Addr{{Link: "lo", IPNet: &net.IPNet{IP: net.IPv4(127, 0, 0, 1), Mask: net.CIDRMask(8, 32)}}}
	f.PingF = func(string, net.IP, kernel.PingOpts) (kernel.PingResult, error) {
		return kernel.PingResult{}, errors.New("raw socket: operation not permitted")
	}
	var out, errOut bytes.Buffer
	a := &App{
		Stdout: &out, Stderr: &errOut, Lessons: append(ls[:1:1], demo),
		OpenLab:    func() (runner.Lab, func(), error) { return f, func() {}, nil },
		Privileged: func() bool { return true },
	}
	return a, &out, &errOut
}

func TestCheckAllWritesReportsAndExitsWithTheWorst(t *testing.T) {
	a, out, _ := fakeApp(t)
	dir := t.TempDir()
	ju, cl := filepath.Join(dir, "junit.xml"), filepath.Join(dir, "classroom.json")
	code := a.Run([]string{"check", "--all", "--junit", ju, "--classroom", cl})
	require.Equal(t, ExitUsage, code, "lesson 1 cannot be judged (2) and that is worse than demo failing (1)\n%s", out)
	require.Contains(t, out.String(), "Lesson 1 netns")
	require.Contains(t, out.String(), "Lesson 9 demo")

	suites, err := junit.IngestFile(ju)
	require.NoError(t, err)
	require.Len(t, suites, 2)
	suites[0].Aggregate()
	suites[1].Aggregate()
	require.Equal(t, junit.Totals{Tests: 4, Passed: 3, Error: 1}, suites[0].Totals)
	require.Equal(t, junit.Totals{Tests: 1, Failed: 1}, suites[1].Totals)

	b, err := os.ReadFile(cl)
	require.NoError(t, err)
	var c report.Classroom
	require.NoError(t, json.Unmarshal(b, &c))
	require.Equal(t, checks.Fail, c.Status)
	require.Equal(t, 3+4, c.MaxScore)
	require.Equal(t, 2, c.Score)
	require.Len(t, c.Tests, 4)
	require.Equal(t, checks.Error, c.Tests[2].Status)
}

func TestCheckOneLessonExitCodes(t *testing.T) {
	a, out, _ := fakeApp(t)
	require.Equal(t, ExitFail, a.Run([]string{"check", "demo", "--json"}))
	var rep runner.Report
	require.NoError(t, json.Unmarshal(out.Bytes(), &rep))
	require.Equal(t, 9, rep.Lesson)

	a, out, _ = fakeApp(t)
	require.Equal(t, ExitUsage, a.Run([]string{"check", "--all", "--json"}))
	var all struct {
		Passed  bool            `json:"passed"`
		Lessons []runner.Report `json:"lessons"`
	}
	require.NoError(t, json.Unmarshal(out.Bytes(), &all))
	require.Len(t, all.Lessons, 2)
	require.False(t, all.Passed)
}

func TestCheckUsage(t *testing.T) {
	for _, args := range [][]string{{"check"}, {"check", "1", "--all"}, {"check", "1", "2"}} {
		a, _, errOut := fakeApp(t)
		require.Equal(t, ExitUsage, a.Run(args), "%v", args)
		require.NotEmpty(t, errOut.String())
	}
	a, _, errOut := fakeApp(t)
	require.Equal(t, ExitUsage, a.Run([]string{"check", "demo", "--junit", "/nonexistent/dir/x.xml"}))
	require.Contains(t, errOut.String(), "cannot write the report")
}

func TestSelftestAndDoctorUsage(t *testing.T) {
	a, _, errOut := fakeApp(t)
	require.Equal(t, ExitUsage, a.Run([]string{"selftest", "42"}))
	require.Contains(t, errOut.String(), `no lesson "42"`)

	a, _, errOut = fakeApp(t)
	a.SandboxAvailable = func() error {
		return errors.New("netlab cannot make its sandbox: user.max_user_namespaces is 0; fix: sudo sysctl -w user.max_user_namespaces=15000.")
	}
	require.Equal(t, ExitUsage, a.Run([]string{"selftest"}))
	require.Contains(t, errOut.String(), "user.max_user_namespaces=15000")

	a, _, errOut = fakeApp(t)
	require.Equal(t, ExitUsage, a.Run([]string{selftestUnitCmd, "{}"}))
	require.Contains(t, errOut.String(), "only inside a netlab sandbox")
}

func TestDoctorCommand(t *testing.T) {
	a, out, _ := fakeApp(t)
	env := doctor.Env{
		Euid:     func() int { return 0 },
		Caps:     func() (bool, bool) { return true, true },
		ReadFile: func(string) ([]byte, error) { return nil, os.ErrNotExist },
		ReadDir:  func(string) ([]string, error) { return nil, os.ErrNotExist },
		LookPath: func(n string) (string, error) { return "/usr/sbin/" + n, nil },
		Output: func(context.Context, string, ...string) ([]byte, error) {
			return []byte("iptables v1.8.9 (nf_tables)"), nil
		},
		Try: func(context.Context) (doctor.Tries, error) {
			return doctor.Tries{doctor.TryVeth: "Error: Unknown device type."}, nil
		},
	}
	a.Doctor = &env
	require.Equal(t, ExitFail, a.Run([]string{"doctor"}))
	require.Contains(t, out.String(), "fail  veth pairs: tried in a sandbox: Error: Unknown device type.\n      fix: load the veth module: modprobe veth\n")

	env.Try = func(context.Context) (doctor.Tries, error) { return doctor.Tries{}, nil }
	a, out, _ = fakeApp(t)
	a.Doctor = &env
	require.Equal(t, ExitOK, a.Run([]string{"doctor", "--json"}))
	var lines []doctor.Line
	require.NoError(t, json.Unmarshal(out.Bytes(), &lines))
	require.NotEmpty(t, lines)
}
