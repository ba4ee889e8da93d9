package i18n

import (
	"errors"
	"net"
	"regexp"
	"strings"
	"testing"
	"text/template"
	"time"

	"github.com/stretchr/testify/require"
)

type nilErr struct{}

func (*nilErr) Error() string { return "nil error" }

type plainStruct struct{ A, B int }

var fieldRE = regexp.MustCompile(`\.([A-Za-z_][A-Za-z0-9_]*)`)

// TestSubstituteIsTemplate: every message of the catalogue, filled with
// values of every kind netlab passes (and some it does not), says the
// same through substitute as through text/template; substitute leaves to
// text/template what it cannot say the same way, and says most messages
// itself.
func TestSubstituteIsTemplate(t *testing.T) {
	values := []any{
		"veth0 <&> \"ns1\" 网桥", "", 42, -3, int64(1) << 40, uint8(7), 2.5, float32(0.1), true,
		1500 * time.Millisecond, net.ParseIP("10.0.0.1"), net.IPv4Mask(255, 255, 255, 0),
		errors.New("boom"), (*nilErr)(nil), &net.IPNet{IP: net.IPv4(10, 0, 0, 1), Mask: net.CIDRMask(24, 32)},
		// text/template prints these its own way: substitute must not.
		nil, plainStruct{1, 2}, &plainStruct{3, 4}, EN, []string{"a"}, map[string]int{"a": 1},
	}
	said, withActions := 0, 0
	for _, lang := range []Lang{EN, ZH} {
		for _, m := range compiledCatalogue[lang] {
			left, right := m.LeftDelim, m.RightDelim
			if left == "" {
				left, right = "{{", "}}"
			}
			for _, src := range []string{m.One, m.Other} {
				if !strings.Contains(src, left) {
					continue
				}
				withActions++
				tmpl, err := template.New("").Delims(left, right).Option("missingkey=default").Parse(src)
				require.NoError(t, err, m.ID)
				var names []string
				for _, f := range fieldRE.FindAllStringSubmatch(src, -1) {
					names = append(names, f[1])
				}
				datas := []Data{nil, {}}
				for i, v := range values {
					d := Data{}
					for k, n := range names {
						d[n] = values[(i+k)%len(values)]
					}
					d["Unused"] = v
					datas = append(datas, d)
				}
				for _, d := range datas {
					got, ok := substitute(src, left, right, d)
					if !ok {
						continue
					}
					var want strings.Builder
					require.NoError(t, tmpl.Execute(&want, d), m.ID)
					require.Equal(t, want.String(), got, "%s: %q with %v", m.ID, src, d)
				}
				if _, ok := substitute(src, left, right, Data{}); ok {
					said++
				}
			}
		}
	}
	require.Greater(t, withActions, 300, "the catalogue's messages with fields")
	require.Greater(t, said*10, withActions*8, "substitute says most of them itself (%d of %d)", said, withActions)
	t.Logf("substitute says %d of %d messages with fields", said, withActions)

	for _, src := range []string{"{{- .A}}", "{{.A -}}", "{{.A.B}}", "{{.A | printf \"%q\"}}", "{{if .A}}x{{end}}", "{{/* c */}}", "{{.}}", "{{.A", "{{ $x := .A }}", "{{.1}}"} {
		_, ok := substitute(src, "{{", "}}", Data{"A": "a"})
		require.False(t, ok, "%q is text/template's", src)
	}
	got, ok := substitute("{{ .A }} and [[.B]] and {{.C}}}", "{{", "}}", Data{"A": 1, "C": "c"})
	require.True(t, ok)
	require.Equal(t, "1 and [[.B]] and c}", got)
}
