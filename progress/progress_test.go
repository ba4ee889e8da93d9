package progress

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"sync"
	"syscall"
	"testing"

	"github.com/stretchr/testify/require"
)

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
	ents, err := os.ReadDir(s.Dir)
	require.NoError(t, err)
	var names []string
	for _, e := range ents {
		names = append(names, e.Name())
	}
	require.ElementsMatch(t, []string{"progress.json", "progress.lock"}, names)
}

func TestCorruptFileIsKeptAsideAndFreshStarts(t *testing.T) {
	for name, content := range map[string]string{
		"not json":      "{\"version\": 1, \"lessons\": {",
		"wrong version": `{"version": 99, "lessons": {}}`,
	} {
		t.Run(name, func(t *testing.T) {
			var warn bytes.Buffer
			s := &Store{Dir: t.TempDir(), Warn: &warn}
			require.NoError(t, os.WriteFile(filepath.Join(s.Dir, "progress.json"), []byte(content), 0o644))
			require.NoError(t, s.Record("veth", 1, 6))
			require.Contains(t, warn.String(), "warning: progress file was unreadable")
			matches, err := filepath.Glob(filepath.Join(s.Dir, "progress.json.corrupt-*"))
			require.NoError(t, err)
			require.Len(t, matches, 1)
			kept, err := os.ReadFile(matches[0])
			require.NoError(t, err)
			require.Equal(t, content, string(kept))
			d, err := s.Load()
			require.NoError(t, err)
			require.Equal(t, map[string]Lesson{"veth": d.Lessons["veth"]}, d.Lessons)
			require.Equal(t, 1, d.Lessons["veth"].Done)
		})
	}
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
		c := exec.Command(os.Args[0], "-test.run", "^TestHelperRecord$")
		c.Env = append(os.Environ(), "PROGRESS_HELPER_DIR="+dir, "PROGRESS_HELPER_SLUG=p"+strconv.Itoa(i))
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

// TestHelperRecord is run as a separate process by the test above.
func TestHelperRecord(t *testing.T) {
	dir := os.Getenv("PROGRESS_HELPER_DIR")
	if dir == "" {
		t.Skip("helper process only")
	}
	s := &Store{Dir: dir}
	for i := 0; i < 10; i++ {
		require.NoError(t, s.Record(os.Getenv("PROGRESS_HELPER_SLUG")+"-"+strconv.Itoa(i), 1, 2))
	}
}

func TestDefaultDir(t *testing.T) {
	t.Setenv("XDG_STATE_HOME", "/x/state")
	dir, owner := DefaultDir()
	require.Equal(t, "/x/state/netlab", dir)
	require.Nil(t, owner)

	t.Setenv("XDG_STATE_HOME", "")
	t.Setenv("SUDO_USER", "")
	t.Setenv("HOME", "/home/someone")
	dir, _ = DefaultDir()
	require.Equal(t, "/home/someone/.local/state/netlab", dir)
}

// Under sudo the files belong to the learner, not to root.
func TestOwnerGetsTheFiles(t *testing.T) {
	if os.Geteuid() != 0 {
		t.Skip("chown needs root")
	}
	home := t.TempDir()
	s := &Store{Dir: filepath.Join(home, ".local", "state", "netlab"), Owner: &[2]int{4242, 4343}}
	require.NoError(t, s.Record("netns", 1, 3))
	for _, p := range []string{s.Dir, filepath.Dir(s.Dir), filepath.Join(home, ".local"), filepath.Join(s.Dir, "progress.json"), filepath.Join(s.Dir, "progress.lock")} {
		fi, err := os.Stat(p)
		require.NoError(t, err)
		st := fi.Sys().(*syscall.Stat_t)
		require.Equal(t, [2]uint32{4242, 4343}, [2]uint32{st.Uid, st.Gid}, p)
	}
	fi, err := os.Stat(home)
	require.NoError(t, err)
	require.Equal(t, uint32(0), fi.Sys().(*syscall.Stat_t).Uid, "nothing above ~/.local changes owner")
}
