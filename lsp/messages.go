package lsp

import (
	"context"

	"go.lsp.dev/protocol"
)

// warnUser logs msg and shows it to the user with window/showMessage.
func (s *Server) warnUser(ctx context.Context, msg string) {
	s.log.Warn(msg)
	if s.client == nil {
		return
	}
	if err := s.client.ShowMessage(context.WithoutCancel(ctx), &protocol.ShowMessageParams{Type: protocol.MessageTypeWarning, Message: msg}); err != nil {
		s.log.Debug("showMessage failed", "err", err)
	}
}

// logToClient sends msg to the client's log with window/logMessage.
func (s *Server) logToClient(ctx context.Context, typ protocol.MessageType, msg string) {
	if s.client == nil {
		return
	}
	if err := s.client.LogMessage(context.WithoutCancel(ctx), &protocol.LogMessageParams{Type: typ, Message: msg}); err != nil {
		s.log.Debug("logMessage failed", "err", err)
	}
}
