package inference

import (
	"sync"
	"time"
)

// remoteLatency keeps exponentially weighted moving averages of a
// backend's time to first token and output speed.
type remoteLatency struct {
	mu   sync.Mutex
	ttft time.Duration
	tps  float64 // output tokens per second
}

// remoteLatencyWeight is the weight of the newest observation.
const remoteLatencyWeight = 0.3

// observe adds one generation: ttft until the first text, tokens produced
// in gen after it.
func (l *remoteLatency) observe(ttft time.Duration, tokens int, gen time.Duration) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if ttft > 0 {
		l.ttft = time.Duration((1-remoteLatencyWeight)*float64(l.ttft) + remoteLatencyWeight*float64(ttft))
	}
	if tokens > 1 && gen > 0 {
		tps := float64(tokens-1) / gen.Seconds()
		l.tps = (1-remoteLatencyWeight)*l.tps + remoteLatencyWeight*tps
	}
}

// estimate is the expected time to generate n tokens.
func (l *remoteLatency) estimate(n int) time.Duration {
	l.mu.Lock()
	defer l.mu.Unlock()
	d := l.ttft
	if l.tps > 0 {
		d += time.Duration(float64(n) / l.tps * float64(time.Second))
	}
	return max(d, time.Millisecond)
}
