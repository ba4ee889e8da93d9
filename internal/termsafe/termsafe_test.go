package termsafe_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/netlab/netlab/internal/termsafe"
)

func TestEscape(t *testing.T) {
	for in, want := range map[string]string{
		"ns0":               "ns0",
		"":                  "",
		"brücke-ñ 桥":        "brücke-ñ 桥",
		"a\nb":              `a\nb`,
		"tab\there":         `tab\there`,
		"\x1b]0;pwned\x07":  `\x1b]0;pwned\a`,
		"\x1b[2J\x1b[H":     `\x1b[2J\x1b[H`,
		"del\x7f":           `del\x7f`,
		"c1\u009b31m":       `c1\u009b31m`,
		"bad\xffutf8":       `bad\xffutf8`,
		"evil\u202ecod.exe": `evil\u202ecod.exe`,
		"iso\u2066x\u2069":  `iso\u2066x\u2069`,
		"line\u2028sep":     `line\u2028sep`,
		"back\\slash stays": `back\slash stays`,
		"cr\rover":          `cr\rover`,
		"nul\x00":           `nul\x00`,
		"ünïcode then \x1b": `ünïcode then \x1b`,
	} {
		require.Equal(t, want, termsafe.Escape(in), "%q", in)
	}
}

// Whatever goes in, nothing a terminal acts on comes out.
func TestEscapeLeavesNoControl(t *testing.T) {
	for c := 0; c < 0x110000; c += 1 + c/0x3000*6 { // every rune below U+3000, then a sample
		out := termsafe.Escape(fmt.Sprintf("x%cy", rune(c)))
		for _, r := range out {
			require.False(t, r < 0x20 || r == 0x7f || (r >= 0x80 && r < 0xa0) || (r >= 0x202a && r <= 0x202e), "%U", c)
		}
	}
}

func ExampleEscape() {
	fmt.Println(termsafe.Escape("ns\x1b]0;owned\x07\nnext"))
	// Output: ns\x1b]0;owned\a\nnext
}

func TestWriter(t *testing.T) {
	var b strings.Builder
	w := &termsafe.Writer{W: &b}
	in := "removed namespace evil\x1b]0;x\x07\n\tport\tbr0\r\nbrücke"
	// Byte by byte: runes split between writes stay whole.
	for i := 0; i < len(in); i++ {
		n, err := w.Write([]byte{in[i]})
		require.NoError(t, err)
		require.Equal(t, 1, n)
	}
	require.NoError(t, w.Flush())
	require.Equal(t, "removed namespace evil\\x1b]0;x\\a\n\tport\tbr0\\r\nbrücke", b.String())

	b.Reset()
	w = &termsafe.Writer{W: &b}
	_, err := w.Write([]byte("cut \xc3"))
	require.NoError(t, err)
	require.NoError(t, w.Flush())
	require.Equal(t, `cut \xc3`, b.String())
}
