package doctor

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"time"

	"github.com/netlab/netlab/kernel"
	"github.com/netlab/netlab/sandbox"
)

// Lab is the part of the kernel the tries use.
type Lab interface {
	kernel.Kernel
	kernel.Changer
}

// TryAll tries the kernel features the lessons need, for real. It must run
// inside a sandbox (it creates links, a namespace and rules); everything
// it makes vanishes with the sandbox.
func TryAll(ctx context.Context, k Lab) (Tries, error) {
	if !sandbox.Inside() {
		return nil, errors.New("doctor's tries run only inside a netlab sandbox")
	}
	t := Tries{}
	ip := func(args ...string) error {
		_, err := k.Exec(ctx, kernel.Root, "ip", args...)
		return err
	}
	msg := func(err error) string {
		if err == nil {
			return ""
		}
		return err.Error()
	}
	t[TryNamedNS] = msg(func() error {
		if err := ip("netns", "add", "doctor0"); err != nil {
			return err
		}
		if err := ip("-n", "doctor0", "link", "set", "lo", "up"); err != nil {
			return err
		}
		st, err := k.NamespaceState(ctx, "doctor0")
		if err != nil {
			return err
		}
		if st != kernel.NSPresent {
			return errors.New("ip netns add made /run/netns/doctor0, but it is no namespace mount")
		}
		return nil
	}())
	t[TryVeth] = msg(ip("link", "add", "dveth0", "type", "veth", "peer", "name", "dveth1"))
	t[TryBridge] = msg(func() error {
		if err := ip("link", "add", "dbr0", "type", "bridge"); err != nil {
			return err
		}
		if t[TryVeth] != "" {
			return nil
		}
		return ip("link", "set", "dveth0", "master", "dbr0")
	}())
	if t[TryBridge] == "" {
		t[TryVLANBr] = msg(ip("link", "set", "dbr0", "type", "bridge", "vlan_filtering", "1"))
	}
	if t[TryVeth] == "" {
		t[TryVLAN] = msg(ip("link", "add", "link", "dveth1", "name", "dveth1.10", "type", "vlan", "id", "10"))
		t[TryVXLAN] = msg(ip("link", "add", "dvx0", "type", "vxlan", "id", "42", "dstport", "4789", "dev", "dveth1"))
	}
	t[TryNFT] = msg(func() error {
		if _, err := k.Exec(ctx, kernel.Root, "iptables", "-A", "FORWARD", "-i", "dbr0", "-j", "ACCEPT"); err != nil {
			return err
		}
		if _, err := k.Exec(ctx, kernel.Root, "iptables", "-t", "nat", "-A", "POSTROUTING", "-o", "dveth1", "-j", "MASQUERADE"); err != nil {
			return err
		}
		rs, err := k.Ruleset(ctx, kernel.Root)
		if err != nil {
			return err
		}
		if len(rs.Rules)+len(rs.Legacy) < 2 {
			return fmt.Errorf("iptables added 2 rules, but netlab reads %d back", len(rs.Rules)+len(rs.Legacy))
		}
		return nil
	}())
	t[TryICMP] = msg(func() error {
		r, err := k.Ping(ctx, kernel.Root, net.IPv4(127, 0, 0, 1), kernel.PingOpts{Count: 1, Timeout: time.Second})
		switch {
		case err != nil:
			return err
		case r.Err != nil:
			return r.Err
		case r.Received == 0:
			return errors.New("no echo reply from 127.0.0.1")
		}
		return nil
	}())
	return t, nil
}

// TryInSandbox returns an Env.Try that runs `self args...` in a new
// sandbox, where it must call TryAll and print the tries as JSON.
func TryInSandbox(self string, args []string) func(ctx context.Context) (Tries, error) {
	return func(ctx context.Context) (Tries, error) {
		ctx, cancel := context.WithTimeout(ctx, 30*time.Second)
		defer cancel()
		sb, err := sandbox.New(ctx, sandbox.Options{Self: self, SelfArgs: args})
		if err != nil {
			return nil, sandbox.Explain(err)
		}
		var out, errOut bytes.Buffer
		sb.Cmd.Stdout, sb.Cmd.Stderr = &out, &errOut
		if err := sb.Start(); err != nil {
			return nil, err
		}
		runErr := sb.Wait()
		var t Tries
		if err := json.Unmarshal(out.Bytes(), &t); err != nil {
			return nil, fmt.Errorf("%v %s", runErr, oneLine(errOut.String()))
		}
		return t, nil
	}
}
