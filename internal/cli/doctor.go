package cli

import (
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"

	"github.com/spf13/cobra"
	"golang.org/x/sys/unix"

	"github.com/netlab/netlab/doctor"
	"github.com/netlab/netlab/kernel"
)

// doctorTryCmd is the hidden subcommand that makes doctor's real tries
// inside a sandbox.
const doctorTryCmd = "__doctor-try"

// DoctorEnv is doctor's view of the real machine: reads only; its tries
// run in a sandbox started from this binary.
func DoctorEnv() doctor.Env {
	self, _ := os.Executable()
	return doctor.Env{
		Euid:     os.Geteuid,
		Caps:     effectiveCaps,
		ReadFile: os.ReadFile,
		ReadDir: func(p string) ([]string, error) {
			es, err := os.ReadDir(p)
			var out []string
			for _, e := range es {
				out = append(out, e.Name())
			}
			return out, err
		},
		LookPath: sbinLookPath,
		Output: func(ctx context.Context, name string, args ...string) ([]byte, error) {
			if p, err := sbinLookPath(name); err == nil {
				name = p
			}
			return exec.CommandContext(ctx, name, args...).CombinedOutput()
		},
		Ruleset: func(ctx context.Context) (kernel.Ruleset, error) {
			k, err := kernel.New()
			if err != nil {
				return kernel.Ruleset{}, err
			}
			defer k.Close()
			return k.Ruleset(ctx, kernel.Root)
		},
		Try: doctor.TryInSandbox(self, []string{doctorTryCmd}),
	}
}

// sbinLookPath finds a tool as the lesson shell will: on PATH, then in the
// sbin directories a normal user's PATH lacks (the sandbox adds them).
func sbinLookPath(name string) (string, error) {
	p, err := exec.LookPath(name)
	if err == nil {
		return p, nil
	}
	for _, d := range []string{"/usr/local/sbin", "/usr/sbin", "/sbin"} {
		if q, e := exec.LookPath(filepath.Join(d, name)); e == nil {
			return q, nil
		}
	}
	return "", err
}

func effectiveCaps() (netAdmin, sysAdmin bool) {
	hdr := unix.CapUserHeader{Version: unix.LINUX_CAPABILITY_VERSION_3}
	var data [2]unix.CapUserData
	if err := unix.Capget(&hdr, &data[0]); err != nil {
		return false, false
	}
	has := func(c int) bool { return data[c/32].Effective&(1<<(uint(c)%32)) != 0 }
	return has(unix.CAP_NET_ADMIN), has(unix.CAP_SYS_ADMIN)
}

func (a *App) doctorCommand() *cobra.Command {
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "doctor",
		Short: a.t("cmd-doctor", nil),
		Long:  a.t("cmd-doctor-long", nil),
		Args:  a.noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			env := DoctorEnv()
			if a.Doctor != nil {
				env = *a.Doctor
			}
			lines := doctor.RunIn(cmd.Context(), env, a.lang())
			if asJSON {
				enc := json.NewEncoder(a.Stdout)
				enc.SetIndent("", "  ")
				if err := enc.Encode(lines); err != nil {
					return err
				}
			} else {
				doctor.WriteIn(a.Stdout, lines, a.lang())
			}
			if doctor.Worst(lines) == doctor.Fail {
				return &exitError{code: ExitFail}
			}
			return nil
		},
	}
	cmd.Flags().BoolVar(&asJSON, "json", false, a.t("flag-doctor-json", nil))
	return cmd
}

// doctorTryCommand runs inside doctor's sandbox and prints the tries.
func (a *App) doctorTryCommand() *cobra.Command {
	return &cobra.Command{
		Use:    doctorTryCmd,
		Hidden: true,
		Args:   a.noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			k, err := kernel.New()
			if err != nil {
				return usageErr("%v", err)
			}
			defer k.Close()
			t, err := doctor.TryAll(cmd.Context(), k)
			if err != nil {
				return usageErr("%v", err)
			}
			return json.NewEncoder(a.Stdout).Encode(t)
		},
	}
}
