package guided

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"

	"github.com/netlab/netlab/lessons"
)

// isAsh reports whether the learner's shell is BusyBox ash (OpenWrt's
// /bin/ash, or a /bin/sh that is BusyBox): it has neither bash's
// PROMPT_COMMAND nor zsh's precmd, but it reads $ENV and expands $(...)
// in its prompt, which is all the guided shell needs.
func isAsh(shell string) bool {
	if shell == "" {
		return false
	}
	switch filepath.Base(shell) {
	case "ash":
		return true
	case "sh", "busybox":
		t, err := filepath.EvalSymlinks(shell)
		return err == nil && filepath.Base(t) == "busybox"
	}
	return false
}

// findAsh finds BusyBox ash where there is no bash.
func findAsh() string {
	for _, name := range []string{"ash", "/bin/ash"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	return ""
}

// ashShell prepares BusyBox ash: an $ENV file that sources the learner's
// own $ENV first, then defines the prompt function. ash has no per-prompt
// hook, so the prompt itself asks the grading server, from a command
// substitution: that runs in a subshell, which cannot keep a counter, so
// each request carries a fresh token instead.
func (s *Session) ashShell(ash string, l *lessons.Lesson, bin string, pre []ReplayStep, env []string) ([]string, []string, error) {
	label := "sandbox"
	if l != nil {
		label = l.Slug + " $(__netlab_pos)"
	}
	var b strings.Builder
	b.WriteString("# netlab guided shell (BusyBox ash): the learner's own ENV first, then netlab's prompt.\n")
	if own := os.Getenv("ENV"); own != "" {
		b.WriteString("[ -f " + shq(own) + " ] && . " + shq(own) + "\n")
	}
	b.WriteString("PATH=" + shq(bin) + ":\"$PATH\"\n")
	if l != nil {
		b.WriteString(ashHook)
	}
	b.WriteString("PS1=" + shq("[netlab "+label+"] # ") + "\n")
	s.writePre(&b, pre)
	rc := filepath.Join(s.Dir, fileAsh)
	if err := os.WriteFile(rc, []byte(b.String()), 0o644); err != nil {
		return nil, nil, err
	}
	return []string{ash, "-i"}, append(env, "ENV="+rc), nil
}

// ashHook starts the grading server as hook does (no job of the shell's)
// and defines __netlab_pos, which the prompt calls.
const ashHook = `__netlab_d=
if [ -z "$NETLAB_NO_TICKD" ] && [ -p "$NETLAB_SESSION/req" ] && [ -p "$NETLAB_SESSION/resp" ]; then
  exec 9<>"$NETLAB_SESSION/req" 8<>"$NETLAB_SESSION/resp"
  __netlab_d=$(netlab __tickd $$ </dev/null >/dev/null 8>&- 9>&- & echo $!)
fi
__netlab_pos() {
  if [ -n "$__netlab_d" ] && kill -0 "$__netlab_d" 2>/dev/null; then
    __netlab_n="$$.${RANDOM:-0}.${RANDOM:-0}.${RANDOM:-0}"
    echo "$__netlab_n" >&9
    while read -r -t 15 __netlab_r <&8; do
      if [ "${__netlab_r%% *}" = "$__netlab_n" ]; then printf '%s' "${__netlab_r#* }"; return 0; fi
    done
    printf '?'
  else
    netlab __tick
  fi
}
`
