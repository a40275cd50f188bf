package lsp

import (
	"context"
)

// Shutdown stops the kernel; only exit may follow.
func (s *Server) Shutdown(ctx context.Context) error {
	s.mu.Lock()
	s.state = stateShutdown
	s.mu.Unlock()
	s.shutdownKernel()
	return nil
}

// Exit ends the connection with the exit status the spec prescribes: 0 if
// shutdown came first, 1 otherwise.
func (s *Server) Exit(ctx context.Context) error {
	s.mu.Lock()
	code := 1
	if s.state == stateShutdown {
		code = 0
	}
	s.mu.Unlock()
	s.opts.OnExit(code)
	select {
	case <-s.exited:
	default:
		close(s.exited)
	}
	return nil
}
