// Command netlab is a hands-on course in Linux network virtualization,
// graded from kernel state. See README.md.
package main

import (
	"fmt"
	"os"

	"github.com/netlab/netlab/internal/cli"
	"github.com/netlab/netlab/sandbox"
)

func main() {
	// In a sandbox child this finishes the sandbox (and may exec a shell);
	// everywhere else it does nothing.
	if err := sandbox.Init(); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(cli.ExitUsage)
	}
	os.Exit(cli.NewApp().Run(os.Args[1:]))
}
