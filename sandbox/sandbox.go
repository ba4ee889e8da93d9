// Package sandbox runs a process in a private network namespace plus a
// private mount namespace with its own empty /run/netns and its own /sys.
// Whatever happens inside (ip netns add, bridges, iptables, moving links)
// stays inside and is gone when the last process of the sandbox exits.
//
// A Go program cannot unshare its mount namespace once it has threads, so
// the sandbox is made by starting a fresh child with clone flags; the
// child calls Init first thing to finish the set-up from the inside.
package sandbox

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"syscall"

	"github.com/vishvananda/netlink"
	"golang.org/x/sys/unix"
)

const (
	envInit   = "NETLAB_SANDBOX_INIT" // set for a child that must set itself up
	envExec   = "NETLAB_SANDBOX_EXEC" // JSON argv to exec once set up
	envInside = "NETLAB_SANDBOX"      // "1" inside a sandbox, for children and prompts
)

// Inside reports whether this process runs inside a netlab sandbox.
func Inside() bool { return os.Getenv(envInside) == "1" }

// Command returns a command that runs argv inside a new sandbox. self is
// the path of a binary whose main (or TestMain) calls Init: normally
// os.Executable(). When argv is empty the child is self itself, continuing
// with its own arguments (used by tests).
func Command(ctx context.Context, self string, selfArgs []string, argv []string) (*exec.Cmd, error) {
	cmd := exec.CommandContext(ctx, self, selfArgs...)
	cmd.Env = append(os.Environ(), envInit+"=1")
	if len(argv) > 0 {
		b, err := json.Marshal(argv)
		if err != nil {
			return nil, err
		}
		cmd.Env = append(cmd.Env, envExec+"="+string(b))
	}
	cmd.SysProcAttr = &syscall.SysProcAttr{
		Cloneflags: unix.CLONE_NEWNET | unix.CLONE_NEWNS,
		// The sandbox dies with its parent; nothing is left running.
		Pdeathsig: syscall.SIGKILL,
	}
	return cmd, nil
}

// Init finishes a sandbox from the inside. Call it first in main and in
// TestMain; outside a sandbox child it does nothing. When the parent asked
// for a command (Command with argv), Init replaces this process with it.
func Init() error {
	if os.Getenv(envInit) != "1" {
		return nil
	}
	os.Unsetenv(envInit)
	if err := setup(); err != nil {
		return fmt.Errorf("sandbox set-up: %w", err)
	}
	os.Setenv(envInside, "1")
	if raw := os.Getenv(envExec); raw != "" {
		os.Unsetenv(envExec)
		var argv []string
		if err := json.Unmarshal([]byte(raw), &argv); err != nil || len(argv) == 0 {
			return fmt.Errorf("sandbox: bad command %q", raw)
		}
		path, err := exec.LookPath(argv[0])
		if err != nil {
			return fmt.Errorf("sandbox: %w", err)
		}
		return syscall.Exec(path, argv, os.Environ())
	}
	return nil
}

func setup() error {
	// Nothing mounted here may leak back to the host's mount namespace.
	if err := unix.Mount("", "/", "", unix.MS_REC|unix.MS_PRIVATE, ""); err != nil {
		return fmt.Errorf("make mounts private: %w", err)
	}
	// An empty /run/netns of our own: `ip netns add` inside the sandbox
	// must neither see nor touch the host's named namespaces. Creating the
	// directory itself on the host is what `ip netns add` would do anyway.
	if err := os.MkdirAll("/run/netns", 0o755); err != nil {
		return fmt.Errorf("create /run/netns: %w", err)
	}
	if err := unix.Mount("netlab-netns", "/run/netns", "tmpfs", unix.MS_NOSUID|unix.MS_NODEV|unix.MS_NOEXEC, "mode=0755"); err != nil {
		return fmt.Errorf("mount /run/netns: %w", err)
	}
	// A fresh /sys shows this namespace's links (brctl and friends read
	// /sys/class/net); the host's would otherwise show through.
	if err := unix.Mount("sysfs", "/sys", "sysfs", unix.MS_NOSUID|unix.MS_NODEV|unix.MS_NOEXEC, ""); err != nil && !errors.Is(err, unix.EBUSY) {
		return fmt.Errorf("mount /sys: %w", err)
	}
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
