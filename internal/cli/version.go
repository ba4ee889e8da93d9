package cli

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"

	"github.com/spf13/cobra"

	"github.com/netlab/netlab/i18n"
	"github.com/netlab/netlab/internal/buildinfo"
	"github.com/netlab/netlab/internal/style"
)

// versionCommand is `netlab version [--json]`: version, commit, Go version.
func (a *App) versionCommand() *cobra.Command {
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "version",
		Short: a.t("cmd-version", nil),
		Args:  a.noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			i := buildinfo.Get()
			if asJSON {
				return json.NewEncoder(a.Stdout).Encode(i)
			}
			_, err := fmt.Fprintln(a.Stdout, a.t("version-text", i18n.Data{"Version": i.Version, "Commit": i.Commit, "Go": i.GoVersion}))
			return err
		},
	}
	cmd.Flags().BoolVar(&asJSON, "json", false, a.t("flag-json-one", nil))
	return cmd
}

// withVersionAndCompletion gives the root command --version and cobra's
// `completion bash|zsh|fish|powershell` command (the packages install its
// output in the shells' standard places).
func (a *App) withVersionAndCompletion(root *cobra.Command) {
	// The line itself is made only when --version is asked for (see
	// versionAsked): reading the build information costs every start
	// (`netlab --help`, a prompt's grade) a tenth of a millisecond. cobra
	// needs a non-empty Version to give the root its --version flag.
	root.Version = "netlab"
	root.SetVersionTemplate("{{.Version}}\n")
	root.CompletionOptions.DisableDefaultCmd = false
	root.CompletionOptions.HiddenDefaultCmd = false
}

// Command is netlab's command tree, for generators of man pages and
// completions (packaging/gendocs).
func (a *App) Command() *cobra.Command {
	root := a.rootCommand()
	root.Version = a.versionLine(buildinfo.Get())
	root.InitDefaultCompletionCmd()
	return root
}

// styled colours marks and headings written to w when w is a terminal
// and colour is not turned off (internal/style).
func (a *App) styled(w io.Writer) io.Writer { return style.Writer(w, a.NoColor) }

// versionAsked fills in the root's version line when args ask for it
// (the root's --version or -v; cobra gives no subcommand that flag).
func (a *App) versionAsked(root *cobra.Command, args []string) {
	for _, arg := range args {
		if arg == "--" {
			return
		}
		if arg == "--version" || arg == "-v" || strings.HasPrefix(arg, "--version=") {
			root.Version = a.versionLine(buildinfo.Get())
			return
		}
	}
}

// versionLine is buildinfo.Info.String in the run's language.
func (a *App) versionLine(i buildinfo.Info) string {
	c := i.Commit
	if len(c) > 12 {
		c = c[:12]
	}
	return a.t("version-line", i18n.Data{"Version": i.Version, "Commit": c, "Go": i.GoVersion})
}
