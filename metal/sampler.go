package metal

import (
	"fmt"
	"math/rand/v2"
	"strings"

	"github.com/hybridgroup/yzma/pkg/llama"
)

// newSampler builds the llama.cpp sampler chain for s: the grammar first
// (when set; prepare has checked it), then greedy for Temperature <= 0,
// else top-k, top-p, min-p, temperature and a seeded draw, in llama.cpp's
// usual order.
func newSampler(s Sampling, vocab llama.Vocab) llama.Sampler {
	chain := llama.SamplerChainInit(llama.SamplerChainDefaultParams())
	if s.Grammar != "" {
		if g := llama.SamplerInitGrammar(vocab, s.Grammar, "root"); g != 0 {
			llama.SamplerChainAdd(chain, g)
		}
	}
	if s.Temperature <= 0 {
		llama.SamplerChainAdd(chain, llama.SamplerInitGreedy())
		return chain
	}
	if s.TopK > 0 {
		llama.SamplerChainAdd(chain, llama.SamplerInitTopK(int32(s.TopK)))
	}
	if s.TopP > 0 && s.TopP < 1 {
		llama.SamplerChainAdd(chain, llama.SamplerInitTopP(s.TopP, 1))
	}
	if s.MinP > 0 {
		llama.SamplerChainAdd(chain, llama.SamplerInitMinP(s.MinP, 1))
	}
	llama.SamplerChainAdd(chain, llama.SamplerInitTemp(s.Temperature))
	seed := rand.Uint32()
	if s.Seed != nil {
		seed = *s.Seed
	}
	if seed == llama.DefaultSeed {
		seed-- // llama.cpp reads 0xFFFFFFFF as "pick a random seed"
	}
	llama.SamplerChainAdd(chain, llama.SamplerInitDist(seed))
	return chain
}

// spellCheck is the text whose characters a vocabulary must be able to
// spell for grammar-constrained sampling, beside the grammar's own.
const spellCheck = "\n\t !\"#$%&'()*+,-./0123456789:;<=>?@ABCDEFGHIJKLMNOPQRSTUVWXYZ[\\]^_`abcdefghijklmnopqrstuvwxyz{|}~"

// checkGrammar checks that grammar parses and that the vocabulary can
// spell its characters: a grammar that needs a character no token holds
// would leave llama.cpp no token to sample, which aborts the process.
// Called with m.life held.
func (m *Model) checkGrammar(grammar string) error {
	if strings.IndexByte(grammar, 0) >= 0 {
		return fmt.Errorf("%w: the grammar contains a NUL byte", ErrBadRequest)
	}
	g := llama.SamplerInitGrammar(m.vocab, grammar, "root")
	if g == 0 {
		return fmt.Errorf("%w: the grammar does not parse as GBNF with a rule named root (llama.cpp's log says where)", ErrBadRequest)
	}
	llama.SamplerFree(g)
	for _, text := range []string{spellCheck, grammar} {
		toks := llama.Tokenize(m.vocab, text, false, false)
		if got := llama.Detokenize(m.vocab, toks, false, false); strings.TrimPrefix(got, " ") != text && got != text {
			return fmt.Errorf("%w: grammar-constrained sampling: the model's vocabulary cannot spell every character the grammar needs", ErrNotSupported)
		}
	}
	return nil
}
