package checks_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/netlab/netlab/checks"
	"github.com/netlab/netlab/lessons/lessonyaml"
)

// Bad ping6 targets fail at load, naming the field.
func TestPing6RejectsBadTargets(t *testing.T) {
	for _, y := range []string{
		"from: ns0\nto: 10.0.0.1",
		"from: ns0\nto: fe80::1",
		"from: ns0\nto: fe80::1%eth0\ndev: eth0",
		"from: ns0\nto: link-local\ndev: eth0",
		"from: ns0\nto: fd00::1\nexpect: maybe",
		"from: ns0\nto: fd00::1\npeer: eth0",
	} {
		_, err := lessonyaml.ParseCheck(checks.Default(), "kind: ping6\n"+y)
		require.Error(t, err, y)
	}
	_, err := lessonyaml.ParseCheck(checks.Default(), "kind: ping6\nfrom: ns0\nto: link-local\npeer: eth0\npeer_ns: ns1\ndev: eth0")
	require.NoError(t, err)
}
