// Package progress keeps a learner's progress through the course in one
// small JSON file under $XDG_STATE_HOME/netlab (default
// ~/.local/state/netlab).
//
// Two netlab processes may run at once (the guided shell's per-command
// grading and a `netlab watch` in another pane), so every update is a
// read-modify-write under an exclusive flock on a lock file next to the
// data, and the data is replaced atomically (temp file + rename): a reader
// never sees half a file, and a crash never leaves one behind.
package progress

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/user"
	"path/filepath"
	"strconv"
	"time"

	"golang.org/x/sys/unix"
)

const (
	fileName = "progress.json"
	lockName = "progress.lock"
	version  = 1
)

// Lesson is the progress in one lesson.
type Lesson struct {
	// Done is how many steps, from the first, passed together the last
	// time netlab graded the lesson.
	Done  int `json:"done"`
	Total int `json:"total"`
	// Completed stays true once every step passed at least once.
	Completed bool      `json:"completed"`
	Updated   time.Time `json:"updated"`
}

// Data is the whole file.
type Data struct {
	Version int `json:"version"`
	// Lessons is keyed by lesson slug (stable across renumbering).
	Lessons map[string]Lesson `json:"lessons"`
}

// Store is the progress file of one user.
type Store struct {
	Dir string
	// Owner, when set, is the uid/gid the files are given (a learner who
	// runs netlab with sudo must still own their progress).
	Owner *[2]int
	// Warn receives a warning when the file was corrupt (default stderr).
	Warn io.Writer
}

// DefaultDir chooses where progress lives, and for whom.
//
// Choice under sudo: sudo usually drops XDG_STATE_HOME and sets HOME to
// root's, but the progress belongs to the learner who typed `sudo netlab`.
// So when SUDO_USER names a real non-root user and XDG_STATE_HOME is not
// set, the file goes to that user's ~/.local/state/netlab and is chowned to
// SUDO_UID:SUDO_GID. An explicit XDG_STATE_HOME always wins.
func DefaultDir() (dir string, owner *[2]int) {
	if x := os.Getenv("XDG_STATE_HOME"); x != "" && filepath.IsAbs(x) {
		return filepath.Join(x, "netlab"), nil
	}
	if su := os.Getenv("SUDO_USER"); su != "" && su != "root" && os.Geteuid() == 0 {
		if u, err := user.Lookup(su); err == nil && u.HomeDir != "" {
			uid, err1 := strconv.Atoi(u.Uid)
			gid, err2 := strconv.Atoi(u.Gid)
			if err1 == nil && err2 == nil {
				return filepath.Join(u.HomeDir, ".local", "state", "netlab"), &[2]int{uid, gid}
			}
		}
	}
	home, err := os.UserHomeDir()
	if err != nil || home == "" {
		home = os.TempDir()
	}
	return filepath.Join(home, ".local", "state", "netlab"), nil
}

// Default returns the store at DefaultDir.
func Default() *Store {
	dir, owner := DefaultDir()
	return &Store{Dir: dir, Owner: owner}
}

func (s *Store) warn() io.Writer {
	if s.Warn != nil {
		return s.Warn
	}
	return os.Stderr
}

func (s *Store) path() string { return filepath.Join(s.Dir, fileName) }

func (s *Store) chown(p string) {
	if s.Owner != nil {
		_ = os.Lchown(p, s.Owner[0], s.Owner[1])
	}
}

// mkdir creates the directory (and, under sudo, gives the new parts to
// the learner).
func (s *Store) mkdir() error {
	if _, err := os.Stat(s.Dir); err == nil {
		return nil
	}
	if err := os.MkdirAll(s.Dir, 0o755); err != nil {
		return fmt.Errorf("create progress directory: %w", err)
	}
	if s.Owner != nil {
		// MkdirAll may have made ~/.local and ~/.local/state too: give the
		// learner those we know are theirs, nothing above.
		s.chown(s.Dir)
		if state := filepath.Dir(s.Dir); filepath.Base(state) == "state" && filepath.Base(filepath.Dir(state)) == ".local" {
			s.chown(state)
			s.chown(filepath.Dir(state))
		}
	}
	return nil
}

// lock takes the exclusive lock; the returned func releases it.
func (s *Store) lock(how int) (func(), error) {
	if err := s.mkdir(); err != nil {
		return nil, err
	}
	lp := filepath.Join(s.Dir, lockName)
	f, err := os.OpenFile(lp, os.O_RDWR|os.O_CREATE, 0o644)
	if err != nil {
		return nil, fmt.Errorf("open progress lock: %w", err)
	}
	s.chown(lp)
	for {
		err = unix.Flock(int(f.Fd()), how)
		if !errors.Is(err, unix.EINTR) {
			break
		}
	}
	if err != nil {
		f.Close()
		return nil, fmt.Errorf("lock progress: %w", err)
	}
	return func() { _ = unix.Flock(int(f.Fd()), unix.LOCK_UN); f.Close() }, nil
}

// read loads the file; a missing file is empty progress, a corrupt one is
// moved aside with a warning (only when aside is true: the caller holds
// the exclusive lock).
func (s *Store) read(aside bool) (Data, error) {
	d := Data{Version: version, Lessons: map[string]Lesson{}}
	b, err := os.ReadFile(s.path())
	if errors.Is(err, os.ErrNotExist) {
		return d, nil
	}
	if err != nil {
		return d, fmt.Errorf("read progress: %w", err)
	}
	var got Data
	if jerr := json.Unmarshal(b, &got); jerr != nil || got.Version != version {
		why := "it is not valid JSON"
		if jerr == nil {
			why = fmt.Sprintf("it has version %d, netlab knows %d", got.Version, version)
		}
		if !aside {
			fmt.Fprintf(s.warn(), "netlab: warning: progress file %s is unreadable (%s); starting fresh\n", s.path(), why)
			return d, nil
		}
		kept := fmt.Sprintf("%s.corrupt-%s", s.path(), time.Now().UTC().Format("20060102T150405.000000000"))
		if rerr := os.Rename(s.path(), kept); rerr != nil {
			return d, fmt.Errorf("move corrupt progress file aside: %w", rerr)
		}
		fmt.Fprintf(s.warn(), "netlab: warning: progress file was unreadable (%s); kept it as %s and started fresh\n", why, kept)
		return d, nil
	}
	if got.Lessons == nil {
		got.Lessons = map[string]Lesson{}
	}
	return got, nil
}

// Load returns the progress (empty when there is none yet).
func (s *Store) Load() (Data, error) {
	unlock, err := s.lock(unix.LOCK_EX)
	if err != nil {
		return Data{}, err
	}
	defer unlock()
	return s.read(true)
}

// Update applies f to the progress and saves the result atomically, under
// the lock, so that concurrent updates from several processes all land.
func (s *Store) Update(f func(*Data)) error {
	unlock, err := s.lock(unix.LOCK_EX)
	if err != nil {
		return err
	}
	defer unlock()
	d, err := s.read(true)
	if err != nil {
		return err
	}
	f(&d)
	d.Version = version
	return s.write(d)
}

func (s *Store) write(d Data) error {
	b, err := json.MarshalIndent(d, "", "  ")
	if err != nil {
		return err
	}
	tmp, err := os.CreateTemp(s.Dir, fileName+".tmp-*")
	if err != nil {
		return fmt.Errorf("save progress: %w", err)
	}
	defer os.Remove(tmp.Name()) // no-op after a successful rename
	if _, err := tmp.Write(append(b, '\n')); err != nil {
		tmp.Close()
		return fmt.Errorf("save progress: %w", err)
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return fmt.Errorf("save progress: %w", err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("save progress: %w", err)
	}
	s.chown(tmp.Name())
	if err := os.Rename(tmp.Name(), s.path()); err != nil {
		return fmt.Errorf("save progress: %w", err)
	}
	return nil
}

// Record stores the result of one grading of a lesson: done steps out of
// total. Done keeps the best position reached: a new sandbox starts empty,
// and the steps the learner already did there are what netlab offers to
// replay, so an empty fresh sandbox must not erase them.
func (s *Store) Record(slug string, done, total int) error {
	return s.Update(func(d *Data) {
		p := d.Lessons[slug]
		p.Done, p.Total = max(p.Done, done), total
		if total > 0 && done == total {
			p.Completed = true
		}
		p.Updated = time.Now().UTC()
		d.Lessons[slug] = p
	})
}
