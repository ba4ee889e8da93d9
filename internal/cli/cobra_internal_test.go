package cli

import (
	"bytes"
	"fmt"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
	"github.com/stretchr/testify/require"

	"github.com/netlab/netlab/i18n"
	"github.com/netlab/netlab/internal/buildinfo"
)

// helpOf is the help `netlab path... --help` prints with root.
func helpOf(t *testing.T, root *cobra.Command, path []string) string {
	t.Helper()
	var out bytes.Buffer
	root.SetOut(&out)
	root.SetErr(io.Discard)
	root.SetArgs(append(append([]string{}, path...), "--help"))
	require.NoError(t, root.Execute())
	return out.String()
}

// commandPaths lists every command of root that a learner can ask help
// of, by its path below root.
func commandPaths(root *cobra.Command) [][]string {
	root.InitDefaultHelpCmd()
	root.InitDefaultCompletionCmd()
	var out [][]string
	var walk func(c *cobra.Command, path []string)
	walk = func(c *cobra.Command, path []string) {
		out = append(out, path)
		for _, sub := range c.Commands() {
			if !sub.Hidden {
				walk(sub, append(append([]string{}, path...), sub.Name()))
			}
		}
	}
	walk(root, nil)
	return out
}

// TestCobraWordsEnglishIsCobras: the catalogue's English for cobra's and
// pflag's words is cobra's own text, word for word: every command's help
// rendered through localizeCobra in English equals cobra's, and so do
// the argument and flag errors and the version line. A Chinese
// translation of cobra's words therefore translates what an English user
// really sees.
func TestCobraWordsEnglishIsCobras(t *testing.T) {
	a := &App{Lang: i18n.EN}
	paths := commandPaths(a.rootCommand())
	require.Greater(t, len(paths), 15, "the walk finds every command, help and completion's shells included")
	for _, p := range paths {
		plain := a.rootCommand()
		localized := a.rootCommand()
		a.localizeCobra(localized)
		require.Equal(t, helpOf(t, plain, p), helpOf(t, localized, p), "netlab %s --help", strings.Join(p, " "))
	}

	root := a.rootCommand()
	list, _, err := root.Find([]string{"list"})
	require.NoError(t, err)
	require.Equal(t, cobra.NoArgs(list, []string{"x"}).Error(), a.noArgs(list, []string{"x"}).Error())
	require.NoError(t, a.noArgs(list, nil))
	require.Equal(t, cobra.ExactArgs(1)(list, nil).Error(), a.exactArgs(1)(list, nil).Error())
	require.NoError(t, a.exactArgs(1)(list, []string{"x"}))

	for _, args := range [][]string{{"--bogus"}, {"-x"}, {"-jx"}, {"--file"}, {"-f"}, {"-jf"}, {"---x"}} {
		fs := pflag.NewFlagSet("t", pflag.ContinueOnError)
		fs.SetOutput(io.Discard)
		fs.BoolP("json", "j", false, "")
		fs.StringP("file", "f", "", "")
		perr := fs.Parse(args)
		require.Error(t, perr, "%q", args)
		got, ok := a.pflagError(perr)
		require.True(t, ok, "%q: %v", args, perr)
		require.Equal(t, perr.Error()+" (see netlab --help)", got.Error(), "%q", args)
	}
	_, ok := a.pflagError(fmt.Errorf("something else"))
	require.False(t, ok)

	i := buildinfo.Info{Version: "v1.2.3", Commit: "0123456789abcdef", GoVersion: "go1.26"}
	require.Equal(t, i.String(), a.versionLine(i))
}

// TestCobraWordsInChinese: in Chinese no heading, help flag, default or
// completion text of cobra's stays in English, and each is the
// catalogue's.
func TestCobraWordsInChinese(t *testing.T) {
	a := &App{Lang: i18n.ZH, ProbeTimeout: time.Second}
	root := a.rootCommand()
	out := helpOf(t, root, nil)
	for _, en := range []string{"Usage:", "Available Commands:", "Flags:", "help for netlab", "version for netlab", "Use \"netlab [command] --help\"", "Help about any command", "Generate the autocompletion"} {
		require.NotContains(t, out, en)
	}
	for _, id := range []string{"cobra-usage", "cobra-available-commands", "cobra-flags", "cobra-help-short", "cobra-completion-short"} {
		require.Contains(t, out, i18n.T(i18n.ZH, id, nil))
	}
	require.Contains(t, out, i18n.T(i18n.ZH, "cobra-flag-help", i18n.Data{"Name": "netlab"}))
	check := helpOf(t, a.rootCommand(), []string{"check"})
	require.Contains(t, check, i18n.T(i18n.ZH, "cobra-flag-default", i18n.Data{"Value": "1s"}))
	require.NotContains(t, check, "(default ")
	require.Contains(t, check, i18n.T(i18n.ZH, "cobra-global-flags", nil))
	for _, sh := range []string{"bash", "zsh", "fish", "powershell"} {
		h := helpOf(t, a.rootCommand(), []string{"completion", sh})
		require.NotContains(t, h, "To load completions", sh)
		require.Contains(t, h, "netlab completion "+sh, "the commands to type stay as they are")
	}
}

// The root's --version and -v print the version line (made only when
// asked for, see versionAsked), in the run's language; `--` ends the
// search.
func TestVersionFlag(t *testing.T) {
	for _, tc := range []struct {
		lang i18n.Lang
		args []string
	}{
		{i18n.EN, []string{"--lang", "en", "--version"}},
		{i18n.EN, []string{"--lang", "en", "-v"}},
		{i18n.ZH, []string{"--lang", "zh", "--version"}},
	} {
		var out, errOut bytes.Buffer
		a := &App{Stdout: &out, Stderr: &errOut, ProbeTimeout: time.Second}
		require.Equal(t, ExitOK, a.Run(tc.args), "%v: %s", tc.args, errOut.String())
		a2 := &App{Lang: tc.lang}
		require.Equal(t, a2.versionLine(buildinfo.Get())+"\n", out.String(), "%v", tc.args)
	}
	root := (&App{}).rootCommand()
	(&App{}).versionAsked(root, []string{"list", "--", "--version"})
	require.Equal(t, "netlab", root.Version, "an argument after -- asks for nothing")
}

// The table of commands names each command by the name it is typed by,
// and a tree built for one command has that one only and helps with it
// word for word as the whole tree does (in both languages).
func TestCommandNames(t *testing.T) {
	a := &App{ProbeTimeout: time.Second}
	cmds := a.commands()
	listed := map[string]bool{}
	for _, c := range cmds {
		listed[c.name] = true
	}
	// names are the names of the commands of root that the table lists;
	// others (completion) are cobra's, in every tree.
	names := func(root *cobra.Command) (mine []string, others int) {
		for _, c := range root.Commands() {
			if listed[c.Name()] {
				mine = append(mine, c.Name())
			} else {
				others++
			}
		}
		return mine, others
	}
	all, _ := names(a.rootCommand())
	require.Len(t, all, len(cmds))
	for _, c := range cmds {
		require.Equal(t, c.name, c.make().Name())
		for _, lang := range []i18n.Lang{i18n.EN, i18n.ZH} {
			a := &App{Lang: lang, ProbeTimeout: time.Second}
			one := a.rootFor([]string{c.name, "2"})
			mine, _ := names(one)
			require.Equal(t, []string{c.name}, mine, "netlab %s", c.name)
			require.True(t, one.CompletionOptions.DisableDefaultCmd, "a tree for netlab %s is never asked for cobra's completion command", c.name)
			require.Equal(t, helpOf(t, a.rootCommand(), []string{c.name}), helpOf(t, one, []string{c.name}), "netlab %s --help (%s)", c.name, lang)
		}
	}
	for _, args := range [][]string{nil, {}, {"--lang", "zh", "check", "2"}, {"help", "check"}, {"chekc", "2"}, {"completion", "bash"}} {
		all := a.rootFor(args)
		mine, _ := names(all)
		require.Len(t, mine, len(cmds), "%q", args)
		require.False(t, all.CompletionOptions.DisableDefaultCmd, "the whole tree has cobra's completion command (%q)", args)
	}
}
