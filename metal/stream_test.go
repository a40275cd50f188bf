package metal

import (
	"strings"
	"testing"
	"time"
)

func TestStreamFilter(t *testing.T) {
	euro := "\u20ac" // 3 bytes: e2 82 ac
	tests := []struct {
		name    string
		stops   []string
		pieces  []string
		emitted []string // per push, then the flush
		stopped bool
	}{
		{"plain", nil, []string{"a", "b"}, []string{"a", "b", ""}, false},
		{"rune split over pieces", nil, []string{"x" + euro[:1], euro[1:2], euro[2:] + "y"}, []string{"x", "", euro + "y", ""}, false},
		{"stop inside one piece", []string{"END"}, []string{"abcENDdef"}, []string{"abc"}, true},
		{"stop across pieces", []string{"END"}, []string{"ab E", "N", "Dxyz"}, []string{"ab ", "", ""}, true},
		{"stop prefix released at flush", []string{"END"}, []string{"ab EN"}, []string{"ab ", "EN"}, false},
		{"stop prefix that does not complete", []string{"END"}, []string{"E", "NX"}, []string{"", "ENX", ""}, false},
		{"earliest of two stops", []string{"bb", "a"}, []string{"xbba"}, []string{"x"}, true},
		{"stop after a split rune", []string{euro}, []string{"x" + euro[:2], euro[2:] + "tail"}, []string{"x", ""}, true},
		{"incomplete rune at the end", nil, []string{"x" + euro[:2]}, []string{"x", "\ufffd"}, false},
		{"invalid bytes", nil, []string{"a\xffb"}, []string{"a\ufffdb", ""}, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			f := newStreamFilter(tc.stops)
			var got []string
			stopped := false
			for _, p := range tc.pieces {
				out, s := f.push([]byte(p))
				got = append(got, out)
				if s {
					stopped = true
					break
				}
			}
			if !stopped {
				got = append(got, f.flush())
			}
			if strings.Join(got, "|") != strings.Join(tc.emitted, "|") || stopped != tc.stopped {
				t.Errorf("emitted %q stopped %v, want %q stopped %v", got, stopped, tc.emitted, tc.stopped)
			}
		})
	}
}

func TestGovernorSwitchesUnderStarvation(t *testing.T) {
	g := newGovernor(ThreadsAdaptive, 2, 2)
	ms := func(v float64) time.Duration { return time.Duration(v * float64(time.Millisecond)) }
	// Warm-up: 2 threads 25 ms, 1 thread 40 ms.
	g.record(0, 1, ms(25))
	g.record(0, 1, ms(25))
	g.record(1, 1, ms(40))
	g.record(1, 1, ms(40))
	g.settle(1)
	step := func(cost [2]float64) int {
		arm, gen, _ := g.threads(1)
		g.observe(arm, 1, ms(cost[arm]))
		return gen
	}
	quiet := [2]float64{25, 40}
	busy := [2]float64{250, 45} // the barrier starves at 2 threads
	for i := 0; i < 20; i++ {
		step(quiet)
	}
	if arm, gen, _ := g.threads(1); arm != 0 || gen != 2 {
		t.Fatalf("quiet: arm %d, %d threads; want 2 threads", arm, gen)
	}
	slow := 0
	for i := 0; i < 300; i++ {
		if step(busy) == 2 {
			slow++
		}
	}
	// One starved step, one probe of 1 thread, then 1 thread with
	// ever rarer probes of 2 (0.1, 0.2, ... 2 s of steps apart).
	if slow > 6 {
		t.Errorf("busy: %d of 300 steps ran on the starved 2 threads, want few", slow)
	}
	if _, gen, _ := g.threads(1); gen != 1 {
		t.Errorf("busy: next step uses %d threads, want 1", gen)
	}
	for i := 0; i < 600; i++ {
		step(quiet)
	}
	if _, gen, _ := g.threads(1); gen != 2 {
		t.Errorf("quiet again: next step uses %d threads, want 2", gen)
	}
	fixed := newGovernor(ThreadsFixed, 2, 2)
	if _, gen, batch := fixed.threads(1); gen != 2 || batch != 2 {
		t.Errorf("fixed: %d/%d threads", gen, batch)
	}
}
