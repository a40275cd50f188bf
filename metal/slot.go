package metal

import (
	"errors"
	"strings"
	"time"

	"github.com/hybridgroup/yzma/pkg/llama"
)

// slot is one llama.cpp sequence of the engine's context. Between requests
// it keeps its KV cache (cache lists the tokens it holds) for the session
// that last used it.
type slot struct {
	seq      llama.SeqId
	cache    []llama.Token // tokens whose KV is stored in seq, positions 0..len-1
	session  string
	adapter  adapterCfg // adapters the cache was computed with
	lastUsed uint64     // engine step when the slot was last released
	lastStep uint64     // engine step when the slot last computed

	j        *job // nil when free
	prompt   []llama.Token
	smpl     llama.Sampler
	next     llama.Token // sampled, not yet decoded
	hasNext  bool
	logitIdx int32         // batch row of this slot's logits, -1: none
	inBatch  []llama.Token // tokens this slot put in the batch being decoded
	filter   *streamFilter
	text     strings.Builder
	nOut     int
	cached   int
	tStart   time.Time
	tFirst   time.Time
	tLast    time.Time
}

var errCancelled = errors.New("request cancelled")

// pickSlot returns a free slot for j, or nil: the slot that last served
// j's session, else a slot without a session, else the least recently used.
func (e *engine) pickSlot(j *job) *slot {
	var best *slot
	for _, s := range e.slots {
		if s.j != nil {
			continue
		}
		if j.session != "" && s.session == j.session {
			return s
		}
		if best == nil || betterFree(s, best) {
			best = s
		}
	}
	return best
}

// betterFree orders free slots for a job without a matching session:
// slots holding no session first, then the least recently used.
func betterFree(a, b *slot) bool {
	if (a.session == "") != (b.session == "") {
		return a.session == ""
	}
	return a.lastUsed < b.lastUsed
}

// start gives slot s to job j: it keeps the longest common prefix of the
// slot's cache and j's prompt when they belong to the same session and
// adapter setting, and removes the rest of the sequence.
func (e *engine) start(s *slot, j *job) {
	keep := 0
	if j.session != "" && s.session == j.session && s.adapter == j.adapter {
		for keep < len(s.cache) && keep < len(j.tokens) && s.cache[keep] == j.tokens[keep] {
			keep++
		}
	}
	if keep >= len(j.tokens) {
		keep = len(j.tokens) - 1 // evaluate the last prompt token again for its logits
	}
	if keep < len(s.cache) {
		if ok, _ := llama.MemorySeqRm(e.mem, s.seq, llama.Pos(keep), -1); !ok {
			// Recurrent models cannot drop a tail: start over.
			_, _ = llama.MemorySeqRm(e.mem, s.seq, -1, -1)
			keep = 0
		}
	}
	s.cache = s.cache[:keep]
	s.session, s.adapter = j.session, j.adapter
	s.j, s.prompt, s.cached = j, j.tokens, keep
	s.smpl = newSampler(j.sampling, e.m.vocab)
	s.hasNext, s.logitIdx, s.nOut = false, -1, 0
	s.filter = newStreamFilter(j.stops)
	s.text.Reset()
	s.tStart = time.Now()
	s.lastStep = 0
}

// complete finishes the job of s successfully and frees the slot.
func (e *engine) complete(s *slot, reason string) {
	res := GenerateResult{
		Text: s.text.String(), FinishReason: reason,
		PromptTokens: len(s.prompt), OutputTokens: s.nOut, CachedTokens: s.cached,
		PromptTime: s.tFirst.Sub(s.tStart), GenTime: s.tLast.Sub(s.tFirst),
		QueueTime: s.tStart.Sub(s.j.queued),
	}
	s.j.finish(res, nil, nil)
	e.free(s)
}

// release ends the job of s with err and frees the slot.
func (e *engine) release(s *slot, err error) {
	s.j.finish(GenerateResult{}, nil, err)
	e.free(s)
}

func (e *engine) free(s *slot) {
	llama.SamplerFree(s.smpl)
	s.smpl, s.j, s.prompt, s.filter, s.hasNext, s.inBatch = 0, nil, nil, nil, false, nil
	s.text.Reset()
	s.lastUsed = e.step
}

// pickGroup returns the adapter setting of this step: that of the running
// slot that computed least recently. Slots of other settings wait a step.
func (e *engine) pickGroup() adapterCfg {
	var oldest *slot
	for _, s := range e.slots {
		if s.j != nil && (oldest == nil || s.lastStep < oldest.lastStep) {
			oldest = s
		}
	}
	return oldest.j.adapter
}
