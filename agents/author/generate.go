package author

import (
	"context"
	"errors"
	"os"
	"path/filepath"

	"github.com/aios-dev/aios/agents"
	"github.com/aios-dev/aios/inference"
	"github.com/aios-dev/aios/memory"
)

// GenerateID is the Generate meso agent.
const GenerateID agents.ID = "meso/generate"

// Generate is the capability of asking the model for an edit: inputs
// "task" and "context" (the retrieval result), output "answer".
var Generate = agents.CapabilitySpec{Name: "generate", Requires: []string{"task", "context"}, Provides: "answer", Retryable: true}

// Model is what Generate needs of the inference layer.
type Model interface {
	Generate(ctx context.Context, req *inference.Request, emit func(inference.Chunk) error) (*inference.Result, error)
}

// Files reads a file's current content (the open buffer, else the disk)
// by absolute path.
type Files interface {
	ReadFile(path string) ([]byte, int32, error)
}

// MaxAnswerTokens bounds an answer.
const MaxAnswerTokens = 1536

// promptSizes are the prompt shapes tried in turn while the model's
// context is too small.
var promptSizes = []struct {
	context bool // include the retrieved context
	lines   int  // lines of the file around the task (0: the excerpt default)
	answer  int  // answer tokens
	budget  int  // the working memory's token budget
}{{true, 0, MaxAnswerTokens, 6000}, {false, 0, 512, 2000}, {false, 12, 128, 600}}

// ask sends one prompt, as chat messages or, to a model without a chat
// template, as one completion prompt.
func (g *Generator) ask(ctx context.Context, user string, maxTokens int, grammar string) (*inference.Result, error) {
	ireq := &inference.Request{
		Messages:  []inference.Message{{Role: "system", Content: systemPrompt}, {Role: "user", Content: user}},
		MaxTokens: maxTokens,
		Session:   "aios-author",
		Grammar:   grammar,
	}
	res, err := g.Model.Generate(ctx, ireq, func(inference.Chunk) error { return nil })
	if errors.Is(err, inference.ErrNotSupported) && ireq.Grammar != "" {
		// A vocabulary that cannot spell the grammar: answer unconstrained.
		ireq.Grammar = ""
		res, err = g.Model.Generate(ctx, ireq, func(inference.Chunk) error { return nil })
	}
	if errors.Is(err, inference.ErrNotSupported) {
		ireq.Messages, ireq.Prompt = nil, systemPrompt+"\n\n"+user+"\n"
		res, err = g.Model.Generate(ctx, ireq, func(inference.Chunk) error { return nil })
	}
	return res, err
}

// Generator serves Generate.
type Generator struct {
	Model Model // nil: no model configured
	Files Files
	Root  string
	// MaxTokens bounds an answer (0: MaxAnswerTokens).
	MaxTokens int
}

// ErrNoModel is returned when no model is configured.
var ErrNoModel = errors.New("no model configured: " + inference.NotConfiguredHelp)

// HandleMessage implements agents.Agent.
func (g *Generator) HandleMessage(ctx context.Context, msg *agents.Message) (*agents.Message, error) {
	req, err := agents.DecodeStep(msg)
	if err != nil {
		return msg.NewReply(agents.NotUnderstood, []byte(err.Error())), nil
	}
	if g.Model == nil {
		return nil, ErrNoModel
	}
	var t Task
	if err := req.Input("task", &t); err != nil {
		return nil, err
	}
	var rc memory.Result
	if err := req.Input("context", &rc); err != nil {
		return nil, err
	}
	var file []byte
	if t.File != "" {
		file, _, err = g.Files.ReadFile(filepath.Join(g.Root, filepath.FromSlash(t.File)))
		if err != nil && !errors.Is(err, os.ErrNotExist) {
			return nil, err
		}
	}
	// A prompt that does not fit the model's context is asked again
	// smaller: without the retrieved context, then with fewer lines of
	// the file and a shorter answer.
	var res *inference.Result
	for _, size := range promptSizes {
		packed := rc.Packed
		if !size.context {
			packed = ""
		}
		excerpt := excerptOf(file, t.Line, t.EndLine, size.lines)
		user := buildPrompt(&t, excerpt, packed, size.budget)
		answer := size.answer
		if g.MaxTokens > 0 {
			answer = min(answer, g.MaxTokens)
		}
		res, err = g.ask(ctx, user, answer, editGrammar(&t, excerpt, answer))
		if !errors.Is(err, inference.ErrContextOverflow) {
			break
		}
	}
	if err != nil {
		return nil, err
	}
	return agents.InformJSON(msg, Answer{Text: res.Text, Backend: res.Backend, PromptTokens: res.PromptTokens, OutputTokens: res.OutputTokens})
}
