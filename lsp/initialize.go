package lsp

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"strings"
	"time"

	"go.lsp.dev/jsonrpc2"
	"go.lsp.dev/protocol"
)

// Initialize reads the client's capabilities and workspace, starts the
// kernel, and advertises what aios really does.
func (s *Server) Initialize(ctx context.Context, params *protocol.InitializeParams) (*protocol.InitializeResult, error) {
	var init InitOptions
	// Clients that encode an empty table as [] (Neovim's Lua) mean "none".
	if opts := strings.TrimSpace(string(params.InitializationOptions)); opts != "" && opts != "null" && opts != "[]" {
		if err := json.Unmarshal(params.InitializationOptions, &init); err != nil {
			return nil, invalidParams("initializationOptions: %v", err)
		}
	}
	root, err := workspaceRoot(params)
	if err != nil {
		return nil, err
	}
	k, err := s.opts.NewKernel(root, init)
	if err != nil {
		return nil, jsonrpc2.NewError(jsonrpc2.InternalError, fmt.Sprintf("starting aios for %s: %v", root, err))
	}
	caps := readClientCaps(&params.Capabilities)
	s.mu.Lock()
	s.kernel, s.root, s.caps, s.state, s.init = k, root, caps, stateInitialized, init
	if init.DebounceMs != nil && *init.DebounceMs >= 0 {
		s.debounce = time.Duration(*init.DebounceMs) * time.Millisecond
	}
	s.mu.Unlock()
	s.log.Info("initialized", "root", root, "client", params.ClientInfo.Name, "pull", caps.pullDiagnostics,
		"progress", caps.workDoneProgress, "resolve", caps.resolveEdit)

	result := &protocol.InitializeResult{
		ServerInfo: protocol.ServerInfo{Name: "aios", Version: protocol.NewOptional(s.opts.Version)},
		Capabilities: protocol.ServerCapabilities{
			PositionEncoding: protocol.PositionEncodingKindUTF16,
			TextDocumentSync: &protocol.TextDocumentSyncOptions{
				OpenClose: ptr(true),
				Change:    ptr(protocol.TextDocumentSyncKindIncremental),
				Save:      &protocol.SaveOptions{},
			},
			CodeActionProvider: &protocol.CodeActionOptions{
				CodeActionKinds: []protocol.CodeActionKind{protocol.CodeActionKindQuickFix},
				ResolveProvider: ptr(true),
			},
			ExecuteCommandProvider: protocol.ExecuteCommandOptions{Commands: commands},
		},
	}
	if caps.pullDiagnostics {
		result.Capabilities.DiagnosticProvider = &protocol.DiagnosticOptions{
			Identifier: ptr("aios"), InterFileDependencies: true,
		}
	}
	return result, nil
}

// Initialized is the client's acknowledgement.
func (s *Server) Initialized(ctx context.Context, params *protocol.InitializedParams) error {
	s.mu.Lock()
	root, init := s.root, s.init
	s.mu.Unlock()
	s.logToClient(ctx, protocol.MessageTypeInfo, "aios serving "+root)
	if s.opts.Notices != nil {
		for _, n := range s.opts.Notices(root, init) {
			if n.Warning {
				s.warnUser(ctx, n.Text)
			} else {
				s.logToClient(ctx, protocol.MessageTypeInfo, n.Text)
			}
		}
	}
	s.startIndexing(ctx)
	s.watchFiles(ctx)
	return nil
}

func workspaceRoot(params *protocol.InitializeParams) (string, error) {
	if params.RootURI != nil && *params.RootURI != "" {
		if p := filePath(string(*params.RootURI)); p != "" {
			return p, nil
		}
		return "", invalidParams("rootUri %q is not a file URI", *params.RootURI)
	}
	if folders, ok := params.WorkspaceFolders.Get(); ok && len(folders) > 0 {
		if p := filePath(string(folders[0].URI)); p != "" {
			return p, nil
		}
		return "", invalidParams("workspace folder %q is not a file URI", folders[0].URI)
	}
	if p, ok := params.RootPath.Get(); ok && p != "" {
		return p, nil
	}
	wd, err := os.Getwd()
	if err != nil {
		return "", invalidParams("no workspace folder given and no working directory: %v", err)
	}
	return wd, nil
}

func readClientCaps(c *protocol.ClientCapabilities) clientCaps {
	var caps clientCaps
	if w := c.Window; w != nil {
		caps.workDoneProgress = w.WorkDoneProgress != nil && *w.WorkDoneProgress
		caps.showMessage = w.ShowMessage != nil
	}
	if ws := c.Workspace; ws != nil && ws.DidChangeWatchedFiles != nil {
		caps.watchFiles = ws.DidChangeWatchedFiles.DynamicRegistration != nil && *ws.DidChangeWatchedFiles.DynamicRegistration
	}
	if td := c.TextDocument; td != nil {
		caps.pullDiagnostics = td.Diagnostic != nil
		if ca := td.CodeAction; ca != nil {
			for _, p := range ca.ResolveSupport.Properties {
				if p == "edit" {
					caps.resolveEdit = true
				}
			}
			caps.codeActionData = ca.DataSupport != nil && *ca.DataSupport
		}
		if pd := td.PublishDiagnostics; pd != nil {
			caps.relatedInfo = pd.RelatedInformation != nil && *pd.RelatedInformation
		}
	}
	return caps
}
