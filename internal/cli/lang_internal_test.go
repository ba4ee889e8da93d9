package cli

import (
	"testing"

	"github.com/stretchr/testify/require"
)

func TestLangArg(t *testing.T) {
	for _, c := range []struct {
		args []string
		want string
	}{
		{nil, ""},
		{[]string{"lesson", "1"}, ""},
		{[]string{"lesson", "1", "--lang", "zh"}, "zh"},
		{[]string{"--lang=en", "check", "2"}, "en"},
		{[]string{"--lang", "zh", "check", "--lang=en"}, "en"},
		{[]string{"lesson", "--", "1", "--lang", "en"}, ""},
		{[]string{"--lang", "zh", "--", "--lang", "en"}, "zh"},
		{[]string{"lesson", "1", "--lang"}, ""},
		{[]string{"--language", "zh"}, ""},
	} {
		require.Equal(t, c.want, langArg(c.args), "%q", c.args)
	}
}
