package checks_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/netlab/netlab/checks"
	"github.com/netlab/netlab/kernel"
	"github.com/netlab/netlab/kernel/kerneltest"
	"github.com/netlab/netlab/lessons/lessonyaml"
)

// A TCP probe whose server namespace is missing names that namespace, not
// the client's.
func TestTCPNamesMissingNamespace(t *testing.T) {
	for _, tc := range []struct{ missing, want string }{
		{"internet", "namespace internet does not exist"},
		{"ns0", "namespace ns0 does not exist"},
	} {
		t.Run(tc.missing, func(t *testing.T) {
			f := kerneltest.New()
			for _, ns := range []string{"ns0", "internet"} {
				if ns != tc.missing {
					f.Add(ns)
				}
			}
			f.ProbeTCPF = func(p kernel.TCPProbe) (kernel.TCPResult, error) {
				return kernel.TCPResult{}, fmt.Errorf("%s: %w", tc.missing, kernel.ErrNoNamespace)
			}
			c, err := lessonyaml.ParseCheck(checks.Default(), "kind: tcp\nfrom: ns0\nto: 203.0.113.1\nserver_ns: internet")
			require.NoError(t, err)
			r := c.Check.Run(context.Background(), checks.Env{K: f})
			require.Equal(t, checks.Fail, r.Status)
			require.Contains(t, r.Why, tc.want)
		})
	}
}
