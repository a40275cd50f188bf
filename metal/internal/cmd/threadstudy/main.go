// Command threadstudy drives llama.cpp from Go through yzma the plain way
// (no package metal: no engine, no thread policy), with the knobs of the
// thread study in metal/THREADS.md: a locked OS thread, an attached ggml
// thread pool with a poll level, strict CPU placement or a scheduling
// priority, a disabled collector, in-process noise. It mirrors
// metal/native/bench.c run for run and prints one JSON object per run,
// including the CPU time other processes used meanwhile.
//
//	go run ./metal/internal/cmd/threadstudy -m model.gguf -f prompt.txt -t 2 -r 5 [-lock] [-tp 0] [-strict] [-prio 2]
package main

import (
	"flag"
	"fmt"
	"log"
	"os"
	"runtime"
	"runtime/debug"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/hybridgroup/yzma/pkg/llama"
)

func main() {
	model := flag.String("m", "", "GGUF model")
	promptFile := flag.String("f", "", "prompt text file")
	lib := flag.String("lib", "build/llama/linux-x64", "llama.cpp library directory")
	threads := flag.Int("t", 2, "threads")
	n := flag.Int("n", 32, "tokens to generate per run")
	runs := flag.Int("r", 5, "measured runs (after one warm-up run)")
	lock := flag.Bool("lock", false, "runtime.LockOSThread for the decoding goroutine")
	tp := flag.Int("tp", -1, "attach a ggml thread pool with this poll level (-1: none, llama.cpp makes one per graph)")
	strict := flag.Bool("strict", false, "thread pool: one CPU per thread (cpumask 0,1 and strict_cpu)")
	prio := flag.Int("prio", 0, "thread pool priority: 0 normal, 1 medium (SCHED_FIFO 40), 2 high (SCHED_FIFO 80)")
	gcoff := flag.Bool("gcoff", false, "debug.SetGCPercent(-1)")
	noise := flag.Int("noise", 0, "goroutines that wake every 1 ms and allocate")
	steps := flag.Bool("steps", false, "also print each generation step's decode time (µs) and OS thread id")
	flag.Parse()
	if *model == "" || *promptFile == "" {
		flag.Usage()
		os.Exit(2)
	}
	if *lock {
		runtime.LockOSThread()
	}
	if err := llama.Load(*lib); err != nil {
		log.Fatal(err)
	}
	llama.LogSet(llama.LogSilent())
	llama.Init()
	m, err := llama.ModelLoadFromFile(*model, llama.ModelDefaultParams())
	if err != nil {
		log.Fatal(err)
	}
	vocab := llama.ModelGetVocab(m)
	text, err := os.ReadFile(*promptFile)
	if err != nil {
		log.Fatal(err)
	}
	toks := llama.Tokenize(vocab, string(text), true, false)
	cp := llama.ContextDefaultParams()
	cp.NCtx = uint32(min(4096, llama.ModelNCtxTrain(m)))
	cp.NBatch, cp.NUbatch, cp.NSeqMax = 512, 512, 1
	cp.NThreads, cp.NThreadsBatch = int32(*threads), int32(*threads)
	cp.NoPerf = 1
	ctx, err := llama.InitFromModel(m, cp)
	if err != nil {
		log.Fatal(err)
	}
	if *tp >= 0 {
		p := llama.ThreadpoolParamsDefault(int32(*threads))
		p.Poll = uint32(*tp)
		p.Prio = llama.SchedPriority(*prio)
		if *strict {
			p.SetCPUs([]int32{0, 1})
		}
		pool, err := llama.ThreadpoolNew(&p)
		if err != nil {
			log.Fatal(err)
		}
		llama.AttachThreadpool(ctx, uintptr(pool), uintptr(pool))
	}
	smpl := llama.SamplerChainInit(llama.SamplerChainDefaultParams())
	llama.SamplerChainAdd(smpl, llama.SamplerInitGreedy())
	batch := llama.BatchInit(512, 0, 1)
	mem, _ := llama.GetMemory(ctx)
	buf := make([]byte, 256)
	if *gcoff {
		debug.SetGCPercent(-1)
	}
	for i := 0; i < *noise; i++ {
		go func() {
			for {
				time.Sleep(time.Millisecond)
				_ = make([]byte, 1024)
			}
		}()
	}
	seq := []llama.SeqId{0}
	for run := -1; run < *runs; run++ {
		_ = llama.MemoryClear(mem, true)
		_ = batch.Clear()
		for i, t := range toks {
			_ = batch.Add(t, llama.Pos(i), seq, i == len(toks)-1)
		}
		m0, s0 := cpuTicks()
		t0 := time.Now()
		_, _ = llama.Decode(ctx, batch)
		tok := llama.SamplerSample(smpl, ctx, -1)
		t1 := time.Now()
		var trace []string
		for k := 1; k < *n; k++ {
			llama.TokenToPiece(vocab, tok, buf, 0, false)
			_ = batch.Clear()
			_ = batch.Add(tok, llama.Pos(len(toks)+k-1), seq, true)
			d0 := time.Now()
			_, _ = llama.Decode(ctx, batch)
			if *steps {
				trace = append(trace, fmt.Sprintf("%d@%d", time.Since(d0).Microseconds(), syscall.Gettid()))
			}
			tok = llama.SamplerSample(smpl, ctx, -1)
		}
		t2 := time.Now()
		if *steps && run >= 0 {
			fmt.Fprintln(os.Stderr, strings.Join(trace, " "))
		}
		m1, s1 := cpuTicks()
		if run >= 0 {
			fmt.Printf("{\"prompt_tps\":%.3f,\"gen_tps\":%.3f,\"foreign_cpu_s\":%.2f}\n",
				float64(len(toks))/t1.Sub(t0).Seconds(), float64(*n-1)/t2.Sub(t1).Seconds(), float64((m1-m0)-(s1-s0))/100)
		}
	}
}

// cpuTicks returns the busy clock ticks (USER_HZ) of the machine and of
// this process.
func cpuTicks() (machine, self int64) {
	b, err := os.ReadFile("/proc/stat")
	if err != nil {
		return 0, 0
	}
	f := strings.Fields(strings.SplitN(string(b), "\n", 2)[0])
	for _, i := range []int{1, 2, 3, 6, 7, 8} {
		v, _ := strconv.ParseInt(f[i], 10, 64)
		machine += v
	}
	b, err = os.ReadFile("/proc/self/stat")
	if err != nil {
		return machine, 0
	}
	s := string(b)
	f = strings.Fields(s[strings.LastIndexByte(s, ')')+2:])
	ut, _ := strconv.ParseInt(f[11], 10, 64)
	st, _ := strconv.ParseInt(f[12], 10, 64)
	return machine, ut + st
}
