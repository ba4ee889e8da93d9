package cli

import (
	"os"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// The README's quick start works on a fresh Debian or Ubuntu machine: it
// names the Go version go.mod asks for and the real minimum (1.21, the
// first go command that fetches the toolchain go.mod asks for), an install
// line per distribution, every package-manager command with sudo, the
// time the cold build and the tests take, and the two commands .ci/run
// greps for.
func TestReadmeQuickStart(t *testing.T) {
	b, err := os.ReadFile("../../README.md")
	require.NoError(t, err)
	readme := string(b)
	start := strings.Index(readme, "## Quick start")
	require.GreaterOrEqual(t, start, 0)
	end := strings.Index(readme[start+1:], "\n## ")
	require.Greater(t, end, 0)
	qs := readme[start : start+1+end]

	mod, err := os.ReadFile("../../go.mod")
	require.NoError(t, err)
	m := regexp.MustCompile(`(?m)^go (\S+)$`).FindSubmatch(mod)
	require.NotNil(t, m)
	require.Contains(t, qs, "Go "+string(m[1]), "the quick start names the version go.mod asks for")
	require.Contains(t, qs, "Go\n1.21 on")
	for _, distro := range []string{"Ubuntu 24.04", "Debian 12", "Ubuntu 22.04", "bookworm-backports"} {
		require.Contains(t, qs, distro)
	}
	for _, line := range regexp.MustCompile("(?:apt-get|snap|add-apt-repository|tar -C) [^`\n]*").FindAllString(qs, -1) {
		i := strings.Index(qs, line)
		require.True(t, strings.HasSuffix(qs[:i], "sudo "), "no sudo before %q", line)
	}
	require.Contains(t, qs, "go build -o netlab ./cmd/netlab && sudo ./netlab lesson 1")
	require.Contains(t, qs, `sudo --preserve-env=CI "$(command -v go)" test -count=1 ./...`)
	require.Regexp(t, `cold build .* took \d+ min \d+ s`, strings.ReplaceAll(qs, "\n", " "))
	require.Regexp(t, `whole test suite .* took \d+ min \d+ s`, strings.ReplaceAll(qs, "\n", " "))
}

// TestReadmeChinese: the README links to the Chinese section, which has
// the two quick-start commands exactly as the English one, and --lang.
func TestReadmeChinese(t *testing.T) {
	en, err := os.ReadFile("../../README.md")
	require.NoError(t, err)
	zh, err := os.ReadFile("../../README.zh.md")
	require.NoError(t, err)
	require.Contains(t, string(en), "](README.zh.md)")
	for _, cmd := range []string{
		"go build -o netlab ./cmd/netlab && sudo ./netlab lesson 1",
		`sudo --preserve-env=CI "$(command -v go)" test -count=1 ./...`,
	} {
		require.Contains(t, string(en), "\n"+cmd+"\n")
		require.Contains(t, string(zh), "\n"+cmd+"\n")
	}
	require.Contains(t, string(zh), "--lang zh")
	require.Contains(t, string(zh), "快速开始")
}
