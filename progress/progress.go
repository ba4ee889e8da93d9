// Package progress keeps a learner's progress through the course in one
// small JSON file under $XDG_STATE_HOME/netlab (default
// ~/.local/state/netlab).
//
// Two netlab processes may run at once (the guided shell's per-command
// grading and a `netlab watch` in another pane), so every update is a
// read-modify-write under an exclusive flock on a lock file next to the
// data, and the data is replaced atomically (temp file + rename): a reader
// never sees half a file, and a crash never leaves one behind.
//
// The directory belongs to the learner, who may plant anything in it. So
// netlab never follows a symlink below the learner's home (every level is
// opened with O_NOFOLLOW, relative to the level above), refuses anything
// that is not a regular file (a FIFO or device planted as progress.json),
// and, under sudo, does all its file work with the learner's filesystem
// identity (see fsid.go): what it creates belongs to the learner, and it
// can write nowhere the learner could not.
package progress

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"path/filepath"
	"sort"
	"strings"
	"syscall"
	"time"

	"golang.org/x/sys/unix"
)

const (
	fileName  = "progress.json"
	lockName  = "progress.lock"
	tmpPrefix = fileName + ".tmp-"
	version   = 1
	// maxSize bounds what netlab reads: the progress of every lesson
	// takes a few kilobytes; a bigger file is not netlab's.
	maxSize = 1 << 20
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
	// Dir is the directory that holds progress.json and progress.lock.
	Dir string
	// Base is the trusted directory the walk to Dir starts from (the
	// learner's home from the passwd database, or $XDG_STATE_HOME when it
	// is the caller's own). Every level from Base down to Dir is opened
	// without following symlinks and created when missing. Empty means
	// "/": no level of Dir may be a symlink.
	Base string
	// Owner, when set, is the identity the file work runs under: under
	// sudo, the learner's. Nil means netlab's own identity.
	Owner *Identity
	// Warn receives a warning when the file was corrupt (default stderr).
	Warn io.Writer

	// err is why Default could not choose a directory.
	err error
}

// onLockWait, when set (tests), is called when a caller starts waiting
// for a lock another process holds.
var onLockWait func()

// Default returns the store of the learner running netlab (see Learner).
func Default() *Store {
	s, err := storeFor(Learner())
	if err != nil {
		return &Store{err: err}
	}
	return s
}

func (s *Store) warn() io.Writer {
	if s.Warn != nil {
		return s.Warn
	}
	return os.Stderr
}

func (s *Store) path() string { return filepath.Join(s.Dir, fileName) }

// walk returns the path components from Base to Dir.
func (s *Store) walk() (base string, parts []string, err error) {
	if s.err != nil {
		return "", nil, s.err
	}
	base = s.Base
	if base == "" {
		base = "/"
	}
	if !filepath.IsAbs(s.Dir) || !filepath.IsAbs(base) {
		return "", nil, fmt.Errorf("progress directory %q is not an absolute path", s.Dir)
	}
	rel, err := filepath.Rel(filepath.Clean(base), filepath.Clean(s.Dir))
	if err != nil || rel == ".." || strings.HasPrefix(rel, "../") {
		return "", nil, fmt.Errorf("progress directory %s is not under %s", s.Dir, base)
	}
	if rel != "." {
		parts = strings.Split(rel, "/")
	}
	return base, parts, nil
}

// openDir opens Dir, creating the missing levels below Base, without
// following a symlink at any level. It runs with the store's identity.
func (s *Store) openDir() (int, error) {
	base, parts, err := s.walk()
	if err != nil {
		return -1, err
	}
	// Levels on the way are opened O_PATH (a home of mode 0711 may be
	// searched, not read); the last one for reading (its temp files are
	// listed).
	mode := func(last bool) int {
		if last {
			return unix.O_RDONLY
		}
		return unix.O_PATH
	}
	fd, err := unix.Open(base, mode(len(parts) == 0)|unix.O_DIRECTORY|unix.O_CLOEXEC, 0)
	if err != nil {
		return -1, fmt.Errorf("open %s: %w", base, err)
	}
	at := base
	for i, p := range parts {
		at = filepath.Join(at, p)
		if err := unix.Mkdirat(fd, p, 0o755); err != nil && !errors.Is(err, unix.EEXIST) {
			unix.Close(fd)
			return -1, fmt.Errorf("create progress directory %s: %w", at, err)
		}
		next, err := unix.Openat(fd, p, mode(i == len(parts)-1)|unix.O_DIRECTORY|unix.O_NOFOLLOW|unix.O_CLOEXEC, 0)
		unix.Close(fd)
		if err != nil {
			if errors.Is(err, unix.ELOOP) || errors.Is(err, unix.ENOTDIR) {
				return -1, fmt.Errorf("%s is not a directory (netlab does not follow symlinks there): move it away", at)
			}
			return -1, fmt.Errorf("open progress directory %s: %w", at, err)
		}
		fd = next
	}
	return fd, nil
}

// openFile opens name in the directory dfd without following a symlink
// and without blocking on a FIFO, and refuses anything but a regular file.
func openFile(dfd int, dir, name string, flags int) (*os.File, error) {
	p := filepath.Join(dir, name)
	fd, err := unix.Openat(dfd, name, flags|unix.O_NOFOLLOW|unix.O_NONBLOCK|unix.O_NOCTTY|unix.O_CLOEXEC, 0o644)
	if errors.Is(err, unix.ELOOP) {
		return nil, fmt.Errorf("%s is a symlink, which netlab does not follow: move it away", p)
	}
	if errors.Is(err, unix.EISDIR) {
		return nil, fmt.Errorf("%s is not a regular file: move it away", p)
	}
	if err != nil {
		return nil, err
	}
	var st unix.Stat_t
	if err := unix.Fstat(fd, &st); err != nil {
		unix.Close(fd)
		return nil, fmt.Errorf("stat %s: %w", p, err)
	}
	if st.Mode&unix.S_IFMT != unix.S_IFREG {
		unix.Close(fd)
		return nil, fmt.Errorf("%s is not a regular file: move it away", p)
	}
	return os.NewFile(uintptr(fd), p), nil
}

// locked is an open store directory with its lock held.
type locked struct {
	s    *Store
	dfd  int
	lock *os.File
}

func (l *locked) close() {
	_ = unix.Flock(int(l.lock.Fd()), unix.LOCK_UN)
	l.lock.Close()
	unix.Close(l.dfd)
}

// acquire opens the directory and takes the exclusive lock. Waiting for
// another netlab's lock ends when ctx does, or on SIGINT or SIGTERM even
// when the caller's ctx does not listen for them (`timeout`, Ctrl-C).
func (s *Store) acquire(ctx context.Context) (*locked, error) {
	var l *locked
	err := s.Owner.do(func() error {
		dfd, err := s.openDir()
		if err != nil {
			return err
		}
		f, err := openFile(dfd, s.Dir, lockName, unix.O_RDWR|unix.O_CREAT)
		if err != nil {
			unix.Close(dfd)
			return fmt.Errorf("open progress lock: %w", err)
		}
		l = &locked{s: s, dfd: dfd, lock: f}
		return nil
	})
	if err != nil {
		return nil, err
	}
	if err := waitLock(ctx, l.lock); err != nil {
		l.lock.Close()
		unix.Close(l.dfd)
		return nil, err
	}
	return l, nil
}

// waitLock takes an exclusive flock on f, interruptibly: flock(2) itself
// cannot be cancelled, so a blocking wait runs in its own goroutine, and
// a caller that gives up leaves that goroutine to release the lock (and
// close f) once it gets it.
func waitLock(ctx context.Context, f *os.File) error {
	fd := int(f.Fd())
	err := flock(fd, unix.LOCK_EX|unix.LOCK_NB)
	if err == nil {
		return nil
	}
	if !errors.Is(err, unix.EWOULDBLOCK) {
		return fmt.Errorf("lock progress: %w", err)
	}
	ctx, stop := signal.NotifyContext(ctx, os.Interrupt, syscall.SIGTERM)
	defer stop()
	if onLockWait != nil {
		onLockWait()
	}
	got := make(chan error, 1)
	held := make(chan struct{})
	go func() {
		got <- flock(fd, unix.LOCK_EX)
		<-held
	}()
	select {
	case err := <-got:
		close(held)
		if err != nil {
			return fmt.Errorf("lock progress: %w", err)
		}
		return nil
	case <-ctx.Done():
		// The caller closes f only after the waiter is done with it.
		dup, derr := unix.Dup(fd)
		go func() {
			if err := <-got; err == nil && derr == nil {
				_ = unix.Flock(dup, unix.LOCK_UN)
			}
			if derr == nil {
				unix.Close(dup)
			}
		}()
		close(held)
		return fmt.Errorf("stopped waiting for another netlab's progress lock (%s): %w", f.Name(), context.Cause(ctx))
	}
}

func flock(fd, how int) error {
	for {
		err := unix.Flock(fd, how)
		if !errors.Is(err, unix.EINTR) {
			return err
		}
	}
}

// cleanTemps removes temp files that writers killed before their rename
// left behind. Only under the exclusive lock: no live writer has one.
// unlinkat removes a symlink itself, never what it points to.
func (l *locked) cleanTemps() {
	dup, err := unix.Dup(l.dfd)
	if err != nil {
		return
	}
	d := os.NewFile(uintptr(dup), l.s.Dir)
	defer d.Close()
	names, _ := d.Readdirnames(-1)
	for _, n := range names {
		if strings.HasPrefix(n, tmpPrefix) {
			_ = unix.Unlinkat(l.dfd, n, 0)
		}
	}
}

// read loads the file; a missing file is empty progress, a corrupt one is
// moved aside with a warning.
func (l *locked) read() (Data, error) {
	d := Data{Version: version, Lessons: map[string]Lesson{}}
	f, err := openFile(l.dfd, l.s.Dir, fileName, unix.O_RDONLY)
	if errors.Is(err, unix.ENOENT) {
		return d, nil
	}
	if err != nil {
		return d, fmt.Errorf("read progress: %w", err)
	}
	b, err := io.ReadAll(io.LimitReader(f, maxSize+1))
	f.Close()
	if err != nil {
		return d, fmt.Errorf("read progress %s: %w", l.s.path(), err)
	}
	got, why := decode(b)
	if len(b) > maxSize {
		why = "it is larger than 1 MiB"
	}
	if why == "" && got.Version != version {
		why = fmt.Sprintf("it has version %d, netlab knows %d", got.Version, version)
	}
	if why == "" {
		return got, nil
	}
	kept := fmt.Sprintf("%s.corrupt-%s", fileName, time.Now().UTC().Format("20060102T150405.000000000"))
	if err := unix.Renameat(l.dfd, fileName, l.dfd, kept); err != nil {
		return d, fmt.Errorf("move corrupt progress file aside: %w", err)
	}
	fmt.Fprintf(l.s.warn(), "netlab: warning: progress file was unreadable (%s); kept it as %s and started fresh\n", why, filepath.Join(l.s.Dir, kept))
	return d, nil
}

// decode parses the file and says, when it cannot, what is wrong with it
// in the learner's terms ("field lessons.veth.done must be a number").
func decode(b []byte) (Data, string) {
	d := Data{Lessons: map[string]Lesson{}}
	var top map[string]json.RawMessage
	if err := json.Unmarshal(b, &top); err != nil {
		var te *json.UnmarshalTypeError
		if errors.As(err, &te) {
			return d, fileName + " must hold a JSON object"
		}
		return d, "it is not valid JSON"
	}
	if why := field(top, "version", "version", &d.Version); why != "" {
		return d, why
	}
	var ls map[string]json.RawMessage
	if why := field(top, "lessons", "lessons", &ls); why != "" {
		return d, why
	}
	slugs := make([]string, 0, len(ls))
	for slug := range ls {
		slugs = append(slugs, slug)
	}
	sort.Strings(slugs)
	for _, slug := range slugs {
		path := "lessons." + slug
		var fs map[string]json.RawMessage
		if err := json.Unmarshal(ls[slug], &fs); err != nil {
			return d, fmt.Sprintf("%s: field %s must be an object", fileName, path)
		}
		var l Lesson
		for _, f := range []struct {
			key string
			dst any
		}{{"done", &l.Done}, {"total", &l.Total}, {"completed", &l.Completed}, {"updated", &l.Updated}} {
			if why := field(fs, f.key, path+"."+f.key, f.dst); why != "" {
				return d, why
			}
		}
		d.Lessons[slug] = l
	}
	return d, ""
}

// field decodes m[key] into dst; a wrong type is named with its path.
func field(m map[string]json.RawMessage, key, path string, dst any) string {
	raw, ok := m[key]
	if !ok {
		return ""
	}
	if err := json.Unmarshal(raw, dst); err != nil {
		want := "an object"
		switch dst.(type) {
		case *int:
			want = "a number"
		case *bool:
			want = "true or false"
		case *time.Time:
			want = "a time like 2026-01-02T15:04:05Z"
		}
		return fmt.Sprintf("%s: field %s must be %s", fileName, path, want)
	}
	return ""
}

// write replaces the file atomically: a new temp file (O_EXCL, so never
// an existing name or a symlink), synced, renamed over progress.json
// (rename replaces a planted symlink, never writes through it).
func (l *locked) write(d Data) error {
	b, err := json.MarshalIndent(d, "", "  ")
	if err != nil {
		return err
	}
	var tmp string
	var f *os.File
	for i := 0; ; i++ {
		tmp = fmt.Sprintf("%s%d-%d", tmpPrefix, os.Getpid(), time.Now().UnixNano()+int64(i))
		fd, err := unix.Openat(l.dfd, tmp, unix.O_WRONLY|unix.O_CREAT|unix.O_EXCL|unix.O_NOFOLLOW|unix.O_CLOEXEC, 0o644)
		if errors.Is(err, unix.EEXIST) && i < 100 {
			continue
		}
		if err != nil {
			return fmt.Errorf("save progress in %s: %w", l.s.Dir, err)
		}
		f = os.NewFile(uintptr(fd), filepath.Join(l.s.Dir, tmp))
		break
	}
	ok := false
	defer func() {
		if !ok {
			_ = unix.Unlinkat(l.dfd, tmp, 0)
		}
	}()
	if _, err := f.Write(append(b, '\n')); err != nil {
		f.Close()
		return fmt.Errorf("save progress: %w", err)
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return fmt.Errorf("save progress: %w", err)
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("save progress: %w", err)
	}
	if err := unix.Renameat(l.dfd, tmp, l.dfd, fileName); err != nil {
		return fmt.Errorf("save progress: %w", err)
	}
	ok = true
	_ = unix.Fsync(l.dfd)
	return nil
}

// Load returns the progress (empty when there is none yet).
func (s *Store) Load() (Data, error) { return s.LoadContext(context.Background()) }

// LoadContext is Load that stops waiting for the lock when ctx ends.
func (s *Store) LoadContext(ctx context.Context) (Data, error) {
	l, err := s.acquire(ctx)
	if err != nil {
		return Data{}, err
	}
	defer l.close()
	var d Data
	err = s.Owner.do(func() error {
		var err error
		d, err = l.read()
		return err
	})
	return d, err
}

// Update applies f to the progress and saves the result atomically, under
// the lock, so that concurrent updates from several processes all land.
func (s *Store) Update(f func(*Data)) error { return s.UpdateContext(context.Background(), f) }

// UpdateContext is Update that stops waiting for the lock when ctx ends.
func (s *Store) UpdateContext(ctx context.Context, f func(*Data)) error {
	l, err := s.acquire(ctx)
	if err != nil {
		return err
	}
	defer l.close()
	return s.Owner.do(func() error {
		l.cleanTemps()
		d, err := l.read()
		if err != nil {
			return err
		}
		f(&d)
		d.Version = version
		return l.write(d)
	})
}

// Record stores the result of one grading of a lesson: done steps out of
// total. Done keeps the best position reached: a new sandbox starts empty,
// and the steps the learner already did there are what netlab offers to
// replay, so an empty fresh sandbox must not erase them.
func (s *Store) Record(slug string, done, total int) error {
	return s.RecordContext(context.Background(), slug, done, total)
}

// RecordContext is Record that stops waiting for the lock when ctx ends.
func (s *Store) RecordContext(ctx context.Context, slug string, done, total int) error {
	return s.UpdateContext(ctx, func(d *Data) {
		p := d.Lessons[slug]
		p.Done, p.Total = max(p.Done, done), total
		if total > 0 && done == total {
			p.Completed = true
		}
		p.Updated = time.Now().UTC()
		d.Lessons[slug] = p
	})
}
