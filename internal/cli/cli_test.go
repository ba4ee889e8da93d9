package cli_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/netlab/netlab/checks"
	"github.com/netlab/netlab/internal/cli"
	"github.com/netlab/netlab/kernel"
	"github.com/netlab/netlab/kernel/kerneltest"
	"github.com/netlab/netlab/lessons"
	"github.com/netlab/netlab/lessons/lessonyaml"
	"github.com/netlab/netlab/runner"
)

// app is netlab wired to a fake kernel; no test here touches a real one.
func app(fake *kerneltest.Fake, privileged bool) (*cli.App, *bytes.Buffer, *bytes.Buffer) {
	var out, errb bytes.Buffer
	a := &cli.App{
		Stdout: &out, Stderr: &errb, Stdin: strings.NewReader(""),
		OpenLab: func() (runner.Lab, func(), error) {
			return fake, func() {}, nil
		},
		Privileged:   func() bool { return privileged },
		Shell:        failShell{},
		ProbeTimeout: 50 * time.Millisecond,
	}
	return a, &out, &errb
}

// failShell refuses to run anything: these tests must not run commands.
type failShell struct{}

func (failShell) Run(_ context.Context, cmd string, _ io.Writer) error {
	return errors.New("test shell: unexpected command " + cmd)
}

// lesson1Done is a fake kernel where lesson 1 is finished.
func lesson1Done() *kerneltest.Fake {
	f := kerneltest.New()
	ns := f.Add("ns0")
	ns.Links[0].AdminUp = true
	ns.Links[0].LowerUp = true
	ns.Addrs = append(ns.Addrs, kernel.Addr{Link: "lo", IPNet: &net.IPNet{IP: net.IPv4(127, 0, 0, 1).To4(), Mask: net.CIDRMask(8, 32)}})
	f.PingF = func(ns string, dst net.IP, o kernel.PingOpts) (kernel.PingResult, error) {
		return kernel.PingResult{Sent: 1, Received: 1}, nil
	}
	return f
}

// oneLine asserts that s is exactly one line of plain text: no stack
// trace, no usage dump.
func oneLine(t *testing.T, s string) string {
	t.Helper()
	require.True(t, strings.HasSuffix(s, "\n"), "stderr %q does not end in a newline", s)
	line := strings.TrimSuffix(s, "\n")
	require.NotContains(t, line, "\n", "stderr is more than one line:\n%s", s)
	require.NotContains(t, line, "goroutine")
	require.NotContains(t, line, "panic")
	return line
}

func TestNotPrivileged(t *testing.T) {
	for _, args := range [][]string{
		{"check", "1"}, {"check", "veth", "--json"}, {"solve", "2"}, {"reset", "--all"}, {"reset", "3"}, {"hint", "4"},
	} {
		t.Run(strings.Join(args, "_"), func(t *testing.T) {
			a, out, errb := app(kerneltest.New(), false)
			require.Equal(t, cli.ExitUsage, a.Run(args))
			require.Equal(t, "netlab changes this machine's own network only as root: run it inside a lesson shell (netlab lesson N, netlab shell), or with sudo", oneLine(t, errb.String()))
			require.Empty(t, out.String())
		})
	}
}

func TestUnknownLesson(t *testing.T) {
	for _, args := range [][]string{{"check", "9"}, {"lesson", "vlanx"}, {"solve", "0"}, {"hint", "bridges"}, {"reset", "nope"}} {
		t.Run(strings.Join(args, "_"), func(t *testing.T) {
			a, out, errb := app(kerneltest.New(), true)
			require.Equal(t, cli.ExitUsage, a.Run(args))
			line := oneLine(t, errb.String())
			require.Contains(t, line, args[1])
			for _, valid := range []string{"1 netns", "2 veth", "3 bridge", "4 iptables"} {
				require.Contains(t, line, valid)
			}
			require.Empty(t, out.String())
		})
	}
}

func TestUsageErrors(t *testing.T) {
	for _, args := range [][]string{{"check"}, {"check", "1", "2"}, {"check", "1", "--jsn"}, {"frobnicate"}, {"solve", "1", "--step", "9"}, {"reset"}} {
		t.Run(strings.Join(args, "_"), func(t *testing.T) {
			a, _, errb := app(kerneltest.New(), true)
			require.Equal(t, cli.ExitUsage, a.Run(args))
			require.NotEmpty(t, oneLine(t, errb.String()))
		})
	}
}

// checkJSON is SPEC §3's shape, decoded strictly.
type checkJSON struct {
	Lesson   *int    `json:"lesson"`
	Slug     *string `json:"slug"`
	Passed   *bool   `json:"passed"`
	Score    *int    `json:"score"`
	MaxScore *int    `json:"max_score"`
	Steps    []struct {
		Step   *int    `json:"step"`
		Title  *string `json:"title"`
		Passed *bool   `json:"passed"`
		Checks []struct {
			Name    *string `json:"name"`
			Status  *string `json:"status"`
			Message *string `json:"message"`
			Why     *string `json:"why"`
		} `json:"checks"`
	} `json:"steps"`
}

func decodeCheck(t *testing.T, out string) checkJSON {
	t.Helper()
	dec := json.NewDecoder(strings.NewReader(out))
	var c checkJSON
	require.NoError(t, dec.Decode(&c), out)
	require.False(t, dec.More(), "more than one JSON value on stdout:\n%s", out)
	require.NotNil(t, c.Lesson)
	require.NotNil(t, c.Slug)
	require.NotNil(t, c.Passed)
	require.NotNil(t, c.Score)
	require.NotNil(t, c.MaxScore)
	require.Len(t, c.Steps, *c.MaxScore)
	passed := 0
	for i, s := range c.Steps {
		require.NotNil(t, s.Step)
		require.Equal(t, i+1, *s.Step)
		require.NotNil(t, s.Title)
		require.NotEmpty(t, *s.Title)
		require.NotNil(t, s.Passed)
		require.NotEmpty(t, s.Checks)
		all := true
		for _, ch := range s.Checks {
			require.NotNil(t, ch.Name)
			require.NotNil(t, ch.Status)
			require.NotNil(t, ch.Message)
			require.NotNil(t, ch.Why, "why must be present (empty when passing)")
			require.Contains(t, []string{"pass", "fail", "error"}, *ch.Status)
			if *ch.Status == "pass" {
				require.Empty(t, *ch.Why)
			} else {
				all = false
				require.NotEmpty(t, *ch.Why, "a %s check needs a why", *ch.Status)
			}
		}
		require.Equal(t, all, *s.Passed)
		if *s.Passed {
			passed++
		}
	}
	require.Equal(t, passed, *c.Score)
	require.Equal(t, *c.Score == *c.MaxScore, *c.Passed)
	return c
}

func TestCheckJSON(t *testing.T) {
	cases := []struct {
		name   string
		fake   *kerneltest.Fake
		args   []string
		exit   int
		passed bool
		score  int
	}{
		{"fresh fails", kerneltest.New(), []string{"check", "1", "--json"}, cli.ExitFail, false, 0},
		{"by slug", kerneltest.New(), []string{"check", "netns", "--json"}, cli.ExitFail, false, 0},
		{"done passes", lesson1Done(), []string{"check", "1", "--json"}, cli.ExitOK, true, 3},
		{"lesson 2 fresh", kerneltest.New(), []string{"check", "2", "--json"}, cli.ExitFail, false, 0},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			a, out, errb := app(c.fake, true)
			require.Equal(t, c.exit, a.Run(c.args), errb.String())
			require.Empty(t, errb.String())
			got := decodeCheck(t, out.String())
			require.Equal(t, c.passed, *got.Passed)
			require.Equal(t, c.score, *got.Score)
			if c.args[1] == "1" || c.args[1] == "netns" {
				require.Equal(t, 1, *got.Lesson)
				require.Equal(t, "netns", *got.Slug)
				require.Equal(t, 3, *got.MaxScore)
			}
		})
	}
}

// A half-done lesson: step 1 passes, step 2 fails with its why.
func TestCheckJSONPartial(t *testing.T) {
	f := kerneltest.New()
	f.Add("ns0")
	a, out, _ := app(f, true)
	require.Equal(t, cli.ExitFail, a.Run([]string{"check", "1", "--json"}))
	got := decodeCheck(t, out.String())
	require.Equal(t, 1, *got.Score)
	require.True(t, *got.Steps[0].Passed)
	require.False(t, *got.Steps[1].Passed)
	require.Contains(t, *got.Steps[1].Checks[0].Why, "lo in ns0 is down")
}

// Text output gives the same exit codes.
func TestCheckTextExit(t *testing.T) {
	a, out, _ := app(kerneltest.New(), true)
	require.Equal(t, cli.ExitFail, a.Run([]string{"check", "1"}))
	require.Contains(t, out.String(), "namespace ns0 does not exist")

	a, out, _ = app(lesson1Done(), true)
	require.Equal(t, cli.ExitOK, a.Run([]string{"check", "1"}))
	require.Contains(t, out.String(), "3/3")
}

// noNft is a fake kernel on a machine without nft.
type noNft struct{ *kerneltest.Fake }

func (noNft) Ruleset(context.Context, string) (kernel.Ruleset, error) {
	return kernel.Ruleset{}, kernel.MissingTool("nft")
}

const ruleLesson = `id: 9
slug: rules
title: One rule
steps:
  - title: A drop rule in ns2
    text: Add it.
    hints: ["ip netns exec ns2 iptables -A INPUT -j DROP"]
    solution: ip netns exec ns2 iptables -A INPUT -j DROP
    checks:
      - kind: nf_rule
        ns: ns2
        verdict: drop
`

// When netlab cannot judge (a tool is missing) and nothing failed, check
// says error with how to install the tool, and exits 2.
func TestCheckErrorExit(t *testing.T) {
	l, err := lessonyaml.Parse("rules.yaml", []byte(ruleLesson), checks.Default())
	require.NoError(t, err)
	f := kerneltest.New()
	f.Add("ns2")
	var out, errb bytes.Buffer
	a := &cli.App{
		Stdout: &out, Stderr: &errb, Stdin: strings.NewReader(""),
		Lessons:    []*lessons.Lesson{l},
		OpenLab:    func() (runner.Lab, func(), error) { return noNft{f}, func() {}, nil },
		Privileged: func() bool { return true },
		Shell:      failShell{},
	}
	require.Equal(t, cli.ExitUsage, a.Run([]string{"check", "rules", "--json"}))
	got := decodeCheck(t, out.String())
	require.False(t, *got.Passed)
	ch := got.Steps[0].Checks[0]
	require.Equal(t, "error", *ch.Status)
	require.Contains(t, *ch.Why, "apt-get install nftables")
	require.NotEmpty(t, oneLine(t, errb.String()))
}

// Lessons are decoded only by commands that run: --help, help and usage
// errors leave them alone; a command that runs loads the embedded ones.
func TestLessonsLoadedOnlyWhenACommandRuns(t *testing.T) {
	for _, args := range [][]string{{"--help"}, {"-h"}, {"help"}, {"check", "--help"}, {"no-such-command"}, {"check", "--no-such-flag"}} {
		a, _, _ := app(kerneltest.New(), true)
		a.Run(args)
		require.Nil(t, a.Lessons, "netlab %v decoded the lessons", args)
	}
	a, out, _ := app(kerneltest.New(), true)
	require.Equal(t, cli.ExitOK, a.Run([]string{"list"}))
	require.NotEmpty(t, a.Lessons)
	require.Contains(t, out.String(), "netns")
}
