package random_test

import (
	"bytes"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/netlab/netlab/internal/random"
)

func TestReadFillsEveryByte(t *testing.T) {
	// 4096 bytes all left zero by a broken Read: the chance that the
	// kernel's bytes look like that is nil. Two reads never agree.
	a, b := make([]byte, 4096), make([]byte, 4096)
	require.NoError(t, random.Read(a))
	require.NoError(t, random.Read(b))
	require.NotEqual(t, make([]byte, 4096), a)
	require.False(t, bytes.Equal(a, b))
	// Every part of the buffer is written, not only its start.
	require.NotEqual(t, make([]byte, 64), a[len(a)-64:])
	require.NoError(t, random.Read(nil))
}
