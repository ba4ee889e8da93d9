package guided

import (
	"errors"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/netlab/netlab/i18n"
	"github.com/netlab/netlab/lessons"
	"github.com/netlab/netlab/runner"
)

// When the kernel's state cannot be opened, every check says so, in the
// learner's language too.
func TestErrorResultsSaid(t *testing.T) {
	ls, err := lessons.LoadEmbedded()
	require.NoError(t, err)
	l := ls[1]
	rep := runner.NewReport(l, errorResults(l, errors.New("permission denied")))
	require.False(t, rep.Passed)
	c := rep.Steps[0].Checks[0]
	require.Equal(t, "netlab cannot open the kernel's network state: permission denied", c.Why)
	zh := rep.Localized(i18n.ZH)
	require.Equal(t, "netlab 打不开内核的网络状态：permission denied", zh.Steps[0].Checks[0].Why)
}
