package cli

import (
	"fmt"
	"os"
	"strings"

	"github.com/spf13/cobra"

	"github.com/netlab/netlab/i18n"
	"github.com/netlab/netlab/lessons"
)

// langFlag is netlab's global language option (SPEC §5).
const langFlag = "lang"

// useLang chooses the language of this run and serves the lessons in it.
// It registers --lang on root (for help and parsing) but reads its value
// from args itself, ahead of cobra: the lessons must be translated before
// any command, including the default-lesson lookup, sees them. It returns
// an exit code when the run must stop (a bad --lang), else -1.
//
// Phase 1 of issue 13: lesson texts and hints follow the language; the
// rest of netlab's own words move to the i18n catalogue next.
func (a *App) useLang(root *cobra.Command, args []string) int {
	root.PersistentFlags().String(langFlag, "", "language: en or zh (default: LC_ALL, LC_MESSAGES or LANG starting with zh means zh)")
	lang, err := i18n.Choose(langArg(args), os.Getenv)
	if err != nil {
		fmt.Fprintln(a.Stderr, err)
		return ExitUsage
	}
	a.lang = lang
	if a.Lessons == nil {
		return -1 // the lessons are decoded, in lang, when a command needs them
	}
	ls, err := lessons.Localize(a.Lessons, lang)
	if err != nil {
		fmt.Fprintf(a.Stderr, "netlab's built-in lessons do not load: %v\n", err)
		return ExitUsage
	}
	a.Lessons = ls
	return -1
}

// langArg is the value of --lang in args ("" when absent), read as pflag
// reads it: "--lang zh" or "--lang=zh", never after "--". The last one
// wins, as with any flag.
func langArg(args []string) string {
	v := ""
	for i := 0; i < len(args); i++ {
		arg := args[i]
		switch {
		case arg == "--":
			return v
		case arg == "--"+langFlag && i+1 < len(args):
			v = args[i+1]
			i++
		case strings.HasPrefix(arg, "--"+langFlag+"="):
			v = strings.TrimPrefix(arg, "--"+langFlag+"=")
		}
	}
	return v
}
