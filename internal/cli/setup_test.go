package cli_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/netlab/netlab/internal/cli"
	"github.com/netlab/netlab/kernel/kerneltest"
)

// setup of a lesson that starts from an empty lab runs nothing (the test
// shell refuses every command) and says so.
func TestSetupEmptyStart(t *testing.T) {
	a, out, errb := app(kerneltest.New(), true)
	require.Equal(t, cli.ExitOK, a.Run([]string{"setup", "5"}), errb.String())
	require.Contains(t, out.String(), "starts from an empty lab")
}

func TestSetupUsage(t *testing.T) {
	for _, args := range [][]string{{"setup"}, {"setup", "5", "--seed", "3"}, {"setup", "1", "2"}} {
		a, _, errb := app(kerneltest.New(), true)
		require.Equal(t, cli.ExitUsage, a.Run(args), "%v", args)
		require.NotEmpty(t, oneLine(t, errb.String()))
	}
}

// setup of lesson 7 builds lesson 3's network: the first command it runs
// is lesson 3's (here refused by the test shell, so setup fails).
func TestSetupBuildsTheRequiredLesson(t *testing.T) {
	a, out, errb := app(kerneltest.New(), true)
	require.Equal(t, cli.ExitFail, a.Run([]string{"setup", "ipv6"}))
	require.Contains(t, out.String(), "starts from lesson 3's (bridge) finished network")
	require.Contains(t, errb.String(), "ip link add br0 type bridge")
}

// setup says where a lesson starts from in the run's language.
func TestSetupSaysItInChinese(t *testing.T) {
	a, out, errb := app(kerneltest.New(), true)
	require.Equal(t, cli.ExitOK, a.Run([]string{"setup", "5", "--lang", "zh"}), errb.String())
	require.Equal(t, "第 5 课（router）从空的实验环境开始：没有什么要搭建的。\n", out.String())
	a, out, _ = app(kerneltest.New(), true)
	require.Equal(t, cli.ExitFail, a.Run([]string{"setup", "ipv6", "--lang", "zh"}))
	require.Contains(t, out.String(), "# 第 7 课（ipv6）从第 3 课（bridge）完成后的网络开始\n")
}
