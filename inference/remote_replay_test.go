package inference_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"testing"

	"github.com/aios-dev/aios/inference"
)

// TestRemoteReplay plays streams as the providers' documentation shows
// them, byte for byte, from testdata/remote, and checks what the backends
// make of them.
func TestRemoteReplay(t *testing.T) {
	for _, tc := range []struct {
		file, path, contentType string
		newBackend              func(inference.RemoteOptions) (inference.Backend, error)
		want                    inference.Result
		chunks                  int
	}{
		{"openai_chat.sse", "/v1/chat/completions", "text/event-stream", newOpenAIBackend,
			inference.Result{Text: "Hello there!", FinishReason: inference.FinishStop, PromptTokens: 9, OutputTokens: 3, CachedTokens: 4}, 2},
		{"llamacpp_chat.sse", "/v1/chat/completions", "text/event-stream", newOpenAIBackend,
			inference.Result{Text: "func main", FinishReason: inference.FinishLength, PromptTokens: 14, OutputTokens: 2}, 2},
		{"anthropic_messages.sse", "/v1/messages", "text/event-stream", newAnthropicBackend,
			inference.Result{Text: "Hello!", FinishReason: inference.FinishStop, PromptTokens: 25, OutputTokens: 15}, 2},
		{"anthropic_thinking.sse", "/v1/messages", "text/event-stream", newAnthropicBackend,
			inference.Result{Text: "27 * 453 = 12,231", FinishReason: inference.FinishLength, PromptTokens: 70, OutputTokens: 64, CachedTokens: 30}, 1},
		{"ollama_chat.ndjson", "/api/chat", "application/x-ndjson", newOllamaBackend,
			inference.Result{Text: "The sky is blue.", FinishReason: inference.FinishStop, PromptTokens: 26, OutputTokens: 282}, 3},
	} {
		t.Run(tc.file, func(t *testing.T) {
			data, err := os.ReadFile(filepath.Join("testdata", "remote", tc.file))
			if err != nil {
				t.Fatal(err)
			}
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				if r.URL.Path != tc.path {
					http.NotFound(w, r)
					return
				}
				w.Header().Set("Content-Type", tc.contentType)
				w.Write(data)
			}))
			defer srv.Close()
			b, err := tc.newBackend(inference.RemoteOptions{BaseURL: srv.URL, Model: "m", MaxContextTokens: 8192, APIKey: "k"})
			if err != nil {
				t.Fatal(err)
			}
			var c collector
			res, err := b.Generate(context.Background(), &inference.Request{Prompt: "hi"}, c.emit)
			if err != nil {
				t.Fatal(err)
			}
			got := *res
			got.PromptTime, got.GenTime = 0, 0
			tc.want.Backend = b.BackendID()
			if got != tc.want || len(c.chunks) != tc.chunks || c.text() != res.Text {
				t.Fatalf("result %+v in chunks %q\nwant   %+v in %d chunks", got, c.chunks, tc.want, tc.chunks)
			}
		})
	}
}
