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
		Long: `Reads many learners' reports, one file per learner, as written by
  netlab check --all --json --learner NAME > NAME.json
(the learner's name is the file's name when the report has none) and prints,
per lesson, how many finished, the step where the others are stuck, and the
most common diagnosed mistakes. A broken file, or a report of another netlab
version, is named and skipped.`,
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
			s := class.Load(args, class.Options{Version: buildinfo.Get().Version, AnyVersion: o.anyVersion})
			if len(s.Learners) == 0 {
				return a.usage("err-class-none", i18n.Data{"File": s.Skipped[0].File, "Reason": s.Skipped[0].Reason})
			}
			if o.html != "" {
				if err := a.writeFile(o.html, s.WriteHTML); err != nil {
					return err
				}
			}
			write := s.WriteText
			if o.asJSON {
				write = func(w io.Writer) error { return s.WriteJSON(w) }
			}
			return write(a.Stdout)
		},
	}
	cmd.Flags().StringVar(&o.html, "html", "", "also write one self-contained HTML page with a chart per lesson to `FILE`")
	cmd.Flags().BoolVar(&o.asJSON, "json", false, "print the summary as JSON")
	cmd.Flags().BoolVar(&o.anyVersion, "any-version", false, "read reports of other netlab versions too")
	return cmd
}
