package metal

import (
	"slices"
	"time"
)

// ThreadPolicy says how the engine picks the number of threads per step.
//
// Why it matters: ggml's CPU threads meet at a barrier after every graph
// node (hundreds per token) and wait there by spinning, without yielding.
// When the threads use every core and anything else becomes runnable (a
// compiler, another process, the Go runtime's own threads), the kernel
// preempts one ggml thread for a whole time slice while the others spin:
// a token that takes 25 ms takes 100 to 400 ms. The same libraries driven
// from C collapse the same way under the same load (see metal/THREADS.md).
// One thread has no barrier partner and only loses its share of a core.
type ThreadPolicy int

const (
	// ThreadsAdaptive (the default) adapts generation steps (a few tokens,
	// memory-bound, hit hardest). It starts with Threads. When a step takes
	// more than twice as long as the recent ones (the barrier is being
	// starved) it tries half the threads (one on a 2-core machine) for one
	// step, and moves to them when they beat the median of the last three
	// steps by 10%: two starved steps in a row move it, one freak step does
	// not. It re-tries the other count after 0.1 s of steps, then 0.2, 0.4,
	// ... up to 2 s while the choice holds, so a starved re-try costs a few
	// percent at most. The same rule moves tiny models, whose steps are
	// faster on one thread, to half the threads. Prompt batches always use
	// ThreadsBatch: under a competing process they lose about half their
	// speed with either count (measured in metal/THREADS.md).
	ThreadsAdaptive ThreadPolicy = iota
	// ThreadsFixed always uses Threads and ThreadsBatch.
	ThreadsFixed
)

func (p ThreadPolicy) String() string {
	switch p {
	case ThreadsAdaptive:
		return "adaptive"
	case ThreadsFixed:
		return "fixed"
	}
	return "unknown"
}

const (
	govWindow     = 3   // observations kept per arm and batch size
	govShock      = 2.0 // a step this many times slower than usual is starved
	govMargin     = 0.9 // without starvation, the other arm must be this much faster
	govFirstProbe = 8   // steps before the first re-try of the other arm
	govMaxProbe   = 256 // most steps between re-tries
	govSmallBatch = 8   // steps of at most this many tokens are measured
)

// governor implements ThreadsAdaptive for the engine goroutine. Arm 0 is
// the configured thread counts, arm 1 half of them.
type governor struct {
	gen, batch [2]int
	adaptive   bool
	arm        int                  // arm of generation steps
	starved    bool                 // arm 1 was chosen because arm 0 was over twice as slow
	obs        [2]map[int][]float64 // recent step seconds by arm and batch size
	since      float64              // seconds of measured steps since the last probe
	every      float64              // seconds of steps between probes of the other arm
	probing    bool                 // the next small step is a probe
	// onSwitch, if set, is told when generation changes arm.
	onSwitch func(threads int, starved bool, probe, usual float64)
}

func newGovernor(policy ThreadPolicy, threads, threadsBatch int) *governor {
	g := &governor{
		gen:   [2]int{threads, max(1, threads/2)},
		batch: [2]int{threadsBatch, max(1, threadsBatch/2)},
		every: govFirstProbe,
		obs:   [2]map[int][]float64{{}, {}},
	}
	g.adaptive = policy == ThreadsAdaptive && (g.gen[0] != g.gen[1] || g.batch[0] != g.batch[1])
	return g
}

// threads returns the arm and the thread counts (generation, batch) for a
// step of n tokens. Large steps (prompt chunks) use the configured counts.
func (g *governor) threads(n int) (arm, gen, batch int) {
	if n > govSmallBatch {
		return 0, g.gen[0], g.batch[0]
	}
	arm = g.arm
	if g.adaptive && (g.probing || g.since >= g.every) {
		arm = 1 - g.arm
		g.probing = true
	}
	return arm, g.gen[arm], g.batch[arm]
}

// observe records that a step of n tokens took d on arm.
func (g *governor) observe(arm, n int, d time.Duration) {
	if !g.adaptive || n > govSmallBatch {
		return
	}
	t := d.Seconds()
	prev, hasPrev := g.estimate(arm, n)
	g.record(arm, n, d)
	if g.probing && arm != g.arm {
		g.decide(arm, n, t)
		return
	}
	g.since += t
	if hasPrev && len(g.obs[arm][n]) > 1 && t > govShock*prev {
		// Maybe starved: try the other arm at the next step.
		g.probing = true
	}
}

// decide ends a probe of arm that took t: move to it when it is clearly
// faster than the typical (median) recent step of the current arm. One
// freak slow step does not move the median; two starved steps in a row do.
func (g *governor) decide(arm, n int, t float64) {
	g.probing, g.since = false, 0
	cur, ok := g.estimate(g.arm, n)
	if ok && t < govMargin*cur {
		g.arm, g.every = arm, govFirstProbe
		g.starved = arm == 1 && cur > govShock*t
		g.switched(t, cur)
		return
	}
	g.every = min(2*g.every, govMaxProbe)
}

func (g *governor) switched(probe, usual float64) {
	if g.onSwitch != nil {
		g.onSwitch(g.gen[g.arm], g.starved, probe, usual)
	}
}

// record adds an observation without acting on it.
func (g *governor) record(arm, n int, d time.Duration) {
	if !g.adaptive {
		return
	}
	o := append(g.obs[arm][n], d.Seconds())
	if len(o) > govWindow {
		o = o[1:]
	}
	g.obs[arm][n] = o
}

// settle picks the arm for steps of n tokens after warm-up measurements:
// half the threads only when they are clearly faster.
func (g *governor) settle(n int) {
	if !g.adaptive {
		return
	}
	a, okA := g.estimate(0, n)
	b, okB := g.estimate(1, n)
	if okA && okB && b < govMargin*a {
		g.arm = 1
	}
	g.every = govMaxProbe / 4
}

// estimate is the median of the recent observations of arm at size n.
func (g *governor) estimate(arm, n int) (float64, bool) {
	o := g.obs[arm][n]
	if len(o) == 0 {
		return 0, false
	}
	s := slices.Clone(o)
	slices.Sort(s)
	return s[len(s)/2], true
}
