package guided

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"golang.org/x/sys/unix"

	"github.com/netlab/netlab/i18n"
	"github.com/netlab/netlab/sandbox"
)

// Environment of a guided shell: which lesson, and the session directory
// that holds the learner's position between two prompts.
const (
	EnvLesson  = "NETLAB_LESSON"
	EnvSession = "NETLAB_SESSION"
)

// sessionPrefix names session directories under the temporary directory.
const sessionPrefix = "netlab-session-"

// Files of a session directory.
const (
	fileLock = "lock"   // flock held by the netlab that owns the session
	filePos  = "pos"    // steps done at the last prompt
	fileWhy  = "why"    // the why last shown (or known) for the current step
	fifoReq  = "req"    // prompt hook -> grading server: sequence numbers
	fifoResp = "resp"   // grading server -> prompt hook: "SEQ LABEL"
	dirBin   = "bin"    // holds a link to netlab, first on the shell's PATH
	fileBash = "bashrc" // the guided bash shell's rc file
	fileAsh  = "ashenv" // BusyBox ash's $ENV file
	dirZsh   = "zsh"    // ZDOTDIR of the guided zsh shell
	fileLog  = "replay" // output of replayed reference solutions
)

// Session is a guided shell's directory: the shell's rc file, a bin/ with
// netlab in it, the grading server's FIFOs and the learner's position.
// The netlab that made it holds a lock on it for as long as it lives, so
// that a later netlab can tell a session whose owner was killed
// (SIGKILL runs no deferred cleanup) from one in use, and remove it.
type Session struct {
	Dir  string
	lock *os.File
	// Lang is the language of the lines the shell says as it starts
	// (default English).
	Lang i18n.Lang
}

func (s *Session) t(id string, data i18n.Data) string {
	if s.Lang == "" {
		return i18n.T(i18n.EN, id, data)
	}
	return i18n.T(s.Lang, id, data)
}

// OpenSession is the session a guided shell's helpers run in (the
// directory named by NETLAB_SESSION).
func OpenSession(dir string) *Session { return &Session{Dir: dir} }

// NewSession removes the sessions of dead owners, then makes a new one
// under the temporary directory, with bin/netlab linking to self.
func NewSession(self string) (*Session, error) {
	tmp := os.TempDir()
	CleanStale(tmp)
	dir, err := os.MkdirTemp(tmp, sessionPrefix)
	if err != nil {
		return nil, err
	}
	s := &Session{Dir: dir}
	if err := s.init(self); err != nil {
		s.Close()
		return nil, err
	}
	return s, nil
}

func (s *Session) init(self string) error {
	// The lock gets its name only once it is held: a netlab cleaning up
	// at the same moment must never find it free.
	tmp := filepath.Join(s.Dir, fileLock+".new")
	lf, err := os.OpenFile(tmp, os.O_RDWR|os.O_CREATE|os.O_EXCL|unix.O_NOFOLLOW, 0o600)
	if err != nil {
		return err
	}
	s.lock = lf
	if err := unix.Flock(int(lf.Fd()), unix.LOCK_EX|unix.LOCK_NB); err != nil {
		return fmt.Errorf("lock %s: %w", lf.Name(), err)
	}
	if err := os.Rename(tmp, filepath.Join(s.Dir, fileLock)); err != nil {
		return err
	}
	if err := os.Mkdir(filepath.Join(s.Dir, dirBin), 0o755); err != nil {
		return err
	}
	if err := os.Symlink(self, filepath.Join(s.Dir, dirBin, "netlab")); err != nil {
		return err
	}
	for _, f := range []string{fifoReq, fifoResp} {
		if err := unix.Mkfifo(filepath.Join(s.Dir, f), 0o600); err != nil {
			return fmt.Errorf("mkfifo %s: %w", f, err)
		}
	}
	return nil
}

// Close removes the session and drops its lock.
func (s *Session) Close() {
	os.RemoveAll(s.Dir)
	if s.lock != nil {
		s.lock.Close()
	}
}

// CleanStale removes session directories under tmp whose owner is gone:
// real directories (not symlinks) of this user whose lock nobody holds.
// It never follows a symlink: the directory is checked with lstat, the
// lock opened with O_NOFOLLOW relative to the directory opened with
// O_NOFOLLOW, and os.RemoveAll unlinks symlinks rather than following
// them. A directory without a lock file (a session being made, or one
// made by an older netlab) is left alone.
func CleanStale(tmp string) (removed []string) {
	ents, err := os.ReadDir(tmp)
	if err != nil {
		return nil
	}
	for _, e := range ents {
		if !strings.HasPrefix(e.Name(), sessionPrefix) || e.Type()&fs.ModeType != fs.ModeDir {
			continue
		}
		p := filepath.Join(tmp, e.Name())
		if staleSession(p) {
			if os.RemoveAll(p) == nil {
				removed = append(removed, p)
			}
		}
	}
	return removed
}

func staleSession(p string) bool {
	var st unix.Stat_t
	if err := unix.Lstat(p, &st); err != nil || st.Mode&unix.S_IFMT != unix.S_IFDIR {
		return false
	}
	// Root hands a session to the sandbox's user (the learner under sudo,
	// else nobody): such a session is root's to clean up too.
	if int(st.Uid) != os.Geteuid() && (os.Geteuid() != 0 || int(st.Uid) != sandbox.IdentityFor(false).UID) {
		return false
	}
	dfd, err := unix.Open(p, unix.O_RDONLY|unix.O_DIRECTORY|unix.O_NOFOLLOW|unix.O_CLOEXEC, 0)
	if err != nil {
		return false
	}
	defer unix.Close(dfd)
	lfd, err := unix.Openat(dfd, fileLock, unix.O_RDONLY|unix.O_NOFOLLOW|unix.O_CLOEXEC|unix.O_NONBLOCK, 0)
	if err != nil {
		return false
	}
	defer unix.Close(lfd)
	var lst unix.Stat_t
	if err := unix.Fstat(lfd, &lst); err != nil || lst.Mode&unix.S_IFMT != unix.S_IFREG {
		return false
	}
	// Held by a living netlab: in use. Free: its owner is dead.
	return unix.Flock(lfd, unix.LOCK_EX|unix.LOCK_NB) == nil
}

// Pos reads the learner's position: steps done at the last prompt, or an
// error before the first grade.
func (s *Session) Pos() (int, error) {
	b, err := os.ReadFile(filepath.Join(s.Dir, filePos))
	if err != nil {
		return -1, err
	}
	return strconv.Atoi(strings.TrimSpace(string(b)))
}

func (s *Session) setPos(done int) error {
	return s.writeFile(filePos, strconv.Itoa(done)+"\n")
}

// lastWhy is the why last known for the current step ("" when none).
func (s *Session) lastWhy() (string, bool) {
	b, err := os.ReadFile(filepath.Join(s.Dir, fileWhy))
	if err != nil {
		return "", false
	}
	return string(b), true
}

func (s *Session) setWhy(why string) error { return s.writeFile(fileWhy, why) }

func (s *Session) writeFile(name, content string) error {
	p := filepath.Join(s.Dir, name)
	tmp := p + ".tmp"
	if err := os.WriteFile(tmp, []byte(content), 0o644); err != nil {
		return err
	}
	return os.Rename(tmp, p)
}

// IsNotStarted reports whether err from Pos means "no grade yet".
func IsNotStarted(err error) bool { return errors.Is(err, fs.ErrNotExist) }
