package sandbox

import (
	"errors"
	"os"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/netlab/netlab/i18n"
	"github.com/netlab/netlab/internal/zhtest"
)

// Every kernel switch that refuses user namespaces is said with its fix
// in both languages: English by default (doctor reads Why and Fix),
// Chinese through In, with the same commands to type.
func TestRefusalsInChinese(t *testing.T) {
	read := func(p string) ([]byte, error) {
		switch p {
		case "/proc/sys/user/max_user_namespaces", "/proc/sys/kernel/unprivileged_userns_clone":
			return []byte("0\n"), nil
		case "/proc/sys/kernel/apparmor_restrict_unprivileged_userns":
			return []byte("1\n"), nil
		}
		return nil, os.ErrNotExist
	}
	rs := Refusals(read, false)
	require.Len(t, rs, 3)
	for _, r := range rs {
		require.False(t, zhtest.HasHan(r.Why+r.Fix), r.Why)
		why, fix := r.In(i18n.EN)
		require.Equal(t, r.Why, why)
		require.Equal(t, r.Fix, fix)
		why, fix = r.In(i18n.ZH)
		require.True(t, zhtest.HasHan(why), why)
		require.True(t, zhtest.HasHan(fix), fix)
		if strings.Contains(r.Why, r.Setting) {
			require.Contains(t, why, r.Setting, "the setting is named as it is")
		}
		require.Contains(t, fix, "sudo ", "the fix's command stays as it is")
	}
	require.Contains(t, rs[2].Fix, AppArmorProfile)
	_, fix := rs[2].In(i18n.ZH)
	require.Contains(t, fix, "sudo apparmor_parser -r "+AppArmorProfile)
}

// A sandbox that cannot be made is said in English by Explain, and the
// very same error is said again in Chinese by ExplainIn, whichever of
// its sentences this machine gives; ExplainIn in Chinese says so at once.
func TestExplainInChinese(t *testing.T) {
	for _, cause := range []error{syscall.ENOSPC, syscall.EPERM, errors.New("boom"), errEndedEarly} {
		en := Explain(cause)
		var se *Error
		require.ErrorAs(t, en, &se)
		require.ErrorIs(t, en, cause)
		require.False(t, zhtest.HasHan(en.Error()), en.Error())
		require.True(t, strings.HasPrefix(en.Error(), "netlab cannot make its sandbox: "), en.Error())
		zh := ExplainIn(i18n.ZH, en)
		require.ErrorIs(t, zh, cause)
		require.True(t, strings.HasPrefix(zh.Error(), "netlab 无法创建沙箱："), zh.Error())
		require.Equal(t, zh.Error(), ExplainIn(i18n.ZH, cause).Error())
		require.Equal(t, en.Error(), ExplainIn(i18n.EN, zh).Error(), "and back")
	}
}

func TestDescribeInChinese(t *testing.T) {
	r := Record{Label: "lesson 2 (veth)", PID: 42, TTY: "/dev/pts/3", Started: time.Date(2026, 1, 2, 3, 4, 5, 0, time.Local)}
	require.Equal(t, "lesson 2 (veth) (pid 42, started 03:04:05 on /dev/pts/3)", r.Describe())
	require.Equal(t, "lesson 2 (veth)（pid 42，03:04:05 启动，在 /dev/pts/3 上）", r.DescribeIn(i18n.ZH))
}

// A sandbox whose init ended without a word says so in the language
// asked for, unless a kernel setting explains it first.
func TestEndedEarlyInChinese(t *testing.T) {
	if len(Refusals(os.ReadFile, os.Geteuid() == 0 && InitialUserNS())) > 0 {
		require.Contains(t, ExplainIn(i18n.ZH, errEndedEarly).Error(), "解决办法")
		return
	}
	require.Contains(t, ExplainIn(i18n.ZH, errEndedEarly).Error(), "它的第一个进程还没设置好就退出了")
	require.Contains(t, Explain(errEndedEarly).Error(), "its first process ended before it was set up")
}
