// Command gendocs writes netlab's man pages (netlab.1 and one page per
// command, from the cobra commands themselves) and its bash, zsh and fish
// completions, for the packages. Usage: go run ./packaging/gendocs DIR
package main

import (
	"fmt"
	"os"
	"path/filepath"

	"github.com/spf13/cobra/doc"

	"github.com/netlab/netlab/internal/buildinfo"
	"github.com/netlab/netlab/internal/cli"
)

func main() {
	if len(os.Args) != 2 {
		fmt.Fprintln(os.Stderr, "usage: gendocs DIR")
		os.Exit(2)
	}
	if err := run(os.Args[1]); err != nil {
		fmt.Fprintln(os.Stderr, "gendocs:", err)
		os.Exit(1)
	}
}

func run(dir string) error {
	man := filepath.Join(dir, "man")
	comp := filepath.Join(dir, "completions")
	for _, d := range []string{man, comp} {
		if err := os.MkdirAll(d, 0o755); err != nil {
			return err
		}
	}
	root := cli.NewApp().Command()
	root.DisableAutoGenTag = true
	hdr := &doc.GenManHeader{Title: "NETLAB", Section: "1", Source: "netlab " + buildinfo.Get().Version, Manual: "netlab manual"}
	if err := doc.GenManTree(root, hdr, man); err != nil {
		return fmt.Errorf("man pages: %w", err)
	}
	for name, gen := range map[string]func(string) error{
		"netlab.bash": func(p string) error { return root.GenBashCompletionFileV2(p, true) },
		"_netlab":     root.GenZshCompletionFile,
		"netlab.fish": func(p string) error { return root.GenFishCompletionFile(p, true) },
	} {
		if err := gen(filepath.Join(comp, name)); err != nil {
			return fmt.Errorf("completion %s: %w", name, err)
		}
	}
	return nil
}
