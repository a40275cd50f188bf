// Package inference is the one way aios talks to language models. Every
// backend (the in-process llama.cpp core, OpenAI-compatible servers, Ollama,
// Anthropic) implements the seven-method Backend interface; a Router picks a
// backend per request by policy and falls back along an ordered chain with a
// circuit breaker; a Meter counts tokens, latency and errors per backend.
// Nothing outside this package names a concrete backend.
package inference
