package progress

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"golang.org/x/sys/unix"
)

// TestMain doubles as the helper process of TestConcurrentUpdatesAllLand
// (a helper test function would skip in the normal run, and under CI=true
// a skip is a failure).
func TestMain(m *testing.M) {
	if dir := os.Getenv("PROGRESS_HELPER_DIR"); dir != "" {
		s := &Store{Dir: dir}
		for i := 0; i < 10; i++ {
			if err := s.Record(os.Getenv("PROGRESS_HELPER_SLUG")+"-"+strconv.Itoa(i), 1, 2); err != nil {
				fmt.Fprintln(os.Stderr, err)
				os.Exit(1)
			}
		}
		os.Exit(0)
	}
	os.Exit(m.Run())
}

// needRoot: the tests that create users and switch identities need root;
// CI runs as root, and there a test that cannot run fails.
func needRoot(t *testing.T) {
	t.Helper()
	if os.Geteuid() == 0 {
		return
	}
	if os.Getenv("CI") == "true" {
		t.Fatal("this test needs root (CI=true makes this skip a failure)")
	}
	t.Skip("needs root")
}

var userSeq atomic.Int32

// throwawayUser creates a user (removed when the test ends) whose home is
// a fresh directory it owns, mode 0700.
func throwawayUser(t *testing.T) (*Identity, string) {
	t.Helper()
	needRoot(t)
	name := fmt.Sprintf("nltest%d-%d", os.Getpid(), userSeq.Add(1))
	home, err := os.MkdirTemp("", "netlab-home-")
	require.NoError(t, err)
	t.Cleanup(func() { os.RemoveAll(home) })
	var out []byte
	for try := 0; try < 50; try++ { // useradd fails while another holds /etc/passwd's lock
		out, err = exec.Command("useradd", "--no-create-home", "--home-dir", home, "--shell", "/usr/sbin/nologin", "--user-group", name).CombinedOutput()
		if err == nil {
			break
		}
		time.Sleep(100 * time.Millisecond)
	}
	require.NoError(t, err, "useradd: %s", out)
	t.Cleanup(func() {
		for try := 0; try < 50; try++ {
			if err := exec.Command("userdel", name).Run(); err == nil {
				break
			}
			time.Sleep(100 * time.Millisecond)
		}
		_ = exec.Command("groupdel", name).Run()
	})
	u, err := user.Lookup(name)
	require.NoError(t, err)
	id, err := identityOf(u)
	require.NoError(t, err)
	require.NotZero(t, id.UID)
	require.NoError(t, os.Chown(home, id.UID, id.GID))
	require.NoError(t, os.Chmod(home, 0o700))
	return id, home
}

func owner(t *testing.T, p string) [2]uint32 {
	t.Helper()
	var st unix.Stat_t
	require.NoError(t, unix.Lstat(p, &st), p)
	return [2]uint32{st.Uid, st.Gid}
}

func TestRecordAndLoad(t *testing.T) {
	s := &Store{Dir: filepath.Join(t.TempDir(), "netlab")}
	d, err := s.Load()
	require.NoError(t, err)
	require.Empty(t, d.Lessons)

	require.NoError(t, s.Record("netns", 2, 3))
	d, err = s.Load()
	require.NoError(t, err)
	require.Equal(t, 2, d.Lessons["netns"].Done)
	require.False(t, d.Lessons["netns"].Completed)

	require.NoError(t, s.Record("netns", 3, 3))
	require.NoError(t, s.Record("netns", 1, 3)) // best position and completed stay
	d, err = s.Load()
	require.NoError(t, err)
	require.Equal(t, 3, d.Lessons["netns"].Done)
	require.True(t, d.Lessons["netns"].Completed)

	// No temp files left behind.
	require.ElementsMatch(t, []string{"progress.json", "progress.lock"}, names(t, s.Dir))
}

func names(t *testing.T, dir string) []string {
	t.Helper()
	ents, err := os.ReadDir(dir)
	require.NoError(t, err)
	var ns []string
	for _, e := range ents {
		ns = append(ns, e.Name())
	}
	return ns
}

func TestCorruptFileIsKeptAsideAndFreshStarts(t *testing.T) {
	for name, c := range map[string]struct{ content, why string }{
		"not json":      {"{\"version\": 1, \"lessons\": {", "(it is not valid JSON)"},
		"not an object": {"[1]", "(progress.json must hold a JSON object)"},
		"wrong version": {`{"version": 99, "lessons": {}}`, "(it has version 99, netlab knows 1)"},
		"version type":  {`{"version": "1", "lessons": {}}`, "(progress.json: field version must be a number)"},
		"lessons type":  {`{"version": 1, "lessons": []}`, "(progress.json: field lessons must be an object)"},
		"lesson type":   {`{"version": 1, "lessons": {"veth": 3}}`, "(progress.json: field lessons.veth must be an object)"},
		"done type":     {`{"version": 1, "lessons": {"netns": {"done": 1}, "veth": {"done": "3"}}}`, "(progress.json: field lessons.veth.done must be a number)"},
		"completed":     {`{"version": 1, "lessons": {"veth": {"completed": 1}}}`, "(progress.json: field lessons.veth.completed must be true or false)"},
		"too big":       {`{"version": 1, "lessons": {}, "x": "` + strings.Repeat("x", 1<<20) + `"}`, "(it is larger than 1 MiB)"},
		"updated":       {`{"version": 1, "lessons": {"veth": {"updated": "monday"}}}`, "(progress.json: field lessons.veth.updated must be a time like 2026-01-02T15:04:05Z)"},
	} {
		t.Run(name, func(t *testing.T) {
			var warn bytes.Buffer
			s := &Store{Dir: t.TempDir(), Warn: &warn}
			require.NoError(t, os.WriteFile(filepath.Join(s.Dir, "progress.json"), []byte(c.content), 0o644))
			require.NoError(t, s.Record("veth", 1, 6))
			require.Contains(t, warn.String(), "warning: progress file was unreadable "+c.why)
			matches, err := filepath.Glob(filepath.Join(s.Dir, "progress.json.corrupt-*"))
			require.NoError(t, err)
			require.Len(t, matches, 1)
			kept, err := os.ReadFile(matches[0])
			require.NoError(t, err)
			require.Equal(t, c.content, string(kept))
			d, err := s.Load()
			require.NoError(t, err)
			require.Equal(t, map[string]Lesson{"veth": d.Lessons["veth"]}, d.Lessons)
			require.Equal(t, 1, d.Lessons["veth"].Done)
		})
	}
}

func TestDecodeKeepsEveryField(t *testing.T) {
	at := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	d, why := decode([]byte(`{"version": 1, "extra": true, "lessons": {"veth": {"done": 2, "total": 6, "completed": true, "updated": "2026-01-02T03:04:05Z"}}}`))
	require.Empty(t, why)
	require.Equal(t, Data{Version: 1, Lessons: map[string]Lesson{"veth": {Done: 2, Total: 6, Completed: true, Updated: at}}}, d)
}

// Concurrent updates from many goroutines and from other processes must
// all land: without the lock, read-modify-write loses some.
func TestConcurrentUpdatesAllLand(t *testing.T) {
	dir := t.TempDir()
	s := &Store{Dir: dir}
	const goroutines, procs = 20, 4
	var wg sync.WaitGroup
	for i := 0; i < goroutines; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			require.NoError(t, s.Record("g"+strconv.Itoa(i), i, goroutines))
		}(i)
	}
	var cmds []*exec.Cmd
	for i := 0; i < procs; i++ {
		c := exec.Command(os.Args[0])
		c.Env = append(os.Environ(), "PROGRESS_HELPER_DIR="+dir, "PROGRESS_HELPER_SLUG=p"+strconv.Itoa(i))
		c.Stderr = os.Stderr
		require.NoError(t, c.Start())
		cmds = append(cmds, c)
	}
	wg.Wait()
	for _, c := range cmds {
		require.NoError(t, c.Wait())
	}
	d, err := s.Load()
	require.NoError(t, err)
	require.Len(t, d.Lessons, goroutines+procs*10)
}

func TestLearnerUID(t *testing.T) {
	for _, c := range []struct {
		ruid           int
		sudoUID, login string
		want           int
		why            string
	}{
		{1000, "", "", 1000, "the real uid of a user"},
		{1000, "0", "", 1000, "SUDO_UID cannot turn a user into root"},
		{1000, "2000", "1000", 1000, "nor into another user"},
		{0, "", "", 0, "root"},
		{0, "1000", "", 1000, "sudo without a login uid"},
		{0, "1000", noLoginUID, 1000, "sudo, login uid unset"},
		{0, "1000", "1000", 1000, "sudo, login uid agrees"},
		{0, "1000", "2000", 0, "login uid disagrees: SUDO_UID is not trusted"},
		{0, "0", "", 0, "SUDO_UID 0"},
		{0, "-5", "", 0, "negative"},
		{0, "abc", "", 0, "not a number"},
	} {
		require.Equal(t, c.want, learnerUID(c.ruid, c.sudoUID, c.login), c.why)
	}
}

func TestUIDMapped(t *testing.T) {
	initial := "         0          0 4294967295\n"
	require.True(t, uidMapped(initial, 1000))
	sandbox := "         0       1000          1\n"
	require.True(t, uidMapped(sandbox, 0))
	require.False(t, uidMapped(sandbox, 1000))
	two := "0 1000 1\n1 100000 65536\n"
	require.True(t, uidMapped(two, 65536))
	require.False(t, uidMapped(two, 65537))
	require.False(t, uidMapped("", 0))
}

// The store's place comes from the passwd database; XDG_STATE_HOME is
// honoured only where it cannot steer a privileged write elsewhere.
func TestStoreFor(t *testing.T) {
	needRoot(t)
	id, home := throwawayUser(t)
	t.Setenv("SUDO_UID", strconv.Itoa(id.UID))
	t.Setenv("HOME", "/root")
	t.Setenv("XDG_STATE_HOME", "")
	s, err := storeFor(id.UID)
	require.NoError(t, err)
	require.Equal(t, home, s.Base)
	require.Equal(t, filepath.Join(home, ".local/state/netlab"), s.Dir)
	require.Equal(t, id, s.Owner)

	// The learner's XDG_STATE_HOME leads only where the learner may write.
	t.Setenv("XDG_STATE_HOME", "/etc")
	s, err = storeFor(id.UID)
	require.NoError(t, err)
	require.Equal(t, "/etc/netlab", s.Dir)
	require.Equal(t, id, s.Owner)
	require.ErrorIs(t, s.Record("netns", 1, 3), unix.EACCES)
	require.NoDirExists(t, "/etc/netlab")

	// root's own run (no sudo): root's own setting.
	t.Setenv("SUDO_UID", "")
	t.Setenv("XDG_STATE_HOME", "/x/state")
	s, err = storeFor(0)
	require.NoError(t, err)
	require.Equal(t, "/x/state/netlab", s.Dir)
	require.Equal(t, "/", s.Base, "the nearest existing directory")
	require.Nil(t, s.Owner)
	// A state directory that does not exist yet is created.
	tmp := t.TempDir()
	t.Setenv("XDG_STATE_HOME", filepath.Join(tmp, "a/b"))
	s, err = storeFor(0)
	require.NoError(t, err)
	require.Equal(t, tmp, s.Base)
	require.NoError(t, s.Record("netns", 1, 3))
	require.FileExists(t, filepath.Join(tmp, "a/b/netlab/progress.json"))
	// ... but under sudo with an untrusted SUDO_UID, not the caller's:
	// root's files stay in root's home.
	t.Setenv("SUDO_UID", "12345")
	s, err = storeFor(0)
	require.NoError(t, err)
	require.Nil(t, s.Owner)
	rootHome := s.Base
	require.Equal(t, filepath.Join(rootHome, ".local/state/netlab"), s.Dir)
	t.Setenv("XDG_STATE_HOME", filepath.Join(rootHome, "st"))
	s, err = storeFor(0)
	require.NoError(t, err)
	require.Equal(t, filepath.Join(rootHome, "st/netlab"), s.Dir)
}

// Under sudo the files are created by the learner, not by root: they
// belong to the learner, and root's powers are not used to make them.
func TestFilesAreTheLearners(t *testing.T) {
	id, home := throwawayUser(t)
	s, err := storeFor(id.UID)
	require.NoError(t, err)
	require.Equal(t, home, s.Base)
	require.NoError(t, s.Record("netns", 1, 3))
	want := [2]uint32{uint32(id.UID), uint32(id.GID)}
	for _, p := range []string{".local", ".local/state", ".local/state/netlab", ".local/state/netlab/progress.json", ".local/state/netlab/progress.lock"} {
		require.Equal(t, want, owner(t, filepath.Join(home, p)), p)
	}
	d, err := s.Load()
	require.NoError(t, err)
	require.Equal(t, 1, d.Lessons["netns"].Done)
	// A home the learner may search but not list is enough.
	require.NoError(t, os.Chmod(home, 0o311))
	require.NoError(t, s.Record("netns", 2, 3))
	require.NoError(t, os.Chmod(home, 0o700))

	// The process is root again, on every thread.
	f := filepath.Join(t.TempDir(), "after")
	require.NoError(t, os.WriteFile(f, nil, 0o644))
	require.Equal(t, [2]uint32{0, 0}, owner(t, f))

	// Where the learner may not write, netlab (root) does not either.
	id2, home2 := throwawayUser(t)
	require.NoError(t, os.Mkdir(filepath.Join(home2, ".local"), 0o755)) // root's, 0755
	s2 := &Store{Base: home2, Dir: filepath.Join(home2, ".local/state/netlab"), Owner: id2}
	err = s2.Record("netns", 1, 3)
	require.ErrorIs(t, err, unix.EACCES)
	require.NoFileExists(t, filepath.Join(home2, ".local/state"))
}

// The identity switch is per thread: while goroutines write as the
// learner, the rest of netlab keeps its own identity.
func TestIdentitySwitchDoesNotLeak(t *testing.T) {
	id, home := throwawayUser(t)
	s := &Store{Base: home, Dir: filepath.Join(home, ".local/state/netlab"), Owner: id}
	stop := make(chan struct{})
	var wg sync.WaitGroup
	for i := 0; i < 8; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			for j := 0; ; j++ {
				select {
				case <-stop:
					return
				default:
				}
				require.NoError(t, s.Record(fmt.Sprintf("g%d-%d", i, j%5), 1, 2))
			}
		}(i)
	}
	dir := t.TempDir()
	for i := 0; i < 200; i++ {
		p := filepath.Join(dir, strconv.Itoa(i))
		require.NoError(t, os.WriteFile(p, nil, 0o600))
		require.Equal(t, [2]uint32{0, 0}, owner(t, p))
	}
	close(stop)
	wg.Wait()
	for _, n := range names(t, s.Dir) {
		require.Equal(t, [2]uint32{uint32(id.UID), uint32(id.GID)}, owner(t, filepath.Join(s.Dir, n)), n)
	}
}

// A file written for the learner is created by the learner.
func TestAsUser(t *testing.T) {
	id, home := throwawayUser(t)
	p := filepath.Join(home, "report.xml")
	require.NoError(t, asUser(id.UID, func() error { return os.WriteFile(p, []byte("x"), 0o644) }))
	require.Equal(t, [2]uint32{uint32(id.UID), uint32(id.GID)}, owner(t, p))
	// ... and cannot go where the learner may not write.
	err := asUser(id.UID, func() error { return os.WriteFile("/etc/netlab-test-must-not-exist", nil, 0o644) })
	require.ErrorIs(t, err, os.ErrPermission)
	require.NoFileExists(t, "/etc/netlab-test-must-not-exist")
}

// A symlink at any level below the home directory is never followed,
// whether netlab runs as the learner or as itself: nothing is created or
// changed where it points.
func TestSymlinksAreNotFollowed(t *testing.T) {
	id, _ := throwawayUser(t)
	for _, level := range []string{".local", ".local/state", ".local/state/netlab", ".local/state/netlab/progress.json", ".local/state/netlab/progress.lock"} {
		for _, asLearner := range []bool{true, false} {
			t.Run(fmt.Sprintf("%s/learner=%v", level, asLearner), func(t *testing.T) {
				home, err := os.MkdirTemp("", "netlab-home-")
				require.NoError(t, err)
				t.Cleanup(func() { os.RemoveAll(home) })
				require.NoError(t, os.Chown(home, id.UID, id.GID))
				// The victim: a directory anyone may write in, holding
				// another user's progress.
				victim := t.TempDir()
				require.NoError(t, os.Chmod(victim, 0o777))
				require.NoError(t, os.Chmod(filepath.Dir(victim), 0o755))
				theirs := filepath.Join(victim, "progress.json")
				require.NoError(t, os.WriteFile(theirs, []byte("theirs"), 0o666))
				require.NoError(t, os.Chmod(theirs, 0o666))

				link := filepath.Join(home, level)
				var dirs []string
				for d := filepath.Dir(link); d != home; d = filepath.Dir(d) {
					dirs = append([]string{d}, dirs...) // parents first
				}
				for _, d := range dirs {
					require.NoError(t, os.Mkdir(d, 0o755))
					require.NoError(t, os.Chown(d, id.UID, id.GID))
				}
				target := victim
				if filepath.Ext(level) != "" {
					target = filepath.Join(victim, filepath.Base(level))
				}
				require.NoError(t, os.Symlink(target, link))

				s := &Store{Base: home, Dir: filepath.Join(home, ".local/state/netlab")}
				if asLearner {
					s.Owner = id
				}
				err = s.Record("netns", 1, 3)
				require.Error(t, err)
				require.Contains(t, err.Error(), "move it away")
				_, err = s.Load()
				require.Error(t, err)
				require.Equal(t, []string{"progress.json"}, names(t, victim), "nothing created through the symlink")
				b, err := os.ReadFile(theirs)
				require.NoError(t, err)
				require.Equal(t, "theirs", string(b))
			})
		}
	}
}

// A FIFO (or a directory) planted as progress.json or progress.lock is
// refused at once, not waited on.
func TestNotARegularFileIsRefused(t *testing.T) {
	for _, name := range []string{"progress.json", "progress.lock"} {
		for kind, make := range map[string]func(string) error{
			"fifo": func(p string) error { return unix.Mkfifo(p, 0o644) },
			"dir":  func(p string) error { return os.Mkdir(p, 0o755) },
		} {
			t.Run(name+"/"+kind, func(t *testing.T) {
				s := &Store{Dir: t.TempDir()}
				require.NoError(t, make(filepath.Join(s.Dir, name)))
				_, err := s.Load()
				require.ErrorContains(t, err, name+" is not a regular file")
				require.ErrorContains(t, s.Record("netns", 1, 3), "is not a regular file")
			})
		}
	}
}

// Waiting for a lock another netlab holds ends when the context does.
func TestLockWaitIsInterruptible(t *testing.T) {
	s := &Store{Dir: t.TempDir()}
	require.NoError(t, s.Record("netns", 1, 3))
	held, err := os.OpenFile(filepath.Join(s.Dir, "progress.lock"), os.O_RDWR, 0)
	require.NoError(t, err)
	defer held.Close()
	require.NoError(t, unix.Flock(int(held.Fd()), unix.LOCK_EX))

	waiting := make(chan struct{})
	onLockWait = func() { close(waiting) }
	defer func() { onLockWait = nil }()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() {
		_, err := s.LoadContext(ctx)
		done <- err
	}()
	<-waiting
	cancel()
	err = <-done
	require.ErrorIs(t, err, context.Canceled)
	require.ErrorContains(t, err, "stopped waiting for another netlab's progress lock")

	// The abandoned waiter gives the lock back once it gets it.
	onLockWait = nil
	require.NoError(t, unix.Flock(int(held.Fd()), unix.LOCK_UN))
	require.NoError(t, s.Record("netns", 2, 3))
	d, err := s.Load()
	require.NoError(t, err)
	require.Equal(t, 2, d.Lessons["netns"].Done)
}

// Temp files of killed writers are removed; a symlink among them is
// removed itself, not what it points to.
func TestStaleTempFilesAreCleaned(t *testing.T) {
	s := &Store{Dir: t.TempDir()}
	other := filepath.Join(t.TempDir(), "keep")
	require.NoError(t, os.WriteFile(other, []byte("keep"), 0o644))
	require.NoError(t, os.WriteFile(filepath.Join(s.Dir, "progress.json.tmp-123"), []byte("{"), 0o644))
	require.NoError(t, os.Symlink(other, filepath.Join(s.Dir, "progress.json.tmp-456")))
	require.NoError(t, os.WriteFile(filepath.Join(s.Dir, "notes.txt"), nil, 0o644))
	require.NoError(t, s.Record("netns", 1, 3))
	require.ElementsMatch(t, []string{"progress.json", "progress.lock", "notes.txt"}, names(t, s.Dir))
	b, err := os.ReadFile(other)
	require.NoError(t, err)
	require.Equal(t, "keep", string(b))
}

func TestDefaultFailsPlainly(t *testing.T) {
	s := &Store{err: fmt.Errorf("netlab cannot find user 4321 in the passwd database")}
	_, err := s.Load()
	require.ErrorContains(t, err, "user 4321")
	require.ErrorContains(t, s.Record("x", 1, 1), "user 4321")
}
