package lsp

import (
	"fmt"

	"go.lsp.dev/jsonrpc2"
)

// invalidParams returns the JSON-RPC invalid-params error with a message.
func invalidParams(format string, args ...any) error {
	return jsonrpc2.NewError(jsonrpc2.InvalidParams, fmt.Sprintf(format, args...))
}
