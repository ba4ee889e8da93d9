package cli

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"os/signal"
	"path/filepath"
	"strconv"
	"syscall"

	"github.com/spf13/cobra"
	"golang.org/x/sys/unix"
)

// The guided bash shell talks to a grading server through two FIFOs in the
// session directory, so that the per-prompt re-grade costs no fork, no Go
// start-up and no lesson loading: the prompt hook writes a sequence number
// to req with the echo builtin and reads "SEQ LABEL" from resp with the
// read builtin. Both ends are opened read-write, which never blocks on
// Linux; the hook reads with a timeout and falls back to `netlab __tick`
// when the server is gone, so a dead server can never hang the shell.
const (
	fifoReq  = "req"
	fifoResp = "resp"
)

func makeFIFOs(sess string) error {
	for _, f := range []string{fifoReq, fifoResp} {
		if err := unix.Mkfifo(filepath.Join(sess, f), 0o600); err != nil {
			return fmt.Errorf("mkfifo %s: %w", f, err)
		}
	}
	return nil
}

// tickdCommand is `netlab __tickd SHELLPID`, started by the guided bash
// shell's rc file inside the sandbox. It ends when the shell ends (a
// pidfd says so), so it never keeps a sandbox alive.
func (a *App) tickdCommand() *cobra.Command {
	return &cobra.Command{
		Use:    "__tickd SHELLPID",
		Hidden: true,
		Args:   cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			pid, err := strconv.Atoi(args[0])
			if err != nil {
				return usageErr("__tickd needs the shell's pid")
			}
			sess := os.Getenv(envSession)
			l, err := a.lesson(os.Getenv(envLesson))
			if err != nil || sess == "" {
				return usageErr("__tickd runs inside a guided lesson shell only")
			}
			if !a.Privileged() {
				return errNotRoot
			}
			// The terminal's signals are for the learner's commands.
			signal.Ignore(os.Interrupt, syscall.SIGQUIT, syscall.SIGTSTP, syscall.SIGTTOU, syscall.SIGTTIN, syscall.SIGHUP)
			pfd, err := unix.PidfdOpen(pid, 0)
			if err != nil {
				return usageErr("__tickd: shell %d: %v", pid, err)
			}
			go func() {
				fds := []unix.PollFd{{Fd: int32(pfd), Events: unix.POLLIN}}
				for {
					if _, err := unix.Poll(fds, -1); err == nil || err != unix.EINTR {
						os.Exit(0)
					}
				}
			}()
			req, err := os.OpenFile(filepath.Join(sess, fifoReq), os.O_RDWR, 0)
			if err != nil {
				return usageErr("__tickd: %v", err)
			}
			resp, err := os.OpenFile(filepath.Join(sess, fifoResp), os.O_RDWR, 0)
			if err != nil {
				return usageErr("__tickd: %v", err)
			}
			g := freshGrader{open: a.OpenLab, probeTimeout: min(a.ProbeTimeout, tickProbeTimeout)}
			sc := bufio.NewScanner(req)
			for sc.Scan() {
				label := a.tickOnce(context.Background(), g, l, sess)
				fmt.Fprintf(resp, "%s %s\n", sc.Text(), label)
			}
			return nil
		},
	}
}
