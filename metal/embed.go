package metal

import (
	"context"
	"fmt"
	"math"

	"github.com/hybridgroup/yzma/pkg/llama"
)

// Embed returns one L2-normalised vector per text, pooled over the text's
// tokens per the model's pooling type (mean when it declares none). The
// model must be opened with Embeddings; otherwise the error wraps
// ErrNotSupported. A text longer than BatchSize tokens (or the context)
// fails with ErrContextOverflow, or is cut to that many with
// TruncateEmbeddings. Embed shares the slots' queue: it waits
// behind other requests' steps and fails with ErrBusy when the queue is
// full.
//
// A generative model run this way computes logits for every token too, so
// the context keeps an output buffer of BatchSize x vocabulary floats.
func (m *Model) Embed(ctx context.Context, texts []string) ([][]float32, error) {
	if !m.opts.Embeddings {
		return nil, fmt.Errorf("%w: embeddings: open the model with ModelOptions.Embeddings", ErrNotSupported)
	}
	if m.eng.pooling == llama.PoolingTypeRank {
		return nil, fmt.Errorf("%w: embeddings: the model is a reranker (pooling type rank)", ErrNotSupported)
	}
	if len(texts) == 0 {
		return nil, nil
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	j := newJob()
	j.embed = true
	if err := m.acquire(); err != nil {
		return nil, err
	}
	limit := min(m.opts.BatchSize, m.info.ContextSize)
	for i, t := range texts {
		toks, err := m.tokenize(t, true, false)
		if err != nil {
			m.release()
			return nil, fmt.Errorf("text %d: %w", i, err)
		}
		if len(toks) == 0 {
			m.release()
			return nil, fmt.Errorf("%w: text %d has no tokens", ErrBadRequest, i)
		}
		if len(toks) > limit && m.opts.TruncateEmbeddings {
			toks = toks[:limit]
		}
		if len(toks) > limit {
			m.release()
			return nil, fmt.Errorf("%w: text %d has %d tokens, the limit is %d (BatchSize)", ErrContextOverflow, i, len(toks), limit)
		}
		j.texts = append(j.texts, toLlamaTokens(toks))
	}
	m.release()
	if err := m.admit(); err != nil {
		return nil, err
	}
	defer m.leave()
	if err := m.submit(j); err != nil {
		return nil, err
	}
	for {
		select {
		case <-ctx.Done():
			j.cancelled.Store(true)
			m.eng.wakeup()
			return nil, ctx.Err()
		case <-j.notify:
		}
		if _, done := j.take(); done {
			j.mu.Lock()
			defer j.mu.Unlock()
			return j.vectors, j.err
		}
	}
}

// runEmbed computes the vectors of j on the embedding sequence, one text
// per decode, with embeddings switched on for those decodes only.
func (e *engine) runEmbed(j *job) {
	e.applyAdapters(j.adapter)
	vecs := make([][]float32, 0, len(j.texts))
	e.embedJob = j
	defer func() { e.embedJob = nil }()
	for _, toks := range j.texts {
		if j.cancelled.Load() {
			j.finish(GenerateResult{}, nil, errCancelled)
			return
		}
		v, err := e.embedOne(toks)
		if err != nil {
			j.finish(GenerateResult{}, nil, err)
			return
		}
		vecs = append(vecs, v)
	}
	j.finish(GenerateResult{}, vecs, nil)
}

func (e *engine) embedOne(toks []llama.Token) ([]float32, error) {
	_, _ = llama.MemorySeqRm(e.mem, e.embSeq, -1, -1)
	defer func() { _, _ = llama.MemorySeqRm(e.mem, e.embSeq, -1, -1) }()
	_ = e.batch.Clear()
	for i, t := range toks {
		_ = e.batch.Add(t, llama.Pos(i), []llama.SeqId{e.embSeq}, true)
	}
	_, _, batch := e.gov.threads(len(toks))
	llama.SetNThreads(e.lctx, int32(batch), int32(batch))
	llama.SetEmbeddings(e.lctx, true)
	armAbort(e.lctx, e.abortHandle)
	ret, _ := llama.Decode(e.lctx, e.batch)
	disarmAbort(e.lctx)
	llama.SetEmbeddings(e.lctx, false)
	if ret == 2 {
		if e.quitting() {
			return nil, ErrClosed
		}
		return nil, errCancelled
	}
	if ret != 0 {
		return nil, fmt.Errorf("%w (code %d) computing embeddings of %d tokens", errDecode, ret, len(toks))
	}
	raw, _ := llama.GetEmbeddingsSeq(e.lctx, e.embSeq, int32(e.nEmbd))
	if raw == nil {
		return nil, fmt.Errorf("%w: llama.cpp returned no pooled embedding", errDecode)
	}
	v := make([]float32, len(raw))
	var sum float64
	for i, x := range raw {
		v[i] = x
		sum += float64(x) * float64(x)
	}
	if norm := math.Sqrt(sum); norm > 0 {
		for i := range v {
			v[i] = float32(float64(v[i]) / norm)
		}
	}
	return v, nil
}
