package doctor_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/netlab/netlab/doctor"
	"github.com/netlab/netlab/i18n"
	"github.com/netlab/netlab/internal/zhtest"
)

// doctor says every finding in Chinese too: the same lines at the same
// levels, each line's words in Chinese (commands, paths and levels as
// they are), on a healthy machine and on one where much is wrong.
func TestDoctorInChinese(t *testing.T) {
	broken := healthy()
	broken.Euid = func() int { return 1000 }
	broken.Caps = func() (bool, bool) { return false, false }
	read := broken.ReadFile
	broken.ReadFile = func(p string) ([]byte, error) {
		switch p {
		case "/proc/sys/user/max_user_namespaces", "/proc/sys/kernel/unprivileged_userns_clone":
			return []byte("0\n"), nil
		case "/proc/sys/net/bridge/bridge-nf-call-iptables":
			return []byte("1\n"), nil
		}
		return read(p)
	}
	broken.ReadDir = func(string) ([]string, error) { return []string{"ns0", "old1", "old2"}, nil }
	broken.LookPath = func(n string) (string, error) {
		if n == "ping" || n == "nsenter" {
			return "", errors.New("not found")
		}
		return "/usr/sbin/" + n, nil
	}
	tries := doctor.Tries{}
	for _, n := range doctor.TryNames[1:] {
		tries[n] = "Error: Unknown device type."
	}
	broken.Try = func(context.Context) (doctor.Tries, error) { return tries, nil }
	noSandbox := healthy()
	noSandbox.Try = func(context.Context) (doctor.Tries, error) { return nil, errors.New("clone: operation not permitted") }

	for name, e := range map[string]doctor.Env{"healthy": healthy(), "broken": broken, "no sandbox": noSandbox} {
		en := doctor.Run(context.Background(), e)
		zh := doctor.RunIn(context.Background(), e, i18n.ZH)
		require.Len(t, zh, len(en), name)
		for i := range en {
			require.Equal(t, en[i].Level, zh[i].Level, "%s: %+v", name, en[i])
			require.False(t, zhtest.HasHan(en[i].What+en[i].Detail+en[i].Fix), "%s: %+v", name, en[i])
			require.True(t, zhtest.HasHan(zh[i].What+zh[i].Detail), "%s: %+v", name, zh[i])
			if zh[i].Fix != "" && !strings.HasPrefix(zh[i].Fix, "apt-get install ") {
				require.True(t, zhtest.HasHan(zh[i].Fix), "%s: %+v", name, zh[i])
			}
		}
		var b strings.Builder
		doctor.WriteIn(&b, zh, i18n.ZH)
		if doctor.Worst(zh) != doctor.OK {
			require.Contains(t, b.String(), "      修复：")
			require.Contains(t, b.String(), zh[0].What+"："+zh[0].Detail)
			require.NotContains(t, b.String(), "fix:")
		}
	}
}
