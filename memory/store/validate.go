package store

import (
	"fmt"
	"math"
	"strings"
	"time"

	bolt "go.etcd.io/bbolt"
)

// Size limits. Values above them are refused with ErrInvalidInput.
const (
	// MaxTextBytes bounds one chunk's text (and a feedback or event detail).
	MaxTextBytes = 16 << 20
	// MaxVectorDim bounds an embedding's dimension.
	MaxVectorDim = 1 << 16
	// maxKeyBytes is bbolt's key limit; composite keys must stay below it.
	maxKeyBytes = bolt.MaxKeySize - 16
)

// Times outside what int64 nanoseconds since 1970 can hold (years 1678–2262).
var (
	minTime = time.Unix(0, math.MinInt64)
	maxTime = time.Unix(0, math.MaxInt64)
)

func invalid(format string, args ...any) error {
	return fmt.Errorf("%w: "+format, append([]any{ErrInvalidInput}, args...)...)
}

// checkName validates a key component: non-empty, no NUL, bounded.
func checkName(what, s string) error {
	switch {
	case s == "":
		return invalid("empty %s", what)
	case strings.IndexByte(s, 0) >= 0:
		return invalid("%s %q contains a NUL byte", what, s)
	case len(s) > maxKeyBytes/2:
		return invalid("%s is %d bytes (limit %d)", what, len(s), maxKeyBytes/2)
	}
	return nil
}

func checkText(what string, s string) error {
	if len(s) > MaxTextBytes {
		return invalid("%s is %d bytes (limit %d)", what, len(s), MaxTextBytes)
	}
	return nil
}

func checkTime(what string, t time.Time) error {
	if t.Before(minTime) || t.After(maxTime) {
		return invalid("%s %v is outside 1678-2262", what, t)
	}
	return nil
}

func checkVector(what string, v []float32) error {
	if len(v) == 0 {
		return invalid("%s is empty", what)
	}
	if len(v) > MaxVectorDim {
		return invalid("%s has dimension %d (limit %d)", what, len(v), MaxVectorDim)
	}
	for i, f := range v {
		if math.IsNaN(float64(f)) || math.IsInf(float64(f), 0) {
			return invalid("%s[%d] is %v", what, i, f)
		}
	}
	return nil
}
