package checks_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/netlab/netlab/checks"
	"github.com/netlab/netlab/kernel"
	"github.com/netlab/netlab/kernel/kerneltest"
)

// A TCP probe whose server namespace is missing names that namespace, not
// the client's.
func TestTCPNamesMissingNamespace(t *testing.T) {
	for _, c := range []struct{ missing, want string }{
		{"internet", "namespace internet does not exist"},
		{"ns0", "namespace ns0 does not exist"},
	} {
		t.Run(c.missing, func(t *testing.T) {
			f := kerneltest.New()
			for _, ns := range []string{"ns0", "internet"} {
				if ns != c.missing {
					f.Add(ns)
				}
			}
			f.ProbeTCPF = func(p kernel.TCPProbe) (kernel.TCPResult, error) {
				return kernel.TCPResult{}, fmt.Errorf("%s: %w", c.missing, kernel.ErrNoNamespace)
			}
			chk, err := checks.TCPKind.Build(checks.Params{From: "ns0", To: "203.0.113.1", ServerNS: "internet"})
			require.NoError(t, err)
			r := chk.Run(context.Background(), checks.Env{K: f})
			require.Equal(t, checks.Fail, r.Status)
			require.Contains(t, r.Why, c.want)
		})
	}
}
