package checks_test

import (
	"context"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/netlab/netlab/checks"
	"github.com/netlab/netlab/kernel"
	"github.com/netlab/netlab/kernel/kerneltest"
	"github.com/netlab/netlab/lessons/lessonyaml"
)

// build makes a check from its fields, written as in a lesson.
func build(t *testing.T, yamlText string) checks.Check {
	t.Helper()
	c, err := lessonyaml.ParseCheck(checks.Default(), yamlText)
	require.NoError(t, err)
	return c.Check
}

// TestKindCases runs the fake-kernel cases every kind declares: on its
// fixture the check passes; once broken it fails, with the case's mistake,
// a why, and only mistakes that its kind declares.
func TestKindCases(t *testing.T) {
	reg := checks.Default()
	for _, name := range reg.Names() {
		k, _ := reg.Get(name)
		t.Run(name, func(t *testing.T) {
			require.NotEmpty(t, k.Cases(), "kind %s declares no fake-kernel case", name)
			for _, tc := range k.Cases() {
				t.Run(tc.Name, func(t *testing.T) {
					ctx := context.Background()
					c, err := k.Build(tc.Params)
					require.NoError(t, err)
					fixture, ok := kerneltest.Fixtures()[tc.Fixture]
					require.True(t, ok, "no fixture %q in kerneltest.Fixtures", tc.Fixture)
					f := fixture()
					env := checks.Env{K: f}
					r := c.Run(ctx, env)
					require.Equal(t, checks.Pass, r.Status, "right state: %+v", r)
					tc.Break(f)
					r = c.Run(ctx, env)
					require.Equal(t, checks.Fail, r.Status, "wrong state: %+v", r)
					require.NotEmpty(t, r.Why)
					require.Equal(t, tc.Mistake, r.Mistake, r.Why)
				})
			}
		})
	}
}

// Every mistake id a check can report is declared by a kind: the ids in
// the source (WithMistake("..."), .Mistake = "...") are the vocabulary
// the kinds declare, no more and no less.
func TestMistakeIDsAreDeclared(t *testing.T) {
	files, err := filepath.Glob("*.go")
	require.NoError(t, err)
	re := regexp.MustCompile(`(?:WithMistake\(|\.Mistake = )"([a-z0-9-]+)"`)
	used := map[string]string{}
	for _, f := range files {
		if strings.HasSuffix(f, "_test.go") {
			continue
		}
		b, err := os.ReadFile(f)
		require.NoError(t, err)
		for _, m := range re.FindAllStringSubmatch(string(b), -1) {
			used[m[1]] = f
		}
	}
	declared := checks.Default().Mistakes()
	for id, f := range used {
		require.Contains(t, declared, id, "%s reports mistake %s, which no kind declares (add it to the Mistakes of the kinds whose checks report it)", f, id)
	}
	for id, kinds := range declared {
		require.Contains(t, used, id, "kinds %v declare mistake %s, which nothing reports", kinds, id)
	}
}

func TestTCPKind(t *testing.T) {
	c := build(t, "kind: tcp\nfrom: ns0\nto: 10.0.0.2:8080\nserver_ns: ns1\nexpect_src: 10.0.0.1")
	f := kerneltest.VethPair()
	f.ProbeTCPF = func(p kernel.TCPProbe) (kernel.TCPResult, error) {
		require.Equal(t, "10.0.0.2:8080", p.Listen.String(), "listen defaults to the destination")
		require.Equal(t, "ns1", p.ServerNS)
		return kernel.TCPResult{Connected: true, SeenFrom: net.ParseIP("10.0.0.1")}, nil
	}
	r := c.Run(context.Background(), checks.Env{K: f})
	require.Equal(t, checks.Pass, r.Status, r.Why)
	f.ProbeTCPF = func(p kernel.TCPProbe) (kernel.TCPResult, error) {
		return kernel.TCPResult{Connected: true, SeenFrom: net.ParseIP("10.0.0.9")}, nil
	}
	r = c.Run(context.Background(), checks.Env{K: f})
	require.Equal(t, checks.Fail, r.Status)
	require.Equal(t, "no-snat", r.Mistake)
	f.ProbeTCPF = nil
	r = c.Run(context.Background(), checks.Env{K: f})
	require.Equal(t, checks.Fail, r.Status)
	require.NotEmpty(t, r.Mistake, r.Why)
	require.NotEmpty(t, r.Why)
}

func TestMissingToolIsAnError(t *testing.T) {
	c := build(t, "kind: nf_rule\nns: ns0\nverdict: drop")
	r := c.Run(context.Background(), checks.Env{K: toolless{kerneltest.New()}})
	require.Equal(t, checks.Error, r.Status)
	require.Contains(t, r.Why, "apt-get install nftables")
}

type toolless struct{ *kerneltest.Fake }

func (toolless) Ruleset(context.Context, string) (kernel.Ruleset, error) {
	return kernel.Ruleset{}, kernel.MissingTool("nft")
}

func TestBuildRejectsBadValues(t *testing.T) {
	reg := checks.Default()
	cases := []struct {
		check string
		field string
	}{
		{"kind: addr\nlink: x\naddr: 10.0.0.1", "addr"},
		{"kind: ping\nto: host.example", "to"},
		{"kind: ping\nto: 10.0.0.1\nexpect: maybe", "expect"},
		{"kind: route\ndst: 10.0.0.0/33", "dst"},
		{"kind: tcp\nto: 10.0.0.1:99999\nserver_ns: a", "to"},
		{"kind: nf_rule\nverdict: explode", "verdict"},
		{"kind: sysctl\nkey: kernel.panic\nvalue: 1", "key"},
		{"kind: netns\nns: '*'", "ns"},
	}
	for _, tc := range cases {
		_, err := lessonyaml.ParseCheck(reg, tc.check)
		require.Error(t, err, tc.check)
		// The error is at the line of the bad field.
		line := 0
		for i, l := range strings.Split(tc.check, "\n") {
			if strings.HasPrefix(l, tc.field+":") {
				line = i + 1
			}
		}
		require.Contains(t, err.Error(), fmt.Sprintf("line %d: ", line), tc.check)
		require.Contains(t, err.Error(), tc.field+": ", tc.check)
	}
}

// Every kind's parameter struct is what the loader enforces: each field
// is accepted, a key that is no field is refused.
func TestKindFieldsAreTheLoadersKeys(t *testing.T) {
	reg := checks.Default()
	for _, name := range reg.Names() {
		k, _ := reg.Get(name)
		require.NotEmpty(t, k.Doc, name)
		for _, f := range k.Fields() {
			require.NotEmpty(t, f.Doc, "%s.%s has no doc tag", name, f.Name)
		}
		_, err := lessonyaml.ParseCheck(reg, "kind: "+name+"\nnot_a_field: 1")
		require.ErrorContains(t, err, `takes no field "not_a_field"`)
	}
}
