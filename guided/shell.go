package guided

import (
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"

	"github.com/netlab/netlab/i18n"
	"github.com/netlab/netlab/lessons"
)

func shq(s string) string { return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'" }

// Shell prepares the learner's shell with a per-prompt hook and returns
// the command line and the environment to add.
//
// bash: --rcfile with a file that sources /etc/bash.bashrc and ~/.bashrc
// first (so the learner's aliases and settings stay), then adds the
// PROMPT_COMMAND hook and the prompt. zsh: ZDOTDIR pointing at a .zshrc
// that sources ~/.zshrc, then adds a precmd hook. Both hooks talk to the
// same grading server (Serve). Any other shell (fish, dash, ...) has no
// hook netlab knows how to install, so the guided lesson uses bash and
// says so; `netlab shell` still honours $SHELL. l nil means the bare
// sandbox shell. pre are commands the shell runs before its first prompt
// (replays); their output goes to a log, and the first grade sums up.
func (s *Session) Shell(l *lessons.Lesson, pre []ReplayStep, warn io.Writer) (argv, env []string, err error) {
	bin := filepath.Join(s.Dir, dirBin)
	env = []string{"PATH=" + bin + ":" + os.Getenv("PATH")}
	if l != nil {
		// Only a lesson shell has a session; inside the bare shell,
		// `netlab lesson N` starts a guided lesson.
		env = append(env, EnvSession+"="+s.Dir, fmt.Sprintf("%s=%d", EnvLesson, l.ID))
	}
	user := os.Getenv("SHELL")
	base := filepath.Base(user)
	label := "sandbox"
	if l != nil {
		label = l.Slug + ` ${__netlab_pos}`
	}
	if base == "zsh" {
		zd := filepath.Join(s.Dir, dirZsh)
		if err := os.Mkdir(zd, 0o755); err != nil {
			return nil, nil, err
		}
		var b strings.Builder
		b.WriteString("# netlab guided shell: the learner's own rc first, then netlab's hook.\n")
		b.WriteString("[ -f \"$HOME/.zshrc\" ] && ZDOTDIR=\"$HOME\" . \"$HOME/.zshrc\"\n")
		b.WriteString("path=(" + shq(bin) + " $path)\n")
		if l != nil {
			b.WriteString(hook)
			b.WriteString("precmd_functions+=(__netlab_tick)\n")
		}
		b.WriteString("setopt PROMPT_SUBST\nPROMPT=" + shq("[netlab "+label+"] # ") + "\n")
		s.writePre(&b, pre)
		if err := os.WriteFile(filepath.Join(zd, ".zshrc"), []byte(b.String()), 0o644); err != nil {
			return nil, nil, err
		}
		return []string{user, "-i"}, append(env, "ZDOTDIR="+zd), nil
	}
	if isAsh(user) {
		return s.ashShell(user, l, bin, pre, env)
	}
	bash, err := exec.LookPath("bash")
	if err != nil {
		if l == nil && user != "" {
			return []string{user}, env, nil
		}
		// OpenWrt has no bash: its shell is BusyBox ash.
		if ash := findAsh(); ash != "" {
			return s.ashShell(ash, l, bin, pre, env)
		}
		return nil, nil, fmt.Errorf("bash is not installed: %w", err)
	}
	if l == nil && user != "" && base != "bash" {
		// The bare shell: the learner's own shell, with netlab on PATH.
		return []string{user}, env, nil
	}
	if l != nil && user != "" && base != "bash" {
		fmt.Fprintln(warn, s.t("guided-bash-instead", i18n.Data{"Shell": base}))
	}
	var b strings.Builder
	b.WriteString("# netlab guided shell: the learner's own rc first, then netlab's hook.\n")
	b.WriteString("[ -f /etc/bash.bashrc ] && . /etc/bash.bashrc\n[ -f \"$HOME/.bashrc\" ] && . \"$HOME/.bashrc\"\n")
	b.WriteString("PATH=" + shq(bin) + ":\"$PATH\"\n")
	if l != nil {
		b.WriteString(hook)
		b.WriteString(`PROMPT_COMMAND="__netlab_tick${PROMPT_COMMAND:+;$PROMPT_COMMAND}"` + "\n")
	}
	b.WriteString("PS1=" + shq("[netlab "+label+"] # ") + "\n")
	s.writePre(&b, pre)
	rc := filepath.Join(s.Dir, fileBash)
	if err := os.WriteFile(rc, []byte(b.String()), 0o644); err != nil {
		return nil, nil, err
	}
	return []string{bash, "--rcfile", rc, "-i"}, env, nil
}

// ReplayStep is one command the shell runs before its first prompt, with
// the line that says what it does.
type ReplayStep struct {
	Say, Cmd string
}

// writePre writes the replay commands: each says in one line what it
// does, runs with its output in the session's log (a replay of lesson 3
// is 80 lines that would scroll the lesson's introduction away), and on
// failure shows the end of the log.
func (s *Session) writePre(b *strings.Builder, pre []ReplayStep) {
	if len(pre) == 0 {
		return
	}
	log := shq(filepath.Join(s.Dir, fileLog))
	for _, p := range pre {
		fmt.Fprintf(b, "echo %s\n", shq("netlab: "+p.Say+" ("+p.Cmd+")"))
		fmt.Fprintf(b, "if ! %s >>%s 2>&1; then echo %s; tail -n 8 %s; fi\n",
			p.Cmd, log, shq(s.t("guided-replay-failed", nil)), log)
	}
}

// hook is the guided shell's per-prompt hook, the same for bash and zsh:
// ask the grading server (Serve) when it runs, else run `netlab __tick`.
//
// The server is started from a command substitution: its parent is that
// subshell, which exits at once, so the server is no job of the learner's
// shell (`jobs` does not list it, `fg` cannot pick it, `wait` does not
// wait for it) and no "[1] PID" is printed. Its stdout is /dev/null, so
// the substitution returns as soon as `echo $!` is done. It ignores the
// terminal's signals and ends when the shell ends (a pidfd says so).
// NETLAB_NO_TICKD=1 forces the one-process-per-prompt path, for
// comparison.
const hook = `__netlab_seq=0 __netlab_d=
if [ -z "$NETLAB_NO_TICKD" ] && [ -p "$NETLAB_SESSION/req" ] && [ -p "$NETLAB_SESSION/resp" ]; then
  exec 9<>"$NETLAB_SESSION/req" 8<>"$NETLAB_SESSION/resp"
  __netlab_d=$(netlab __tickd $$ </dev/null >/dev/null 8>&- 9>&- & echo $!)
fi
__netlab_tick() {
  local s=$? r
  if [ -n "$__netlab_d" ] && kill -0 "$__netlab_d" 2>/dev/null; then
    __netlab_seq=$((__netlab_seq+1))
    echo "$__netlab_seq" >&9
    while read -r -t 15 r <&8; do
      if [ "${r%% *}" = "$__netlab_seq" ]; then __netlab_pos=${r#* }; return $s; fi
    done
    __netlab_pos='?'
  else
    __netlab_pos="$(netlab __tick)"
  fi
  return $s
}
`
