// Package inferencetest provides a scripted, deterministic model server for
// tests of the layers above inference: an httptest server that speaks the
// OpenAI-compatible chat completions wire format (server-sent events, as
// aios's OpenAI backend requests them) and answers from a script.
package inferencetest

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"

	"github.com/aios-dev/aios/inference"
)

// Script answers one chat request (its messages, system first) with the
// assistant's text.
type Script func(messages []inference.Message) string

// Server is a scripted OpenAI-compatible server.
type Server struct {
	*httptest.Server
	mu       sync.Mutex
	requests [][]inference.Message
}

// NewServer starts a server that answers every chat completion with
// script. Close it when done.
func NewServer(script Script) *Server {
	s := &Server{}
	mux := http.NewServeMux()
	mux.HandleFunc("POST /v1/chat/completions", func(w http.ResponseWriter, r *http.Request) {
		var req struct {
			Model    string              `json:"model"`
			Messages []inference.Message `json:"messages"`
			Stream   bool                `json:"stream"`
		}
		if err := json.NewDecoder(r.Body).Decode(&req); err != nil {
			http.Error(w, `{"error":{"message":"bad request"}}`, http.StatusBadRequest)
			return
		}
		s.mu.Lock()
		s.requests = append(s.requests, req.Messages)
		s.mu.Unlock()
		text := script(req.Messages)
		if !req.Stream {
			json.NewEncoder(w).Encode(map[string]any{
				"id": "scripted", "object": "chat.completion", "model": req.Model,
				"choices": []any{map[string]any{"index": 0, "finish_reason": "stop", "message": map[string]any{"role": "assistant", "content": text}}},
				"usage":   map[string]any{"prompt_tokens": 10, "completion_tokens": len(strings.Fields(text)), "total_tokens": 10 + len(strings.Fields(text))},
			})
			return
		}
		w.Header().Set("Content-Type", "text/event-stream")
		event := func(v any) {
			data, _ := json.Marshal(v)
			fmt.Fprintf(w, "data: %s\n\n", data)
		}
		event(map[string]any{"id": "scripted", "object": "chat.completion.chunk", "model": req.Model,
			"choices": []any{map[string]any{"index": 0, "delta": map[string]any{"role": "assistant", "content": text}}}})
		event(map[string]any{"id": "scripted", "object": "chat.completion.chunk", "model": req.Model,
			"choices": []any{map[string]any{"index": 0, "delta": map[string]any{}, "finish_reason": "stop"}}})
		event(map[string]any{"id": "scripted", "object": "chat.completion.chunk", "model": req.Model, "choices": []any{},
			"usage": map[string]any{"prompt_tokens": 10, "completion_tokens": len(strings.Fields(text)), "total_tokens": 10 + len(strings.Fields(text))}})
		fmt.Fprint(w, "data: [DONE]\n\n")
	})
	mux.HandleFunc("GET /v1/models", func(w http.ResponseWriter, r *http.Request) {
		json.NewEncoder(w).Encode(map[string]any{"object": "list", "data": []any{map[string]any{"id": "scripted", "object": "model"}}})
	})
	s.Server = httptest.NewServer(mux)
	return s
}

// Requests returns the messages of every request received so far.
func (s *Server) Requests() [][]inference.Message {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([][]inference.Message(nil), s.requests...)
}

// Config is an inference configuration with the server as its only
// backend, named "scripted".
func (s *Server) Config() inference.Config {
	return inference.Config{Backends: []inference.BackendConfig{{Name: "scripted", Type: inference.TypeOpenAI, BaseURL: s.URL, Model: "scripted-coder"}}}
}

// Lazy returns the inference access the kernel takes, over the server.
func (s *Server) Lazy() (*inference.Lazy, *inference.Meter) {
	meter := inference.NewMeter()
	cfg := s.Config()
	return inference.NewLazy(meter, func() (*inference.Engine, error) {
		return inference.Build(cfg, inference.BuildOptions{Meter: meter})
	}), meter
}
