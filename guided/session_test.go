package guided

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/netlab/netlab/sandbox"
)

// TestCleanStale: a session whose owner died (its lock is free) is
// removed; a live one, a half-made one (no lock), a symlink named like a
// session, and a session reached through a symlinked lock are not, and
// nothing outside is touched.
func TestCleanStale(t *testing.T) {
	tmp := t.TempDir()
	t.Setenv("TMPDIR", tmp)
	live, err := NewSession("/bin/true")
	require.NoError(t, err)
	defer live.Close()

	// A dead owner: a session made the same way whose lock was dropped
	// without removing the directory (what SIGKILL leaves).
	dead, err := NewSession("/bin/true")
	require.NoError(t, err)
	dead.lock.Close()
	require.NoError(t, os.WriteFile(filepath.Join(dead.Dir, "pos"), []byte("2\n"), 0o644))

	halfMade := filepath.Join(tmp, sessionPrefix+"half")
	require.NoError(t, os.Mkdir(halfMade, 0o700))

	// A symlink named like a session, to a directory that looks stale.
	outside := t.TempDir()
	require.NoError(t, os.WriteFile(filepath.Join(outside, fileLock), nil, 0o600))
	require.NoError(t, os.WriteFile(filepath.Join(outside, "precious"), []byte("x"), 0o600))
	link := filepath.Join(tmp, sessionPrefix+"link")
	require.NoError(t, os.Symlink(outside, link))

	// A session whose lock is a symlink to a free lock elsewhere.
	viaLink := filepath.Join(tmp, sessionPrefix+"vialink")
	require.NoError(t, os.Mkdir(viaLink, 0o700))
	require.NoError(t, os.Symlink(filepath.Join(outside, fileLock), filepath.Join(viaLink, fileLock)))

	removed := CleanStale(tmp)
	require.Equal(t, []string{dead.Dir}, removed)
	require.NoDirExists(t, dead.Dir)
	for _, p := range []string{live.Dir, halfMade, viaLink, outside} {
		require.DirExists(t, p)
	}
	require.FileExists(t, filepath.Join(outside, "precious"))
	_, err = os.Lstat(link)
	require.NoError(t, err, "the symlink itself stays")

	// NewSession cleans up at start.
	dead2, err := NewSession("/bin/true")
	require.NoError(t, err)
	dead2.lock.Close()
	s, err := NewSession("/bin/true")
	require.NoError(t, err)
	defer s.Close()
	require.NoDirExists(t, dead2.Dir)
	require.DirExists(t, live.Dir)
}

func TestSessionPos(t *testing.T) {
	s := newTestSession(t)
	_, err := s.Pos()
	require.True(t, IsNotStarted(err))
	require.NoError(t, s.setPos(3))
	n, err := s.Pos()
	require.NoError(t, err)
	require.Equal(t, 3, n)
	for _, f := range []string{fifoReq, fifoResp} {
		fi, err := os.Lstat(filepath.Join(s.Dir, f))
		require.NoError(t, err)
		require.Equal(t, os.ModeNamedPipe, fi.Mode().Type())
	}
	target, err := os.Readlink(filepath.Join(s.Dir, dirBin, "netlab"))
	require.NoError(t, err)
	require.Equal(t, "/bin/true", target)
}

// A session root handed to the sandbox's user (nobody, or the learner
// under sudo) and whose owner died is root's to clean up too.
func TestCleanStaleHandedSession(t *testing.T) {
	if os.Geteuid() != 0 || !sandbox.InitialUserNS() {
		t.Skip("only root hands sessions over")
	}
	tmp := t.TempDir()
	t.Setenv("TMPDIR", tmp)
	t.Setenv("SUDO_UID", "")
	dead, err := NewSession("/bin/true")
	require.NoError(t, err)
	other, err := NewSession("/bin/true")
	require.NoError(t, err)
	dead.lock.Close()
	other.lock.Close()
	uid := sandbox.IdentityFor(false).UID
	for _, d := range []string{dead.Dir, other.Dir} {
		require.NoError(t, filepath.WalkDir(d, func(p string, _ os.DirEntry, err error) error {
			if err != nil {
				return err
			}
			return os.Lchown(p, uid, uid)
		}))
	}
	// Another user's session is not root's business.
	require.NoError(t, os.Lchown(other.Dir, uid+1, uid+1))
	require.Equal(t, []string{dead.Dir}, CleanStale(tmp))
	require.DirExists(t, other.Dir)
}
