package sandbox

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"time"
	"unsafe"

	"golang.org/x/sys/unix"

	"github.com/netlab/netlab/i18n"
)

// Record describes a running lesson sandbox, as its init registered it in
// the learner's runtime directory.
type Record struct {
	PID     int       `json:"pid"` // the init, as the host sees it
	Nonce   string    `json:"nonce"`
	Lesson  int       `json:"lesson,omitempty"` // 0: netlab shell
	Label   string    `json:"label"`
	Started time.Time `json:"started"`
	TTY     string    `json:"tty,omitempty"`
	// Foreign: the sandbox runs, but this user may not enter it (root
	// made it, with sudo).
	Foreign bool `json:"-"`
}

// Describe names the sandbox for the learner.
func (r Record) Describe() string { return r.DescribeIn(i18n.EN) }

// DescribeIn is Describe in lang.
func (r Record) DescribeIn(lang i18n.Lang) string {
	on := ""
	if r.TTY != "" && strings.HasPrefix(r.TTY, "/dev/") {
		on = i18n.T(lang, "sandbox-describe-tty", i18n.Data{"TTY": r.TTY})
	}
	return i18n.T(lang, "sandbox-describe", i18n.Data{"Label": r.Label, "PID": r.PID, "Time": r.Started.Local().Format("15:04:05"), "On": on})
}

// registryDir is where the sandboxes of the current user are registered:
// /run/user/UID/netlab when the system made /run/user/UID (owned by the
// user, not writable by others), else /tmp/netlab-UID, made 0700 and
// verified. $XDG_RUNTIME_DIR is not trusted. Ownership is judged in this
// process's user namespace, so the init (root inside, the learner outside)
// and the learner's other terminals agree.
// Where registries live; tests move them.
var (
	runUserDir = "/run/user"
	tmpDir     = "/tmp"
)

func registryDir(hostUID int, create bool) (string, error) {
	me := uint32(os.Geteuid())
	private := func(p string, exact bool) error {
		var st unix.Stat_t
		if err := unix.Lstat(p, &st); err != nil {
			return err
		}
		switch {
		case st.Mode&unix.S_IFMT != unix.S_IFDIR:
			return fmt.Errorf("%s is not a directory", p)
		case st.Uid != me:
			return fmt.Errorf("%s belongs to uid %d, not to this user", p, st.Uid)
		case exact && st.Mode&0o077 != 0, st.Mode&0o022 != 0:
			return fmt.Errorf("%s is open to other users (mode %o)", p, st.Mode&0o777)
		}
		return nil
	}
	base := filepath.Join(runUserDir, strconv.Itoa(hostUID))
	if private(base, false) != nil {
		base = ""
	}
	dir := filepath.Join(base, "netlab")
	if base == "" {
		dir = filepath.Join(tmpDir, fmt.Sprintf("netlab-%d", hostUID))
	}
	if create {
		if err := os.Mkdir(dir, 0o700); err != nil && !errors.Is(err, fs.ErrExist) {
			return "", err
		}
	}
	if err := private(dir, true); err != nil {
		return "", err
	}
	return dir, nil
}

// register writes the init's record; the returned func removes it.
func register(h handshake, pid int, tty string) (func(), error) {
	if pid <= 0 {
		return nil, errors.New("the sandbox's pid is unknown")
	}
	dir, err := registryDir(h.HostUID, true)
	if err != nil {
		return nil, err
	}
	r := Record{PID: pid, Nonce: h.Nonce, Lesson: h.Lesson, Label: h.Label, Started: time.Now(), TTY: tty}
	b, err := json.Marshal(r)
	if err != nil {
		return nil, err
	}
	p := filepath.Join(dir, strconv.Itoa(pid)+".json")
	_ = os.Remove(p) // a stale record of a pid the kernel reused
	f, err := os.OpenFile(p, os.O_WRONLY|os.O_CREATE|os.O_EXCL|unix.O_NOFOLLOW, 0o600)
	if errors.Is(err, fs.ErrNotExist) {
		// Another sandbox removed the empty fallback directory just now.
		if dir, err = registryDir(h.HostUID, true); err != nil {
			return nil, err
		}
		f, err = os.OpenFile(p, os.O_WRONLY|os.O_CREATE|os.O_EXCL|unix.O_NOFOLLOW, 0o600)
	}
	if err != nil {
		return nil, err
	}
	if _, err := f.Write(b); err != nil {
		f.Close()
		os.Remove(p)
		return nil, err
	}
	if err := f.Close(); err != nil {
		os.Remove(p)
		return nil, err
	}
	return func() {
		os.Remove(p)
		if strings.HasPrefix(dir, tmpDir+"/") {
			os.Remove(dir) // only when empty: leave no debris in /tmp
		}
	}, nil
}

// Running lists the current user's running lesson sandboxes, newest
// first. Records of sandboxes that ended (killed without cleaning up) are
// removed; a record counts only while its pid is that sandbox's init
// (its /run carries the record's nonce).
func Running() ([]Record, error) {
	dir, err := registryDir(os.Getuid(), false)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	ents, err := os.ReadDir(dir)
	if err != nil {
		return nil, err
	}
	var out []Record
	for _, e := range ents {
		if !strings.HasSuffix(e.Name(), ".json") {
			continue
		}
		p := filepath.Join(dir, e.Name())
		r, err := readRecord(p)
		if err != nil {
			continue
		}
		mi, err := os.ReadFile(fmt.Sprintf("/proc/%d/mountinfo", r.PID))
		switch {
		case errors.Is(err, fs.ErrPermission) || errors.Is(err, unix.EPERM) || errors.Is(err, unix.EACCES):
			r.Foreign = true
		case err != nil || markerIn(mi) != r.Nonce:
			os.Remove(p)
			continue
		default:
			r.Foreign = !ownUserNS(r.PID)
		}
		out = append(out, r)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Started.After(out[j].Started) })
	return out, nil
}

// ownUserNS reports whether this user owns (and so may enter) the user
// namespace of process pid: root owns a sandbox made under sudo.
func ownUserNS(pid int) bool {
	fd, err := unix.Open(fmt.Sprintf("/proc/%d/ns/user", pid), unix.O_RDONLY|unix.O_CLOEXEC, 0)
	if err != nil {
		return false
	}
	defer unix.Close(fd)
	var owner uint32
	if _, _, e := unix.Syscall(unix.SYS_IOCTL, uintptr(fd), uintptr(unix.NS_GET_OWNER_UID), uintptr(unsafe.Pointer(&owner))); e != 0 {
		return false
	}
	return int(owner) == os.Getuid()
}

func readRecord(p string) (Record, error) {
	var r Record
	f, err := os.OpenFile(p, os.O_RDONLY|unix.O_NOFOLLOW|unix.O_NONBLOCK, 0)
	if err != nil {
		return r, err
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil || !st.Mode().IsRegular() {
		return r, errors.New("not a regular file")
	}
	b, err := io.ReadAll(io.LimitReader(f, 8192))
	if err != nil {
		return r, err
	}
	if err := json.Unmarshal(b, &r); err != nil || r.PID <= 1 || r.Nonce == "" {
		return r, errors.New("not a sandbox record")
	}
	return r, nil
}

// EnterCommand runs `netlab args...` inside the running sandbox r: in its
// user, mount, network, PID and UTS namespaces, as root there (the
// learner outside). A Go program cannot enter a user namespace once it
// has threads, so util-linux nsenter does it; the netlab that runs is the
// sandbox's own (BinDir).
func EnterCommand(ctx context.Context, r Record, args []string) (*exec.Cmd, error) {
	nsenter, err := exec.LookPath("nsenter")
	if err != nil {
		for _, p := range []string{"/usr/bin/nsenter", "/bin/nsenter"} {
			if _, e := os.Stat(p); e == nil {
				nsenter, err = p, nil
			}
		}
		if err != nil {
			return nil, errors.New("netlab needs nsenter (util-linux) to reach a running sandbox: apt-get install util-linux")
		}
	}
	a := []string{"--preserve-credentials", "-U", "-m", "-n", "-p", "-u", "-t", strconv.Itoa(r.PID)}
	if wd, err := os.Getwd(); err == nil && !strings.HasPrefix(wd, "/run") && !strings.HasPrefix(wd, "/proc") && !strings.HasPrefix(wd, "/sys") {
		a = append(a, "--wd="+wd)
	}
	a = append(a, "--", filepath.Join(BinDir, "netlab"))
	cmd := exec.CommandContext(ctx, nsenter, append(a, args...)...)
	cmd.Env = os.Environ()
	return cmd, nil
}
