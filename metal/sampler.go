package metal

import (
	"math/rand/v2"

	"github.com/hybridgroup/yzma/pkg/llama"
)

// newSampler builds the llama.cpp sampler chain for s: greedy for
// Temperature <= 0, else top-k, top-p, min-p, temperature and a seeded
// draw, in llama.cpp's usual order.
func newSampler(s Sampling) llama.Sampler {
	chain := llama.SamplerChainInit(llama.SamplerChainDefaultParams())
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
