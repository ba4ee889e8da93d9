package cli

import (
	"errors"
	"fmt"
	"strings"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/netlab/netlab/i18n"
)

// localizeCobra says cobra's own words in the run's language: the
// usage template's headings, the help and completion commands, the help
// and version flags, and the "(default X)" pflag adds to a flag's help.
// cobra and pflag have no message catalogue of their own, so netlab's
// catalogue carries their English text word for word
// (TestCobraWordsEnglishIsCobras) and its translations. In English the
// tree is left as cobra makes it.
func (a *App) localizeCobra(root *cobra.Command) {
	root.SetUsageTemplate(a.usageTemplate())
	root.InitDefaultHelpCmd()
	root.InitDefaultCompletionCmd()
	for _, c := range root.Commands() {
		switch c.Name() {
		case "help":
			a.localizeHelpCmd(root, c)
		case "completion":
			a.localizeCompletion(root, c)
		}
	}
	if root.Version != "" && root.Flags().Lookup("version") == nil {
		root.Flags().BoolP("version", "v", false, a.t("cobra-flag-version", i18n.Data{"Name": root.DisplayName()}))
		_ = root.Flags().SetAnnotation("version", cobra.FlagSetByCobraAnnotation, []string{"true"})
	}
	var walk func(c *cobra.Command)
	walk = func(c *cobra.Command) {
		if c.Flags().Lookup("help") == nil {
			c.Flags().BoolP("help", "h", false, a.t("cobra-flag-help", i18n.Data{"Name": c.DisplayName()}))
			_ = c.Flags().SetAnnotation("help", cobra.FlagSetByCobraAnnotation, []string{"true"})
		}
		a.localizeDefaults(c.LocalNonPersistentFlags())
		a.localizeDefaults(c.PersistentFlags())
		for _, sub := range c.Commands() {
			walk(sub)
		}
	}
	walk(root)
}

// localizeDefaults moves pflag's English " (default X)" into the flag's
// help, in the run's language: DefValue, which serves nothing but the
// help, becomes a value pflag takes for its type's zero and prints no
// default for. Whether pflag prints one is asked of pflag itself.
func (a *App) localizeDefaults(fs *pflag.FlagSet) {
	fs.VisitAll(func(f *pflag.Flag) {
		const mark = "\x00"
		usage, def := f.Usage, f.DefValue
		f.Usage = mark
		defer func() { f.Usage = usage }()
		shown := func() bool {
			one := pflag.NewFlagSet("", pflag.ContinueOnError)
			one.AddFlag(f)
			return !strings.HasSuffix(strings.TrimRight(one.FlagUsages(), "\n"), mark)
		}
		if !shown() {
			return
		}
		for _, zero := range []string{"", "0", "0s", "false", "<nil>", "[]"} {
			if f.DefValue = zero; !shown() {
				v := def
				if f.Value.Type() == "string" {
					v = fmt.Sprintf("%q", def)
				}
				usage += a.t("cobra-flag-default", i18n.Data{"Value": v})
				return
			}
		}
		f.DefValue = def // pflag's English default stays: better than none
	})
}

// usageTemplate is cobra's default usage template with its headings from
// the catalogue.
func (a *App) usageTemplate() string {
	h := func(id string) string { return a.t(id, nil) }
	return h("cobra-usage") + `{{if .Runnable}}
  {{.UseLine}}{{end}}{{if .HasAvailableSubCommands}}
  {{.CommandPath}} [command]{{end}}{{if gt (len .Aliases) 0}}

` + h("cobra-aliases") + `
  {{.NameAndAliases}}{{end}}{{if .HasExample}}

` + h("cobra-examples") + `
{{.Example}}{{end}}{{if .HasAvailableSubCommands}}{{$cmds := .Commands}}{{if eq (len .Groups) 0}}

` + h("cobra-available-commands") + `{{range $cmds}}{{if (or .IsAvailableCommand (eq .Name "help"))}}
  {{rpad .Name .NamePadding }} {{.Short}}{{end}}{{end}}{{else}}{{range $group := .Groups}}

{{.Title}}{{range $cmds}}{{if (and (eq .GroupID $group.ID) (or .IsAvailableCommand (eq .Name "help")))}}
  {{rpad .Name .NamePadding }} {{.Short}}{{end}}{{end}}{{end}}{{if not .AllChildCommandsHaveGroup}}

` + h("cobra-additional-commands") + `{{range $cmds}}{{if (and (eq .GroupID "") (or .IsAvailableCommand (eq .Name "help")))}}
  {{rpad .Name .NamePadding }} {{.Short}}{{end}}{{end}}{{end}}{{end}}{{end}}{{if .HasAvailableLocalFlags}}

` + h("cobra-flags") + `
{{.LocalFlags.FlagUsages | trimTrailingWhitespaces}}{{end}}{{if .HasAvailableInheritedFlags}}

` + h("cobra-global-flags") + `
{{.InheritedFlags.FlagUsages | trimTrailingWhitespaces}}{{end}}{{if .HasHelpSubCommands}}

` + h("cobra-help-topics") + `{{range .Commands}}{{if .IsAdditionalHelpTopicCommand}}
  {{rpad .CommandPath .CommandPathPadding}} {{.Short}}{{end}}{{end}}{{end}}{{if .HasAvailableSubCommands}}

` + a.t("cobra-more-help", i18n.Data{"Cmd": "{{.CommandPath}}"}) + `{{end}}
`
}

// localizeHelpCmd says cobra's help command in the run's language,
// including its "Unknown help topic".
func (a *App) localizeHelpCmd(root, help *cobra.Command) {
	help.Short = a.t("cobra-help-short", nil)
	help.Long = a.t("cobra-help-long", i18n.Data{"Name": root.DisplayName()})
	run := help.Run
	help.Run = func(c *cobra.Command, args []string) {
		if cmd, _, err := c.Root().Find(args); cmd == nil || err != nil {
			c.Println(a.t("cobra-help-unknown", i18n.Data{"Topic": fmt.Sprintf("%#q", args)}))
			cobra.CheckErr(c.Root().Usage())
			return
		}
		run(c, args)
	}
}

// completionLong is the id of the long help of cobra's completion
// subcommand for shell. (A switch: a package-level map is built at every
// start of netlab.)
func completionLong(shell string) (string, bool) {
	switch shell {
	case "bash":
		return "cobra-completion-bash-long", true
	case "zsh":
		return "cobra-completion-zsh-long", true
	case "fish":
		return "cobra-completion-fish-long", true
	case "powershell":
		return "cobra-completion-powershell-long", true
	}
	return "", false
}

func (a *App) localizeCompletion(root, comp *cobra.Command) {
	name := i18n.Data{"Name": root.Name()}
	comp.Short = a.t("cobra-completion-short", nil)
	comp.Long = a.t("cobra-completion-long", name)
	for _, sh := range comp.Commands() {
		sh.Short = a.t("cobra-completion-shell-short", i18n.Data{"Shell": sh.Name()})
		if id, ok := completionLong(sh.Name()); ok {
			sh.Long = a.t(id, name)
		}
		if f := sh.Flags().Lookup("no-descriptions"); f != nil {
			f.Usage = a.t("cobra-completion-no-desc", nil)
		}
	}
}

// noArgs is cobra.NoArgs in the run's language.
func (a *App) noArgs(cmd *cobra.Command, args []string) error {
	if len(args) > 0 {
		return a.usage("cobra-unknown-command", i18n.Data{"Arg": fmt.Sprintf("%q", args[0]), "Cmd": fmt.Sprintf("%q", cmd.CommandPath())})
	}
	return nil
}

// exactArgs is cobra.ExactArgs in the run's language.
func (a *App) exactArgs(n int) cobra.PositionalArgs {
	return func(_ *cobra.Command, args []string) error {
		if len(args) != n {
			return a.usage("cobra-accepts-args", i18n.Data{"N": n, "Got": len(args)})
		}
		return nil
	}
}

// pflagError says pflag's parse errors (an unknown flag, a flag without
// its value, bad syntax) in the run's language; ok is false for others.
func (a *App) pflagError(err error) (error, bool) {
	var (
		ne *pflag.NotExistError
		vr *pflag.ValueRequiredError
		se *pflag.InvalidSyntaxError
	)
	short := func(name, group string) i18n.Data {
		return i18n.Data{"Char": fmt.Sprintf("%q", []rune(name)[0]), "Group": group}
	}
	switch {
	case errors.As(err, &ne) && strings.HasPrefix(ne.Error(), "unknown flag: "):
		return a.usage("flag-unknown", i18n.Data{"Flag": ne.GetSpecifiedName()}), true
	case errors.As(err, &ne) && strings.HasPrefix(ne.Error(), "unknown shorthand flag: ") && ne.GetSpecifiedName() != "":
		return a.usage("flag-unknown-short", short(ne.GetSpecifiedName(), ne.GetSpecifiedShortnames())), true
	case errors.As(err, &vr) && vr.GetSpecifiedShortnames() != "" && vr.GetSpecifiedName() != "":
		return a.usage("flag-needs-value-short", short(vr.GetSpecifiedName(), vr.GetSpecifiedShortnames())), true
	case errors.As(err, &vr):
		return a.usage("flag-needs-value", i18n.Data{"Flag": vr.GetSpecifiedName()}), true
	case errors.As(err, &se):
		return a.usage("flag-bad-syntax", i18n.Data{"Flag": se.GetSpecifiedFlag()}), true
	}
	return nil, false
}
