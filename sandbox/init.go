package sandbox

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"

	"github.com/vishvananda/netlink"
	"golang.org/x/sys/unix"

	"github.com/netlab/netlab/i18n"
)

// Init must be called first in main and in TestMain. Everywhere but in a
// sandbox's init it returns nil at once. In the init (PID 1 of a fresh PID
// namespace, in a user namespace of its own, with netlab's handshake on
// fd 3) it sets the sandbox up, runs the payload and exits with the
// payload's status: it never returns there.
func Init() error {
	if os.Getpid() != 1 || InitialUserNS() {
		return nil
	}
	h, ok := readHandshake()
	if !ok {
		return nil
	}
	os.Exit(runInit(h))
	return nil
}

// readHandshake reads the parent's instructions from fd 3: a pipe holding
// netlab's magic and a nonce. Anything else means this is not netlab's
// sandbox init (for example a test binary some other tool runs as PID 1).
func readHandshake() (handshake, bool) {
	var h handshake
	var st unix.Stat_t
	if err := unix.Fstat(fdHandshake, &st); err != nil || st.Mode&unix.S_IFMT != unix.S_IFIFO {
		return h, false
	}
	f := os.NewFile(fdHandshake, "handshake")
	defer f.Close()
	b, err := io.ReadAll(io.LimitReader(f, 64<<10))
	if err != nil || json.Unmarshal(b, &h) != nil || h.Magic != magic || len(h.Nonce) < 16 {
		return handshake{}, false
	}
	return h, true
}

func runInit(h handshake) int {
	report := func(string) {}
	if h.Status {
		sf := os.NewFile(fdStatus, "status")
		unix.CloseOnExec(fdStatus)
		report = func(msg string) { _, _ = io.WriteString(sf, msg+"\n"); sf.Close() }
	}
	unix.CloseOnExec(fdBinary)
	// Read before /proc shows only the sandbox: our pid as the host sees
	// it, and the terminal, for the registry.
	hostPID, _ := strconv.Atoi(readLink("/proc/self"))
	tty := readLink("/proc/self/fd/0")
	if err := setup(h); err != nil {
		msg := "error: " + err.Error()
		if h.Status {
			report(msg)
		} else {
			fmt.Fprintln(os.Stderr, ExplainIn(envLang(), err))
		}
		return 125
	}
	unregister := func() {}
	if h.Label != "" {
		var err error
		if unregister, err = register(h, hostPID, tty); err != nil {
			fmt.Fprintln(os.Stderr, i18n.T(envLang(), "sandbox-warn-unregistered", i18n.Data{"Err": err}))
			unregister = func() {}
		}
	}
	os.Setenv("PATH", payloadPath(os.Getenv("PATH")))
	var path string
	var argv []string
	if len(h.Argv) > 0 {
		p, err := exec.LookPath(h.Argv[0])
		if err != nil {
			unregister()
			report(fmt.Sprintf("error: %s is not installed: %v", h.Argv[0], err))
			return 127
		}
		path, argv = p, h.Argv
	} else {
		path, argv = "/proc/self/fd/"+strconv.Itoa(fdBinary), append([]string{os.Args[0]}, h.SelfArgs...)
	}
	// Signals for the sandbox go to its payload; Ctrl-C and Ctrl-\ reach
	// the payload from the terminal by themselves, so PID 1 only notes them.
	sigs := make(chan os.Signal, 8)
	signal.Notify(sigs, syscall.SIGHUP, syscall.SIGTERM, syscall.SIGINT, syscall.SIGQUIT)
	pid, err := syscall.ForkExec(path, argv, &syscall.ProcAttr{Env: os.Environ(), Files: []uintptr{0, 1, 2}})
	if err != nil {
		unregister()
		report("error: start " + argv[0] + ": " + err.Error())
		return 127
	}
	report("ok")
	go func() {
		for s := range sigs {
			if s == syscall.SIGHUP || s == syscall.SIGTERM {
				_ = syscall.Kill(pid, s.(syscall.Signal))
			}
		}
	}()
	code := reap(pid)
	unregister()
	// Returning ends PID 1: the kernel kills whatever else still runs in
	// the sandbox (jobs left in the background, `ip netns exec ... &`).
	return code
}

// reap waits for every child (PID 1 adopts the sandbox's orphans) until
// the payload ends, and returns the payload's exit code.
func reap(pid int) int {
	for {
		var ws syscall.WaitStatus
		wpid, err := syscall.Wait4(-1, &ws, 0, nil)
		if errors.Is(err, syscall.EINTR) {
			continue
		}
		if err != nil {
			return 125
		}
		if wpid != pid {
			continue
		}
		switch {
		case ws.Exited():
			return ws.ExitStatus()
		case ws.Signaled():
			return 128 + int(ws.Signal())
		}
	}
}

// payloadPath puts the sandbox's netlab first and appends the sbin
// directories a normal user's PATH lacks (ip, iptables, sysctl live there).
func payloadPath(p string) string {
	parts := []string{BinDir}
	have := map[string]bool{BinDir: true}
	for _, d := range strings.Split(p, ":") {
		if d != "" && !have[d] {
			have[d] = true
			parts = append(parts, d)
		}
	}
	for _, d := range []string{"/usr/local/sbin", "/usr/sbin", "/sbin"} {
		if !have[d] {
			parts = append(parts, d)
		}
	}
	return strings.Join(parts, ":")
}

func readLink(p string) string {
	s, _ := os.Readlink(p)
	return s
}

// setup runs in the init, as root of the new user namespace.
func setup(h handshake) error {
	// Nothing mounted here may leak back to the host's mount namespace.
	if err := unix.Mount("", "/", "", unix.MS_REC|unix.MS_PRIVATE, ""); err != nil {
		return fmt.Errorf("make mounts private: %w", err)
	}
	// The learner's runtime directory survives the new /run (their
	// session bus, their netlab registry).
	var rt = -1
	if h.HostUID > 0 {
		if fd, err := unix.Open(fmt.Sprintf("/run/user/%d", h.HostUID), unix.O_PATH|unix.O_DIRECTORY|unix.O_NOFOLLOW|unix.O_CLOEXEC, 0); err == nil {
			rt = fd
			defer unix.Close(fd)
		}
	}
	// A /run of our own: an unprivileged user cannot make mount points
	// under the host's /run, and the sandbox needs a private /run/netns,
	// /run/xtables.lock and /run/netlab (0700: kernel.LabStateDir refuses a
	// state directory others can open). Its source name is the marker.
	if err := unix.Mount(markerPrefix+h.Nonce, "/run", "tmpfs", unix.MS_NOSUID|unix.MS_NODEV, "mode=0755"); err != nil {
		return fmt.Errorf("mount a private /run: %w", err)
	}
	for _, d := range []struct {
		p    string
		mode os.FileMode
	}{{"/run/netns", 0o755}, {"/run/netlab", 0o700}, {"/run/lock", 0o1777}, {"/run/user", 0o755}, {BinDir, 0o755}} {
		if err := os.MkdirAll(d.p, 0o755); err != nil {
			return fmt.Errorf("create %s: %w", d.p, err)
		}
		if err := os.Chmod(d.p, d.mode); err != nil {
			return fmt.Errorf("chmod %s: %w", d.p, err)
		}
	}
	// The sandbox's netlab is the binary PID 1 runs from: its descriptor
	// stays open in PID 1 (a bind mount of it is refused, as it belongs
	// to the parent's mount namespace).
	exe := filepath.Join(BinDir, "netlab")
	if err := os.Symlink("/proc/1/fd/"+strconv.Itoa(fdBinary), exe); err != nil {
		return fmt.Errorf("create %s: %w", exe, err)
	}
	if rt >= 0 {
		dst := fmt.Sprintf("/run/user/%d", h.HostUID)
		if err := os.Mkdir(dst, 0o700); err != nil {
			return fmt.Errorf("create %s: %w", dst, err)
		}
		if err := unix.Mount("/proc/self/fd/"+strconv.Itoa(rt), dst, "", unix.MS_BIND|unix.MS_REC, ""); err != nil {
			return fmt.Errorf("keep %s: %w", dst, err)
		}
	}
	// A fresh /sys shows this namespace's links (brctl and friends read
	// /sys/class/net); the host's would otherwise show through.
	if err := unix.Mount("sysfs", "/sys", "sysfs", unix.MS_NOSUID|unix.MS_NODEV|unix.MS_NOEXEC, ""); err != nil {
		return fmt.Errorf("mount /sys: %w", err)
	}
	// A /proc of the sandbox's PID namespace: ps shows the sandbox's
	// processes, and /proc/sys/net is the sandbox's (sysctl -w works).
	if err := unix.Mount("proc", "/proc", "proc", unix.MS_NOSUID|unix.MS_NODEV|unix.MS_NOEXEC, ""); err != nil {
		return fmt.Errorf("mount /proc: %w", err)
	}
	_ = unix.Sethostname([]byte("netlab"))
	// The lab's root namespace behaves like a host's: loopback up.
	lo, err := netlink.LinkByName("lo")
	if err != nil {
		return fmt.Errorf("find lo: %w", err)
	}
	if err := netlink.LinkSetUp(lo); err != nil {
		return fmt.Errorf("bring lo up: %w", err)
	}
	return nil
}
