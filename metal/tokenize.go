package metal

import (
	"fmt"
	"strings"
	"unsafe"

	"github.com/hybridgroup/yzma/pkg/llama"
)

// maxTextBytes bounds text handed to the tokenizer (llama_tokenize takes an
// int32 length).
const maxTextBytes = 1 << 30

// Tokenize turns text into token ids. addSpecial adds the BOS/EOS tokens the
// model's vocabulary asks for; parseSpecial turns special-token text (such
// as "<|im_start|>") into those tokens instead of plain text.
func (m *Model) Tokenize(text string, addSpecial, parseSpecial bool) ([]int32, error) {
	if err := m.acquire(); err != nil {
		return nil, err
	}
	defer m.release()
	return m.tokenize(text, addSpecial, parseSpecial)
}

func (m *Model) tokenize(text string, addSpecial, parseSpecial bool) ([]int32, error) {
	if len(text) > maxTextBytes {
		return nil, fmt.Errorf("%w: text of %d bytes is too long to tokenize", ErrBadRequest, len(text))
	}
	if strings.IndexByte(text, 0) >= 0 {
		return nil, fmt.Errorf("%w: text contains a NUL byte", ErrBadRequest)
	}
	toks := llama.Tokenize(m.vocab, text, addSpecial, parseSpecial)
	out := make([]int32, len(toks))
	for i, t := range toks {
		out[i] = int32(t)
	}
	return out, nil
}

// Detokenize turns token ids back into text (special tokens are rendered
// as their text). Ids outside the vocabulary are an error.
func (m *Model) Detokenize(tokens []int32) (string, error) {
	if err := m.acquire(); err != nil {
		return "", err
	}
	defer m.release()
	n := int32(m.info.VocabSize)
	for _, t := range tokens {
		if t < 0 || t >= n {
			return "", fmt.Errorf("%w: token %d is outside the vocabulary of %d", ErrBadRequest, t, n)
		}
	}
	return llama.Detokenize(m.vocab, toLlamaTokens(tokens), false, true), nil
}

func (m *Model) bos() llama.Token { return llama.VocabBOS(m.vocab) }

// dropDoubleBOS removes a BOS the tokenizer added in front of one that
// the chat template already wrote.
func dropDoubleBOS(t []int32, bos int32) []int32 {
	if len(t) >= 2 && t[0] == bos && t[1] == bos {
		return t[1:]
	}
	return t
}

func toLlamaTokens(t []int32) []llama.Token {
	return unsafe.Slice((*llama.Token)(unsafe.SliceData(t)), len(t))
}
