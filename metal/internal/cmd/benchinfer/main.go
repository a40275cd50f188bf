// Command benchinfer measures prompt and generation speed of package metal
// and of the native C program metal/native/bench.c on the same llama.cpp
// libraries, model, prompt and greedy sampling, at 1 and 2 threads, and
// prints min/median/max and the aios/native ratio of the medians. Run it
// through `make bench-infer MODEL=file.gguf`.
//
// Each run also reports the CPU time that other processes used meanwhile
// (from /proc/stat): ggml's spinning thread barrier collapses when anything
// else wants the cores, so a run with foreign CPU is marked "busy".
package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/aios-dev/aios/metal"
)

// prompt is the benchmark prompt: plain English, about 230 tokens for the
// Qwen2 and Llama tokenizers.
const prompt = `Once upon a time, in a small village at the edge of a great forest, there lived a curious girl named Lily. ` +
	`Every morning she walked to the river to watch the fish and the birds, and every evening she told her little brother ` +
	`what she had seen. One day she found a shiny blue stone on the bank of the river. It was warm in her hand and it ` +
	`glowed softly when the sun went down. Lily showed the stone to her friend Tom, who lived next to the bakery. Tom ` +
	`said that his grandmother knew many old stories about the forest and its secrets. The two children ran to the ` +
	`grandmother's house, a small cottage with a red door and a garden full of flowers. The old woman looked at the ` +
	`stone for a long time. Then she smiled and said that it was a wishing stone, but that it only worked for someone ` +
	`who wished for something for another person. Lily thought about it all night. In the morning she knew what she wanted.`

type run struct {
	PromptTPS  float64 `json:"prompt_tps"`
	GenTPS     float64 `json:"gen_tps"`
	PromptS    float64 `json:"prompt_s"`
	GenS       float64 `json:"gen_s"`
	ForeignCPU float64 `json:"foreign_cpu_s"`
	PromptTok  int     `json:"prompt_tokens"`
	GenTok     int     `json:"gen_tokens"`
}

func main() {
	model := flag.String("model", "", "GGUF model")
	lib := flag.String("lib", "", "llama.cpp library directory")
	native := flag.String("native", "", "the compiled metal/native/bench.c")
	runs := flag.Int("runs", 5, "runs per configuration")
	tokens := flag.Int("tokens", 32, "tokens generated per run")
	threadList := flag.String("threads", "1,2", "thread counts")
	policy := flag.String("policy", "adaptive", "aios thread policy: adaptive or fixed")
	busy := flag.Float64("busy", 0.2, "share of a core used by other processes that marks a run busy")
	noise := flag.Int("noise", 0, "goroutines in this process that each compute 2 ms of every 5 ms (stand-ins for the rest of aios)")
	flag.Parse()
	for i := 0; i < *noise; i++ {
		go burn()
	}
	if *model == "" || *native == "" {
		flag.Usage()
		os.Exit(2)
	}
	pol := metal.ThreadsAdaptive
	if *policy == "fixed" {
		pol = metal.ThreadsFixed
	}
	pf := filepath.Join(os.TempDir(), fmt.Sprintf("benchinfer-prompt-%d.txt", os.Getpid()))
	if err := os.WriteFile(pf, []byte(prompt), 0o644); err != nil {
		fail(err)
	}
	defer os.Remove(pf)

	fmt.Printf("model %s, %d runs of %d greedy tokens after one warm-up run, aios thread policy %s\n", *model, *runs, *tokens, pol)
	fmt.Printf("aios and native runs alternate; * marks a run during which other processes used >= %.0f%% of a core\n", 100**busy)
	for _, ts := range strings.Split(*threadList, ",") {
		t, err := strconv.Atoi(strings.TrimSpace(ts))
		if err != nil {
			fail(err)
		}
		aios, nat, err := measure(*model, *lib, *native, pf, t, *tokens, *runs, pol)
		if err != nil {
			fail(err)
		}
		report(t, aios, nat, *busy)
	}
}

// burn keeps a core busy 2 ms of every 5 ms.
func burn() {
	x := 1.0
	for {
		end := time.Now().Add(2 * time.Millisecond)
		for time.Now().Before(end) {
			for i := 0; i < 1000; i++ {
				x = x*1.0000001 + 1e-9
			}
		}
		time.Sleep(3 * time.Millisecond)
		if x < 0 {
			fmt.Println(x)
		}
	}
}

func fail(err error) {
	fmt.Fprintln(os.Stderr, "benchinfer:", err)
	os.Exit(1)
}

// measure alternates runs of the native program (kept running, one run per
// line on its stdin) and of package metal, so that both see the same
// machine.
func measure(model, lib, native, promptFile string, threads, tokens, runs int, pol metal.ThreadPolicy) (aios, nat []run, err error) {
	cmd := exec.Command(native, "-m", model, "-f", promptFile, "-t", strconv.Itoa(threads),
		"-n", strconv.Itoa(tokens), "-r", "0", "-w", "0")
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	in, err := cmd.StdinPipe()
	if err != nil {
		return nil, nil, err
	}
	out, err := cmd.StdoutPipe()
	if err != nil {
		return nil, nil, err
	}
	if err := cmd.Start(); err != nil {
		return nil, nil, err
	}
	defer func() {
		in.Close()
		if werr := cmd.Wait(); werr != nil && err == nil {
			err = fmt.Errorf("%s: %v: %s", native, werr, stderr.String())
		}
	}()
	lines := bufio.NewScanner(out)
	nativeRun := func() (run, error) {
		if _, err := io.WriteString(in, "run\n"); err != nil {
			return run{}, fmt.Errorf("%s: %v: %s", native, err, stderr.String())
		}
		if !lines.Scan() {
			return run{}, fmt.Errorf("%s stopped: %s", native, stderr.String())
		}
		var r run
		if err := json.Unmarshal(lines.Bytes(), &r); err != nil {
			return run{}, fmt.Errorf("native output %q: %v", lines.Text(), err)
		}
		return r, nil
	}

	// Warm-up runs, one program after the other: they must not overlap.
	if _, err := nativeRun(); err != nil {
		return nil, nil, err
	}
	m, err := metal.Open(metal.ModelOptions{Path: model, Library: metal.LibraryOptions{Dir: lib},
		Threads: threads, ThreadsBatch: threads, ThreadPolicy: pol, Slots: 1, BatchSize: 512})
	if err != nil {
		return nil, nil, err
	}
	defer m.Close()
	req := metal.GenerateRequest{Prompt: prompt, MaxTokens: tokens, IgnoreEOS: true}
	aiosRun := func() (run, error) {
		m0, s0 := cpuTicks()
		res, err := m.Generate(context.Background(), req, func(string) error { return nil })
		m1, s1 := cpuTicks()
		if err != nil {
			return run{}, err
		}
		return run{
			PromptTPS:  float64(res.PromptTokens) / res.PromptTime.Seconds(),
			GenTPS:     float64(res.OutputTokens-1) / res.GenTime.Seconds(),
			PromptS:    res.PromptTime.Seconds(),
			GenS:       res.GenTime.Seconds(),
			ForeignCPU: float64((m1-m0)-(s1-s0)) / 100,
			PromptTok:  res.PromptTokens, GenTok: res.OutputTokens,
		}, nil
	}
	if _, err := aiosRun(); err != nil {
		return nil, nil, err
	}
	for i := 0; i < runs; i++ {
		first, second := aiosRun, nativeRun
		if i%2 == 1 {
			first, second = nativeRun, aiosRun
		}
		a, err := first()
		if err != nil {
			return nil, nil, err
		}
		b, err := second()
		if err != nil {
			return nil, nil, err
		}
		if i%2 == 1 {
			a, b = b, a
		}
		aios, nat = append(aios, a), append(nat, b)
	}
	return aios, nat, nil
}

func report(threads int, aios, nat []run, busy float64) {
	fmt.Printf("\n%d thread(s)             min     median     max   (tokens/s)   busy runs\n", threads)
	line := func(name string, rs []run, f func(run) float64) float64 {
		v := make([]float64, len(rs))
		nb := 0
		for i, r := range rs {
			v[i] = f(r)
			if r.busy(busy) {
				nb++
			}
		}
		slices.Sort(v)
		med := v[len(v)/2]
		if len(v)%2 == 0 {
			med = (v[len(v)/2-1] + v[len(v)/2]) / 2
		}
		fmt.Printf("  %-20s %8.1f %8.1f %8.1f   %d/%d  all: %s\n", name, v[0], med, v[len(v)-1], nb, len(rs), list(rs, f, busy))
		return med
	}
	pa := line("prompt aios", aios, func(r run) float64 { return r.PromptTPS })
	pn := line("prompt native", nat, func(r run) float64 { return r.PromptTPS })
	ga := line("generation aios", aios, func(r run) float64 { return r.GenTPS })
	gn := line("generation native", nat, func(r run) float64 { return r.GenTPS })
	fmt.Printf("  ratio aios/native (medians): prompt %.3f, generation %.3f   (prompt %d tokens, %d generated)\n",
		pa/pn, ga/gn, aios[0].PromptTok, aios[0].GenTok)
}

// busy reports whether other processes used at least share of a core
// during the run.
func (r run) busy(share float64) bool {
	wall := r.PromptS + r.GenS
	return wall > 0 && r.ForeignCPU/wall >= share
}

// list prints every run, a star marking the busy ones.
func list(rs []run, f func(run) float64, busy float64) string {
	var b strings.Builder
	for i, r := range rs {
		if i > 0 {
			b.WriteByte(' ')
		}
		fmt.Fprintf(&b, "%.0f", f(r))
		if r.busy(busy) {
			b.WriteByte('*')
		}
	}
	return b.String()
}

// cpuTicks returns the busy clock ticks (USER_HZ, 100/s) of the machine and
// of this process.
func cpuTicks() (machine, self int64) {
	b, err := os.ReadFile("/proc/stat")
	if err != nil {
		return 0, 0
	}
	f := strings.Fields(strings.SplitN(string(b), "\n", 2)[0])
	for _, i := range []int{1, 2, 3, 6, 7, 8} {
		if i < len(f) {
			v, _ := strconv.ParseInt(f[i], 10, 64)
			machine += v
		}
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
