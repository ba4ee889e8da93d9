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
	{"net/http", "the pinger is netlab's own (kernel/ping.go); pro-bing's HTTP pinger brought net/http (and crypto/tls)"},
	{"github.com/mattn/go-runewidth", "its measure of every rune is compiled into i18n/width_table.go: its init (part of a 2 MB lookup table) ran on every start"},
	{"crypto", "random bytes come from getrandom(2) (internal/random): crypto/rand brought a dozen crypto packages' init and set up a generator on its first read"},
	{"html/template", "the class page is written with html.EscapeString (class/render.go): html/template's init (maps, regexps) ran on every start"},
	{"encoding/xml", "the JUnit report is written by hand (report/junit.go, byte for byte what encoding/xml wrote): its init ran on every start"},
	{"github.com/fatih/color", "four SGR sequences of internal/style's own: its init and terminal check ran on every start"},
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
