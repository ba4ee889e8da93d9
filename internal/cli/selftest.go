package cli

import (
	"os"
	"time"

	"github.com/spf13/cobra"

	"github.com/netlab/netlab/i18n"
	"github.com/netlab/netlab/kernel"
	"github.com/netlab/netlab/lessons"
	"github.com/netlab/netlab/mistakes"
	"github.com/netlab/netlab/sandbox"
	"github.com/netlab/netlab/selftest"
)

// selftestUnitCmd is the hidden subcommand a sandboxed child runs.
const selftestUnitCmd = "__selftest-unit"

func (a *App) selftestCommand() *cobra.Command {
	var (
		asJSON   bool
		strict   bool
		parallel int
		chunk    int
		all      bool
		probe    time.Duration
	)
	cmd := &cobra.Command{
		Use:   "selftest [N ...]",
		Short: a.t("cmd-selftest", nil),
		Long:  a.t("cmd-selftest-long", nil),
		RunE: func(cmd *cobra.Command, args []string) error {
			var ls []*lessons.Lesson
			for _, arg := range args {
				l, err := a.lesson(arg)
				if err != nil {
					return err
				}
				ls = append(ls, l)
			}
			// Every unit runs in a sandbox of its own: no root needed,
			// only a kernel that lets this user make one.
			if a.SandboxAvailable != nil {
				if err := a.SandboxAvailable(); err != nil {
					return usageErr("%v", sandbox.ExplainIn(a.lang(), err))
				}
			}
			cat, err := mistakes.Catalog()
			if err != nil {
				return a.usage("err-catalog-load", i18n.Data{"Err": err})
			}
			self, err := os.Executable()
			if err != nil {
				return a.usage("err-self-missing-selftest", i18n.Data{"Err": err})
			}
			s := &selftest.Suite{
				Lessons: a.Lessons, Catalog: cat, Parallel: parallel, Chunk: chunk, AllMistakes: all, ProbeTimeout: probe, Strict: strict,
				Spawn: selftest.ExecSpawner(self, []string{selftestUnitCmd}, nil),
			}
			// The host is only read, from outside every sandbox (and only
			// where netlab may read every namespace: a user's sandboxes
			// cannot change the host's network at all).
			if a.Privileged() {
				if k, err := kernel.New(); err == nil {
					defer k.Close()
					s.Host = k
				}
			}
			res := s.Run(cmd.Context(), ls)
			if asJSON {
				if err := res.WriteJSON(a.Stdout); err != nil {
					return err
				}
			} else {
				res.WriteTable(a.Stdout)
			}
			if !res.Passed {
				return &exitError{code: ExitFail}
			}
			return nil
		},
	}
	cmd.Flags().BoolVar(&asJSON, "json", false, a.t("flag-json-one", nil))
	cmd.Flags().BoolVar(&strict, "strict", os.Getenv("CI") == "true", a.t("flag-selftest-strict", nil))
	cmd.Flags().IntVar(&parallel, "parallel", 0, a.t("flag-selftest-parallel", nil))
	cmd.Flags().BoolVar(&all, "all-mistakes", false, a.t("flag-selftest-all-mistakes", nil))
	cmd.Flags().IntVar(&chunk, "chunk", 0, a.t("flag-selftest-chunk", nil))
	probe = 500 * time.Millisecond
	cmd.Flags().Var(minDuration{p: &probe, min: minProbeTimeout}, "probe-timeout", a.t("flag-selftest-probe-timeout", nil))
	return cmd
}

// selftestUnitCommand runs one unit inside a sandbox and prints its JSON.
func (a *App) selftestUnitCommand() *cobra.Command {
	return &cobra.Command{
		Use:    selftestUnitCmd + " UNIT-JSON",
		Hidden: true,
		Args:   a.exactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			// a.Lessons were loaded with the App's kinds (App.Checks,
			// else checks.Default()).
			if err := selftest.UnitMainLessons(cmd.Context(), a.Lessons, args[0], a.Stdout); err != nil {
				return usageErr("%v", err)
			}
			return nil
		},
	}
}
