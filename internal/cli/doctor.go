package cli

import (
	"fmt"
	"os/exec"

	"github.com/spf13/cobra"
)

func (a *App) doctorCommand() *cobra.Command {
	return &cobra.Command{
		Use:   "doctor",
		Short: "Can this machine run the lessons, and what to fix if not",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			bad := false
			line := func(ok bool, what, fix string) {
				if ok {
					fmt.Fprintf(a.Stdout, "ok    %s\n", what)
					return
				}
				bad = true
				fmt.Fprintf(a.Stdout, "fail  %s: %s\n", what, fix)
			}
			line(a.Privileged(), "CAP_NET_ADMIN", "run netlab with sudo")
			for _, t := range []struct{ bin, pkg string }{{"ip", "iproute2"}, {"iptables", "iptables"}, {"nft", "nftables"}, {"ping", "iputils-ping"}} {
				_, err := exec.LookPath(t.bin)
				line(err == nil, t.bin+" installed", "apt-get install "+t.pkg)
			}
			if bad {
				return &exitError{code: ExitFail}
			}
			return nil
		},
	}
}
