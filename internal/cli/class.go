package cli

import (
	"io"

	"github.com/spf13/cobra"

	"github.com/netlab/netlab/class"
	"github.com/netlab/netlab/i18n"
	"github.com/netlab/netlab/internal/buildinfo"
)

// classCommand is `netlab class FILE...`: many learners' reports, one
// summary for the instructor.
func (a *App) classCommand() *cobra.Command {
	var o struct {
		html       string
		asJSON     bool
		anyVersion bool
	}
	cmd := &cobra.Command{
		Use:   "class FILE...",
		Short: a.t("cmd-class", nil),
		Long:  a.t("cmd-class-long", nil),
		Args: func(cmd *cobra.Command, args []string) error {
			if len(args) == 0 {
				return a.usage("err-class-files", nil)
			}
			return nil
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			if o.html == "" && cmd.Flags().Changed("html") {
				return a.usage("err-html-file", nil)
			}
			s := class.Load(args, class.Options{Version: buildinfo.Get().Version, AnyVersion: o.anyVersion, Lang: a.lang()})
			if len(s.Learners) == 0 {
				return a.usage("err-class-none", i18n.Data{"File": s.Skipped[0].File, "Reason": s.Skipped[0].Reason})
			}
			if o.html != "" {
				if err := a.writeFile(o.html, func(w io.Writer) error { return s.WriteHTMLIn(w, a.lang()) }); err != nil {
					return err
				}
			}
			write := func(w io.Writer) error { return s.WriteTextIn(w, a.lang()) }
			if o.asJSON {
				write = func(w io.Writer) error { return s.WriteJSON(w) }
			}
			return write(a.Stdout)
		},
	}
	cmd.Flags().StringVar(&o.html, "html", "", a.t("flag-class-html", nil))
	cmd.Flags().BoolVar(&o.asJSON, "json", false, a.t("flag-class-json", nil))
	cmd.Flags().BoolVar(&o.anyVersion, "any-version", false, a.t("flag-class-any-version", nil))
	return cmd
}
