package cli

import (
	"fmt"
	"os"
	"strings"

	"github.com/netlab/netlab/i18n"
	"github.com/netlab/netlab/lessons"
)

// langFlag is netlab's global language option (SPEC §5).
const langFlag = "lang"

// useLang chooses the language of this run (a.Lang) and serves the
// lessons in it. rootCommand registers --lang (for help and parsing), but
// its value is read from args here, ahead of cobra: the lessons and the
// commands' help must be in the language before any command, including
// the default-lesson lookup, sees them. It returns an exit code when the
// run must stop (a bad --lang), else -1.
func (a *App) useLang(args []string) int {
	lang, err := i18n.Choose(langArg(args), os.Getenv)
	if err != nil {
		fmt.Fprintln(a.Stderr, err)
		return ExitUsage
	}
	a.Lang = lang
	if a.Lessons == nil {
		return -1 // the lessons are decoded, in lang, when a command needs them
	}
	ls, err := lessons.Localize(a.Lessons, lang)
	if err != nil {
		fmt.Fprintln(a.Stderr, i18n.T(lang, "err-lessons-load", i18n.Data{"Err": err}))
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

// lang is the run's language; English when Run has not chosen one (an
// App driven by a test without Run).
func (a *App) lang() i18n.Lang {
	if a.Lang == "" {
		return i18n.EN
	}
	return a.Lang
}

// shellEnv is what a shell netlab starts adds to its environment so that
// the netlab processes inside it (the prompt hook, the learner's `netlab
// hint`) speak this run's language.
func (a *App) shellEnv(env []string) []string {
	return append(env, i18n.EnvLang+"="+a.lang().String())
}
