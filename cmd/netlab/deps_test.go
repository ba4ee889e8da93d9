package main

import (
	"os/exec"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// Every netlab start pays the package init of everything the binary
// links, and `netlab check` is measured as a whole process (issue 11).
// These libraries serve only the generators and the tests, or were
// replaced: none may come back into the binary.
var notLinked = []struct{ prefix, why string }{
	{"go.yaml.in/yaml", "the lessons, catalogue and messages are compiled into Go; lessons/lessonyaml and mistakes/mistakeyaml decode YAML for the generators and the tests"},
	{"gopkg.in/yaml", "as go.yaml.in/yaml"},
	{"github.com/goccy/go-yaml", "as go.yaml.in/yaml"},
	{"github.com/nicksnyder/go-i18n", "the compiled catalogue is netlab's own type; go-i18n parses and checks it in the generator and the tests"},
	{"golang.org/x/text", "pulled only by go-i18n"},
	{"net/http", "the pinger is netlab's own (kernel/ping.go); pro-bing's HTTP pinger brought net/http"},
	{"crypto/tls", "as net/http"},
	{"github.com/mattn/go-runewidth", "its measure of every rune is compiled into i18n/width_table.go: its init (part of a 2 MB lookup table) ran on every start"},
	{"crypto", "random bytes come from getrandom(2) (internal/random): crypto/rand brought a dozen crypto packages' init and set up a generator on its first read"},
}

func TestBinaryLinksNoTestOnlyLibraries(t *testing.T) {
	out, err := exec.Command("go", "list", "-deps", ".").CombinedOutput()
	require.NoError(t, err, "%s", out)
	deps := strings.Fields(string(out))
	require.Contains(t, deps, "github.com/netlab/netlab/lessons", "the list is netlab's dependencies")
	for _, d := range deps {
		for _, n := range notLinked {
			require.False(t, d == n.prefix || strings.HasPrefix(d, n.prefix+"/"), "netlab links %s: %s", d, n.why)
		}
	}
}
