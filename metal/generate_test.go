package metal

import (
	"context"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aios-dev/aios/metal/internal/gguf"
)

func TestTokenizeRoundTrip(t *testing.T) {
	m := openStories(t, ModelOptions{})
	text := "Once upon a time, there was a little girl named Lily."
	toks, err := m.Tokenize(text, true, false)
	if err != nil {
		t.Fatal(err)
	}
	if len(toks) < 10 || toks[0] != 1 {
		t.Fatalf("Tokenize: %v (want BOS 1 first)", toks)
	}
	back, err := m.Detokenize(toks[1:])
	if err != nil {
		t.Fatal(err)
	}
	if strings.TrimSpace(back) != text {
		t.Errorf("round trip: %q, want %q", back, text)
	}
	noBOS, _ := m.Tokenize(text, false, false)
	if len(noBOS) != len(toks)-1 {
		t.Errorf("without special tokens: %d tokens, want %d", len(noBOS), len(toks)-1)
	}
	if _, err := m.Detokenize([]int32{9999}); !errors.Is(err, ErrBadRequest) {
		t.Errorf("Detokenize out of range: %v", err)
	}
	if _, err := m.Tokenize("a\x00b", true, false); !errors.Is(err, ErrBadRequest) {
		t.Errorf("Tokenize with NUL: %v", err)
	}
}

func TestChatTemplate(t *testing.T) {
	msgs := []ChatMessage{{Role: "system", Content: "You tell stories."}, {Role: "user", Content: "A cat."}}
	m := openStories(t, ModelOptions{})
	got, err := m.FormatChat(msgs)
	if err != nil {
		t.Fatal(err)
	}
	if want := "System: You tell stories.\nUser: A cat.\nAssistant:"; got != want {
		t.Errorf("fallback format: %q, want %q", got, want)
	}
	res, _ := gen(t, m, GenerateRequest{Messages: msgs, MaxTokens: 8})
	if res.OutputTokens == 0 || res.PromptTokens < 10 {
		t.Errorf("chat generation: %+v", res)
	}

	// The same weights with a ChatML template: llama.cpp formats it.
	chatml := "{% for message in messages %}{{'<|im_start|>' + message['role'] + '\\n' + message['content'] + '<|im_end|>' + '\\n'}}{% endfor %}{% if add_generation_prompt %}{{ '<|im_start|>assistant\\n' }}{% endif %}"
	path := rewriteGGUF(t, needModel(t), nil, func(w *gguf.Writer) { w.String("tokenizer.chat_template", chatml) })
	tm := openStories(t, ModelOptions{Path: path})
	if tm.Info().ChatTemplate != chatml {
		t.Fatalf("template not read: %q", tm.Info().ChatTemplate)
	}
	got, err = tm.FormatChat(msgs)
	if err != nil {
		t.Fatal(err)
	}
	if want := "<|im_start|>system\nYou tell stories.<|im_end|>\n<|im_start|>user\nA cat.<|im_end|>\n<|im_start|>assistant\n"; got != want {
		t.Errorf("ChatML: %q, want %q", got, want)
	}
	if _, err := tm.FormatChat(nil); !errors.Is(err, ErrBadRequest) {
		t.Errorf("no messages: %v", err)
	}
}

func TestGreedyDeterminism(t *testing.T) {
	m := openStories(t, ModelOptions{})
	req := GenerateRequest{Prompt: "Once upon a time", MaxTokens: 48}
	first, streamed := gen(t, m, req)
	if first.Text != streamed || first.OutputTokens != 48 || first.FinishReason != FinishLength {
		t.Fatalf("result %+v, streamed %q", first, streamed)
	}
	if !strings.Contains(first.Text, "Lily") {
		t.Logf("unexpected story (still deterministic?): %q", first.Text)
	}
	// Again, and twice at once on both slots.
	var wg sync.WaitGroup
	texts := make([]string, 3)
	for i := range texts {
		wg.Add(1)
		go func() {
			defer wg.Done()
			r, _ := gen(t, m, req)
			texts[i] = r.Text
		}()
	}
	wg.Wait()
	for i, s := range texts {
		if s != first.Text {
			t.Errorf("run %d: %q, want %q", i, s, first.Text)
		}
	}
}

func TestSamplingSeeds(t *testing.T) {
	m := openStories(t, ModelOptions{})
	seed := func(v uint32) *uint32 { return &v }
	req := func(s uint32) GenerateRequest {
		return GenerateRequest{Prompt: "Once upon a time", MaxTokens: 40,
			Sampling: Sampling{Temperature: 1.0, TopK: 40, TopP: 0.95, MinP: 0.05, Seed: seed(s)}}
	}
	a, _ := gen(t, m, req(42))
	b, _ := gen(t, m, req(42))
	if a.Text != b.Text {
		t.Errorf("same seed, different text:\n%q\n%q", a.Text, b.Text)
	}
	distinct := map[string]bool{a.Text: true}
	for s := uint32(1); s <= 4; s++ {
		r, _ := gen(t, m, req(s))
		distinct[r.Text] = true
	}
	if len(distinct) < 3 {
		t.Errorf("5 seeds gave %d distinct texts, want several", len(distinct))
	}
	if _, err := m.Generate(context.Background(), GenerateRequest{Prompt: "x", Sampling: Sampling{TopP: 2}}, nil); !errors.Is(err, ErrBadRequest) {
		t.Errorf("TopP 2: %v", err)
	}
}

func TestStopSequences(t *testing.T) {
	m := openStories(t, ModelOptions{})
	base, _ := gen(t, m, GenerateRequest{Prompt: "Once upon a time", MaxTokens: 48})
	// Stop strings that span several token pieces (" little girl" is
	// " little", " g", "ir", "l") and one within a piece.
	for _, stop := range []string{"ittle gi", "named", "."} {
		i := strings.Index(base.Text, stop)
		if i < 0 {
			t.Fatalf("%q not in the base text %q", stop, base.Text)
		}
		var pieces []string
		res, err := m.Generate(context.Background(), GenerateRequest{Prompt: "Once upon a time", MaxTokens: 48, Stop: []string{"zzz", stop}},
			func(s string) error { pieces = append(pieces, s); return nil })
		if err != nil {
			t.Fatal(err)
		}
		if want := base.Text[:i]; res.Text != want || strings.Join(pieces, "") != want {
			t.Errorf("stop %q: text %q, pieces %q, want %q", stop, res.Text, pieces, want)
		}
		if res.FinishReason != FinishStop {
			t.Errorf("stop %q: finish reason %q", stop, res.FinishReason)
		}
	}
}

func TestMaxTokensAndOverflow(t *testing.T) {
	m := openStories(t, ModelOptions{})
	res, _ := gen(t, m, GenerateRequest{Prompt: "Once upon a time", MaxTokens: 5})
	if res.OutputTokens != 5 || res.FinishReason != FinishLength || res.PromptTokens != 5 {
		t.Errorf("MaxTokens 5: %+v", res)
	}
	long := strings.Repeat("the cat sat on the mat. ", 120) // about 840 tokens > 512
	_, err := m.Generate(context.Background(), GenerateRequest{Prompt: long}, nil)
	if !errors.Is(err, ErrContextOverflow) || !strings.Contains(err.Error(), "context window of 512") {
		t.Errorf("long prompt: %v, want ErrContextOverflow naming the window", err)
	}
	_, err = m.Generate(context.Background(), GenerateRequest{Prompt: "Once upon a time", MaxTokens: 510}, nil)
	if !errors.Is(err, ErrContextOverflow) || !strings.Contains(err.Error(), "5 prompt tokens + 510 output tokens") {
		t.Errorf("prompt + MaxTokens: %v", err)
	}
	// MaxTokens 0 fills the window.
	res, _ = gen(t, m, GenerateRequest{Prompt: "Once upon a time", IgnoreEOS: true})
	if res.PromptTokens+res.OutputTokens != m.ContextSize() || res.FinishReason != FinishLength {
		t.Errorf("MaxTokens 0: %+v, want %d tokens in all", res, m.ContextSize())
	}
	if _, err := m.Generate(context.Background(), GenerateRequest{}, nil); !errors.Is(err, ErrBadRequest) {
		t.Errorf("empty request: %v", err)
	}
}

func TestCancelFreesSlot(t *testing.T) {
	m := openStories(t, ModelOptions{Slots: 1, QueueDepth: -1, ContextSize: 4096}) // a few thousand tokens to cancel
	ctx, cancel := context.WithCancel(context.Background())
	started := make(chan struct{})
	var once sync.Once
	done := make(chan error, 1)
	go func() {
		_, err := m.Generate(ctx, GenerateRequest{Prompt: "Once upon a time", IgnoreEOS: true},
			func(string) error { once.Do(func() { close(started) }); return nil })
		done <- err
	}()
	<-started
	if _, err := m.Generate(context.Background(), GenerateRequest{Prompt: "x", MaxTokens: 1}, nil); !errors.Is(err, ErrBusy) {
		t.Fatalf("second request while the only slot runs: %v, want ErrBusy", err)
	}
	cancel()
	select {
	case err := <-done:
		if !errors.Is(err, context.Canceled) {
			t.Fatalf("cancelled Generate: %v", err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("cancelled Generate did not return")
	}
	// The slot is free at once: no ErrBusy, and the request completes.
	res, _ := gen(t, m, GenerateRequest{Prompt: "Once upon a time", MaxTokens: 8})
	if res.OutputTokens != 8 {
		t.Errorf("after cancel: %+v", res)
	}
	// A request cancelled while queued frees its place too. The first
	// request holds the only slot for a few thousand tokens.
	q := openStories(t, ModelOptions{Slots: 1, QueueDepth: 1, ContextSize: 4096})
	ctx1, cancel1 := context.WithCancel(context.Background())
	defer cancel1()
	running := make(chan struct{})
	var runOnce sync.Once
	first := make(chan error, 1)
	go func() {
		_, err := q.Generate(ctx1, GenerateRequest{Prompt: "Once", IgnoreEOS: true},
			func(string) error { runOnce.Do(func() { close(running) }); return nil })
		first <- err
	}()
	<-running
	qctx, qcancel := context.WithCancel(context.Background())
	queued := make(chan error, 1)
	go func() { _, err := q.Generate(qctx, GenerateRequest{Prompt: "x", MaxTokens: 1}, nil); queued <- err }()
	waitFor(t, "the second request to be queued", func() bool { q.mu.Lock(); defer q.mu.Unlock(); return q.inflight == 2 })
	if _, err := q.Generate(context.Background(), GenerateRequest{Prompt: "x", MaxTokens: 1}, nil); !errors.Is(err, ErrBusy) {
		t.Errorf("third request: %v, want ErrBusy", err)
	}
	qcancel()
	if err := <-queued; !errors.Is(err, context.Canceled) {
		t.Errorf("queued request: %v, want context.Canceled", err)
	}
	waitFor(t, "the queue place to be freed", func() bool { q.mu.Lock(); defer q.mu.Unlock(); return q.inflight == 1 })
	cancel1()
	if err := <-first; !errors.Is(err, context.Canceled) {
		t.Errorf("first request: %v", err)
	}
}

func TestEmitErrorStops(t *testing.T) {
	m := openStories(t, ModelOptions{Slots: 1})
	boom := errors.New("client went away")
	n := 0
	_, err := m.Generate(context.Background(), GenerateRequest{Prompt: "Once upon a time", IgnoreEOS: true},
		func(string) error { n++; return boom })
	if !errors.Is(err, boom) || n != 1 {
		t.Errorf("emit error: %v after %d pieces", err, n)
	}
	res, _ := gen(t, m, GenerateRequest{Prompt: "Once upon a time", MaxTokens: 3})
	if res.OutputTokens != 3 {
		t.Errorf("after emit error: %+v", res)
	}
}

func TestKVPrefixReuse(t *testing.T) {
	m := openStories(t, ModelOptions{})
	story := "Once upon a time, there was a little girl named Lily. She loved to play outside in the park. " +
		"One day, she saw a big red ball under a tree. She ran to the ball and picked it up."
	first, _ := gen(t, m, GenerateRequest{Prompt: story, MaxTokens: 16, Session: "s1"})
	if first.CachedTokens != 0 {
		t.Errorf("first request of a session: %d cached tokens", first.CachedTokens)
	}
	follow := story + " Then her mom called her home for dinner."
	second, _ := gen(t, m, GenerateRequest{Prompt: follow, MaxTokens: 24, Session: "s1"})
	storyToks, _ := m.Tokenize(story, true, false)
	followToks, _ := m.Tokenize(follow, true, false)
	common := 0
	for common < len(storyToks) && storyToks[common] == followToks[common] {
		common++
	}
	if second.CachedTokens != common || second.PromptTokens != len(followToks) {
		t.Errorf("second request: %d cached of %d prompt tokens, want %d of %d",
			second.CachedTokens, second.PromptTokens, common, len(followToks))
	}
	// The same prompt cold (another session) gives the same greedy text.
	cold, _ := gen(t, m, GenerateRequest{Prompt: follow, MaxTokens: 24, Session: "other"})
	if cold.CachedTokens != 0 || cold.Text != second.Text {
		t.Errorf("cold run: %d cached, %q; warm run %q", cold.CachedTokens, cold.Text, second.Text)
	}
	// The same prompt again: all but the last token come from the cache.
	again, _ := gen(t, m, GenerateRequest{Prompt: follow, MaxTokens: 24, Session: "s1"})
	if again.CachedTokens != len(followToks)-1 || again.Text != second.Text {
		t.Errorf("repeat: %d cached (want %d), %q", again.CachedTokens, len(followToks)-1, again.Text)
	}
	// No session: never reused.
	none, _ := gen(t, m, GenerateRequest{Prompt: follow, MaxTokens: 24})
	if none.CachedTokens != 0 || none.Text != second.Text {
		t.Errorf("no session: %d cached, %q", none.CachedTokens, none.Text)
	}
}

func TestEmbeddings(t *testing.T) {
	m := openStories(t, ModelOptions{Embeddings: true})
	if m.Info().PoolingType != "mean" {
		t.Errorf("pooling %q, want mean", m.Info().PoolingType)
	}
	vecs, err := m.Embed(context.Background(), []string{"the cat sat on the mat", "the cat sat on the mat", "a big red ball in the park"})
	if err != nil {
		t.Fatal(err)
	}
	if len(vecs) != 3 || len(vecs[0]) != 64 {
		t.Fatalf("got %d vectors of %d", len(vecs), len(vecs[0]))
	}
	dot := func(a, b []float32) (s float64) {
		for i := range a {
			s += float64(a[i]) * float64(b[i])
		}
		return s
	}
	for i, v := range vecs {
		if n := dot(v, v); n < 0.999 || n > 1.001 {
			t.Errorf("vector %d has squared norm %f", i, n)
		}
	}
	if d := dot(vecs[0], vecs[1]); d < 0.9999 {
		t.Errorf("same text: cosine %f", d)
	}
	if d := dot(vecs[0], vecs[2]); d > 0.999 {
		t.Errorf("different texts: cosine %f", d)
	}
	// Generation still works on an embeddings model, and matches a plain one.
	plain := openStories(t, ModelOptions{})
	a, _ := gen(t, m, GenerateRequest{Prompt: "Once upon a time", MaxTokens: 20})
	b, _ := gen(t, plain, GenerateRequest{Prompt: "Once upon a time", MaxTokens: 20})
	if a.Text != b.Text {
		t.Errorf("generation with Embeddings: %q, without: %q", a.Text, b.Text)
	}
	if _, err := plain.Embed(context.Background(), []string{"x"}); !errors.Is(err, ErrNotSupported) {
		t.Errorf("Embed without Embeddings: %v, want ErrNotSupported", err)
	}
	long := strings.Repeat("cat ", 600)
	if _, err := m.Embed(context.Background(), []string{long}); !errors.Is(err, ErrContextOverflow) {
		t.Errorf("Embed of a long text: %v", err)
	}
	// With TruncateEmbeddings the first BatchSize tokens are embedded.
	tr := openStories(t, ModelOptions{Embeddings: true, TruncateEmbeddings: true, BatchSize: 64})
	v1, err := tr.Embed(context.Background(), []string{long})
	if err != nil {
		t.Fatalf("truncated Embed: %v", err)
	}
	v2, err := tr.Embed(context.Background(), []string{long + " and then a dragon came along"})
	if err != nil || dot(v1[0], v2[0]) < 0.9999 {
		t.Errorf("text beyond the limit changed the vector (cosine %v, err %v)", dot(v1[0], v2[0]), err)
	}
}

func TestCloseWithRequestsInFlight(t *testing.T) {
	m := openStories(t, ModelOptions{Slots: 2, QueueDepth: 4})
	var wg sync.WaitGroup
	errs := make(chan error, 6)
	var started sync.WaitGroup
	started.Add(2)
	for i := 0; i < 6; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var once sync.Once
			_, err := m.Generate(context.Background(), GenerateRequest{Prompt: "Once upon a time", IgnoreEOS: true},
				func(string) error {
					if i < 2 {
						once.Do(started.Done)
					}
					return nil
				})
			errs <- err
		}()
	}
	started.Wait()
	if err := m.Close(); err != nil {
		t.Fatal(err)
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil && !errors.Is(err, ErrClosed) {
			t.Errorf("request during Close: %v, want ErrClosed or success", err)
		}
	}
	if _, err := m.Generate(context.Background(), GenerateRequest{Prompt: "x"}, nil); !errors.Is(err, ErrClosed) {
		t.Errorf("Generate after Close: %v", err)
	}
	if _, err := m.Tokenize("x", true, false); !errors.Is(err, ErrClosed) {
		t.Errorf("Tokenize after Close: %v", err)
	}
	if err := m.Close(); err != nil {
		t.Errorf("second Close: %v", err)
	}
}

func TestThreadOptions(t *testing.T) {
	one := openStories(t, ModelOptions{Threads: 1, ThreadsBatch: 1})
	two := openStories(t, ModelOptions{Threads: 2, ThreadsBatch: 2, ThreadPolicy: ThreadsFixed})
	if one.Info().Threads != 1 || two.Info().Threads != 2 || two.Info().ThreadPolicy != ThreadsFixed {
		t.Errorf("threads: %+v / %+v", one.Info(), two.Info())
	}
	a, _ := gen(t, one, GenerateRequest{Prompt: "Once upon a time", MaxTokens: 30})
	b, _ := gen(t, two, GenerateRequest{Prompt: "Once upon a time", MaxTokens: 30})
	if a.OutputTokens != 30 || b.OutputTokens != 30 {
		t.Errorf("1 thread: %+v; 2 threads: %+v", a, b)
	}
	if _, err := Open(ModelOptions{Path: needModel(t), Threads: -1}); !errors.Is(err, ErrBadRequest) {
		t.Errorf("Threads -1: %v", err)
	}
}

// TestCancelAbortsPromptEvaluation cancels a request while llama_decode
// evaluates its long prompt: the abort callback stops the decode, so the
// next request does not wait for the whole evaluation.
func TestCancelAbortsPromptEvaluation(t *testing.T) {
	m := openStories(t, ModelOptions{Slots: 1, ContextSize: 2048, BatchSize: 2048})
	long := strings.Repeat("the cat sat on the mat and looked at the big red ball. ", 70) // about 1,500 tokens
	full, _ := gen(t, m, GenerateRequest{Prompt: long, MaxTokens: 1})
	if full.PromptTokens < 1000 {
		t.Fatalf("prompt of %d tokens, want a long one", full.PromptTokens)
	}
	ctx, cancel := context.WithCancel(context.Background())
	// The hook runs on the engine goroutine just before the long prompt's
	// decode: cancel there, so the abort callback must stop that decode.
	m.testHookDecode = func(promptTokens int) {
		if promptTokens > 1000 {
			cancel()
		}
	}
	defer func() { m.testHookDecode = nil }()
	done := make(chan error, 1)
	go func() {
		_, err := m.Generate(ctx, GenerateRequest{Prompt: long + " more", MaxTokens: 1}, nil)
		done <- err
	}()
	if err := <-done; !errors.Is(err, context.Canceled) {
		t.Fatalf("cancelled request: %v", err)
	}
	next, _ := gen(t, m, GenerateRequest{Prompt: "Once upon a time", MaxTokens: 2})
	t.Logf("full prompt evaluation %v; the next request waited %v", full.PromptTime, next.QueueTime)
	if next.QueueTime > full.PromptTime/2 {
		t.Errorf("the next request waited %v, about as long as the whole evaluation (%v): the decode was not aborted", next.QueueTime, full.PromptTime)
	}
}
