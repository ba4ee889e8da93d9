package cli_test

import (
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/netlab/netlab/internal/cli"
	"github.com/netlab/netlab/kernel/kerneltest"
)

// notProse are the ASCII words a Chinese line may hold without being an
// English sentence: netlab's and cobra's command names, shells, and the
// value types pflag names in a flag's help.
var notProse = map[string]bool{
	"netlab": true, "list": true, "lesson": true, "check": true, "hint": true, "solve": true, "setup": true,
	"reset": true, "doctor": true, "shell": true, "watch": true, "selftest": true,
	"class": true, "completion": true, "bash": true, "zsh": true, "fish": true,
	"powershell": true, "string": true, "int": true, "duration": true, "source": true, "compinit": true,
}

var wordRE = regexp.MustCompile(`^\(?[A-Za-z][a-z']*[,.;:!?)]*$`)

// englishRun is the first run of two or more English words in a line,
// or "": `code`, flags, paths and quoted values end a run; command names
// and value types neither count nor end one.
func englishRun(line string) string {
	line = regexp.MustCompile("`[^`]*`").ReplaceAllString(line, " | ")
	var run []string
	for _, w := range strings.Fields(line) {
		switch {
		case notProse[strings.ToLower(strings.Trim(w, "\"'(),.;:!?"))]:
		case wordRE.MatchString(w):
			run = append(run, w)
			if len(run) >= 2 {
				return strings.Join(run, " ")
			}
		default:
			run = run[:0]
		}
	}
	return ""
}

// sweepArgs are the help and error paths a learner meets before any
// lesson: every command's help, cobra's help and completion commands,
// unknown commands and flags, missing flag values, extra arguments.
var sweepArgs = [][]string{
	{"--help"}, {"help"}, {"help", "--help"}, {"list", "--help"}, {"lesson", "--help"}, {"check", "--help"},
	{"hint", "--help"}, {"solve", "--help"}, {"setup", "--help"}, {"reset", "--help"}, {"doctor", "--help"},
	{"shell", "--help"}, {"watch", "--help"}, {"selftest", "--help"}, {"version", "--help"}, {"class", "--help"},
	{"completion", "--help"}, {"completion", "bash", "--help"}, {"completion", "zsh", "--help"},
	{"completion", "fish", "--help"}, {"completion", "powershell", "--help"},
	{"bogus"}, {"list", "extra"}, {"version", "extra"}, {"list", "--bogus"}, {"list", "-x"}, {"check", "2", "--junit"},
	{"check", "2", "-jx"}, {"lesson", "99"}, {"check", "abc"}, {"check"}, {"hint"}, {"class"}, {"version"}, {"-v"},
	{"__tickd"},
}

// TestNoEnglishSentenceInChinese runs every help and error path with
// --lang zh and finds no English sentence in what netlab says; the same
// paths in English do show English, so the detector sees what it must.
func TestNoEnglishSentenceInChinese(t *testing.T) {
	locale(t, "", "", "en_US.UTF-8")
	englishSeen := 0
	for _, args := range sweepArgs {
		for _, lang := range []string{"zh", "en"} {
			a, out, errb := app(kerneltest.New(), true)
			code := a.Run(append(append([]string{}, args...), "--lang", lang))
			require.Contains(t, []int{cli.ExitOK, cli.ExitUsage}, code, "%q", args)
			text := out.String() + errb.String()
			require.NotEmpty(t, strings.TrimSpace(text), "%q says nothing", args)
			for _, line := range strings.Split(text, "\n") {
				run := englishRun(line)
				if lang == "zh" {
					require.Empty(t, run, "netlab %s --lang zh says English: %q", strings.Join(args, " "), line)
				} else if run != "" {
					englishSeen++
				}
			}
		}
	}
	require.Greater(t, englishSeen, len(sweepArgs), "the English runs are found in English")
}

func TestEnglishRun(t *testing.T) {
	require.Equal(t, "help for", englishRun("  -h, --help   help for netlab"))
	require.Equal(t, "Generate the", englishRun("  bash   Generate the autocompletion script for bash"))
	require.Equal(t, "", englishRun("  -h, --help   显示 netlab 的帮助"))
	require.Equal(t, "", englishRun("\tsource <(netlab completion bash)"))
	require.Equal(t, "", englishRun("运行 `netlab setup 8 --seed S` 会得到同样的故障"))
	require.NotEmpty(t, englishRun(`unknown command "bogus" for "netlab"`))
}
