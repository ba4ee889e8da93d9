package cli

import (
	"context"
	"os"
	"os/signal"
	"strconv"
	"syscall"

	"github.com/spf13/cobra"
)

// tickdCommand is `netlab __tickd SHELLPID`, the grading server that the
// guided shell's rc file starts inside the sandbox (see guided.Ticker.Serve
// and guided.Session.Shell). It ends when the shell ends.
func (a *App) tickdCommand() *cobra.Command {
	return &cobra.Command{
		Use:    "__tickd SHELLPID",
		Hidden: true,
		Args:   a.exactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			pid, err := strconv.Atoi(args[0])
			if err != nil {
				return usageErr("__tickd needs the shell's pid")
			}
			t, _, err := a.ticker(true)
			if err != nil {
				return err
			}
			// The terminal's signals are for the learner's commands.
			signal.Ignore(os.Interrupt, syscall.SIGQUIT, syscall.SIGTSTP, syscall.SIGTTOU, syscall.SIGTTIN, syscall.SIGHUP)
			if err := t.Serve(context.Background(), pid); err != nil {
				return usageErr("__tickd: %v", err)
			}
			return nil
		},
	}
}
