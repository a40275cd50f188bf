package metal

import (
	"context"
	"errors"
	"fmt"
	"time"
)

// Sampling selects the next token. The zero value is greedy decoding.
type Sampling struct {
	// Temperature 0 (or less) is greedy: always the most likely token, and
	// the other fields are ignored.
	Temperature float32
	TopK        int     // keep the K most likely tokens; 0: all
	TopP        float32 // nucleus sampling; 0 or 1: off
	MinP        float32 // drop tokens below MinP times the top probability; 0: off
	// Seed makes sampling repeatable; nil picks a random seed.
	Seed *uint32
	// Grammar, when set, is a GBNF grammar (llama.cpp's format, start
	// rule "root") that every output must follow: tokens it does not
	// allow are never sampled, and the end of generation comes only where
	// it may end. A grammar that does not parse, or whose characters the
	// model's vocabulary cannot spell, fails the request with
	// ErrBadRequest or ErrNotSupported.
	Grammar string
}

// ChatMessage is one message of a conversation.
type ChatMessage struct {
	Role    string // system, user, assistant
	Content string
}

// GenerateRequest is one completion. Exactly one of Prompt and Messages is
// set.
type GenerateRequest struct {
	// Prompt is raw text to continue. The model's BOS token is added when
	// its vocabulary asks for one; special-token text in Prompt is not
	// parsed (it stays text).
	Prompt string
	// Messages is a conversation, formatted with the model's own chat
	// template (llama_chat_apply_template) and an assistant turn opened.
	// A model without a template gets FallbackChatFormat.
	Messages []ChatMessage
	// MaxTokens bounds the output; 0: as many as fit the context window.
	// Prompt tokens plus MaxTokens beyond ContextSize() fail with
	// ErrContextOverflow.
	MaxTokens int
	// Stop ends the output before the first occurrence of any of these
	// strings; the stop string itself and anything after it are not
	// emitted.
	Stop     []string
	Sampling Sampling
	// Session names a conversation. A request with the same Session as an
	// earlier one reuses the KV cache of the slot that served it for the
	// longest common token prefix (when that slot is free and the adapter
	// setting is the same), and evaluates only the rest.
	Session string
	// IgnoreEOS keeps generating past end-of-generation tokens (benchmarks).
	IgnoreEOS bool
}

// Finish reasons.
const (
	FinishStop   = "stop"   // end of generation token or a stop string
	FinishLength = "length" // MaxTokens reached
)

// GenerateResult describes a finished generation.
type GenerateResult struct {
	Text         string
	FinishReason string // FinishStop or FinishLength
	PromptTokens int
	OutputTokens int // sampled tokens, the end-of-generation token excluded
	// CachedTokens is the number of prompt tokens whose KV cache was
	// reused from the session's previous request, not evaluated.
	CachedTokens int
	// PromptTime runs from the start of prompt evaluation (after any wait
	// in the queue) to the first sampled token; GenTime from the first to
	// the last sampled token.
	PromptTime time.Duration
	GenTime    time.Duration
	QueueTime  time.Duration // time spent waiting for a slot
}

// Generate runs req and streams its output: emit receives each piece of
// text as soon as it is final (never half of a UTF-8 character, never a
// stop string or what follows it), in order, on the calling goroutine. An
// error from emit ends the generation and is returned as is.
//
// Generate returns when the output is complete, when ctx is done (the
// request's slot or queue place is freed at once and the engine drops it
// before its next step), or when the Model is closed (ErrClosed).
func (m *Model) Generate(ctx context.Context, req GenerateRequest, emit func(text string) error) (GenerateResult, error) {
	if err := ctx.Err(); err != nil {
		return GenerateResult{}, err
	}
	j, err := m.prepare(req)
	if err != nil {
		return GenerateResult{}, err
	}
	if err := m.admit(); err != nil {
		return GenerateResult{}, err
	}
	defer m.leave()
	if err := m.submit(j); err != nil {
		return GenerateResult{}, err
	}
	for {
		select {
		case <-ctx.Done():
			j.cancelled.Store(true)
			m.eng.wakeup()
			return GenerateResult{}, ctx.Err()
		case <-j.notify:
		}
		pieces, done := j.take()
		for _, p := range pieces {
			if emit == nil {
				continue
			}
			if err := emit(p); err != nil {
				j.cancelled.Store(true)
				m.eng.wakeup()
				return GenerateResult{}, err
			}
		}
		if done {
			j.mu.Lock()
			res, err := j.result, j.err
			j.mu.Unlock()
			return res, err
		}
	}
}

// prepare checks req, formats and tokenizes it, and checks that it fits.
func (m *Model) prepare(req GenerateRequest) (*job, error) {
	if (req.Prompt == "") == (len(req.Messages) == 0) {
		return nil, fmt.Errorf("%w: set exactly one of Prompt and Messages", ErrBadRequest)
	}
	if req.MaxTokens < 0 {
		return nil, fmt.Errorf("%w: MaxTokens is %d", ErrBadRequest, req.MaxTokens)
	}
	s := req.Sampling
	if s.TopK < 0 || s.TopP < 0 || s.TopP > 1 || s.MinP < 0 || s.MinP > 1 {
		return nil, fmt.Errorf("%w: sampling TopK %d, TopP %g, MinP %g out of range", ErrBadRequest, s.TopK, s.TopP, s.MinP)
	}
	if err := m.acquire(); err != nil {
		return nil, err
	}
	defer m.release()
	if s.Grammar != "" {
		if err := m.checkGrammar(s.Grammar); err != nil {
			return nil, err
		}
	}
	var (
		tokens []int32
		err    error
	)
	if req.Prompt != "" {
		tokens, err = m.tokenize(req.Prompt, true, false)
	} else {
		var text string
		if text, err = m.formatChat(req.Messages); err == nil {
			tokens, err = m.tokenize(text, true, true)
			tokens = dropDoubleBOS(tokens, int32(m.bos()))
		}
	}
	if err != nil {
		return nil, err
	}
	if len(tokens) == 0 {
		return nil, fmt.Errorf("%w: the prompt has no tokens", ErrBadRequest)
	}
	n := m.info.ContextSize
	maxTokens := req.MaxTokens
	if maxTokens == 0 {
		maxTokens = n - len(tokens)
	}
	if len(tokens)+maxTokens > n || maxTokens <= 0 {
		return nil, fmt.Errorf("%w: %d prompt tokens + %d output tokens > context window of %d", ErrContextOverflow, len(tokens), max(maxTokens, 1), n)
	}
	j := newJob()
	j.tokens = toLlamaTokens(tokens)
	j.maxTokens, j.stops, j.sampling, j.session, j.ignoreEOS = maxTokens, req.Stop, req.Sampling, req.Session, req.IgnoreEOS
	return j, nil
}

var errDecode = errors.New("llama_decode failed")
