package lsp

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"sync"
	"time"

	"go.lsp.dev/jsonrpc2"
	"go.lsp.dev/protocol"

	"github.com/aios-dev/aios/orchestrator"
)

// Options configure a Server. They are validated by NewServer and never
// changed afterwards.
type Options struct {
	// NewKernel builds the kernel for the workspace root the client names
	// in initialize. Required.
	NewKernel func(root string, init InitOptions) (*orchestrator.Kernel, error)
	// Logger receives the server's logs (stderr in production); nil
	// discards them.
	Logger *slog.Logger
	// Debounce is how long diagnostics wait after an edit (default 200ms).
	Debounce time.Duration
	// OnExit is called when the client sends exit, with the exit status
	// the spec prescribes: 0 after shutdown, 1 otherwise. A stdio server
	// ends the process here.
	OnExit func(code int)
	// Version is reported in serverInfo.
	Version string
	// Notices, when set, returns what the user should be told once the
	// session has started (for example, that no model is configured).
	Notices func(root string, init InitOptions) []Notice
}

// Notice is a message for the user: warnings are shown
// (window/showMessage), the rest go to the client's log
// (window/logMessage).
type Notice struct {
	Warning bool
	Text    string
}

// InitOptions are the aios settings a client may pass as
// initializationOptions.
type InitOptions struct {
	// Tests includes _test.go files in analysis (default true).
	Tests *bool `json:"tests,omitempty"`
	// BuildFlags are passed to the go command, e.g. ["-tags=integration"].
	BuildFlags []string `json:"buildFlags,omitempty"`
	// DebounceMs overrides the diagnostics debounce.
	DebounceMs *int `json:"debounceMs,omitempty"`
	// Inference overrides the inference configuration (backends, models,
	// policy): the same object as the workspace's .aios.json.
	Inference json.RawMessage `json:"inference,omitempty"`
	// Index builds and follows the workspace index for retrieval (default
	// true).
	Index *bool `json:"index,omitempty"`
	// AI overrides the AI edit settings (autoApply, autoCommit, threshold,
	// weights, sandbox, tests): the same object as .aios.json's "ai".
	AI json.RawMessage `json:"ai,omitempty"`
}

// Server is the LSP server of one connection.
type Server struct {
	protocol.UnimplementedServer

	opts   Options
	log    *slog.Logger
	client protocol.Client
	conn   jsonrpc2.Conn

	mu        sync.Mutex // guards the fields below
	state     serverState
	kernel    *orchestrator.Kernel
	caps      clientCaps
	debounce  time.Duration
	root      string
	init      InitOptions
	docs      map[string]*document // by URI
	diag      map[string]*diagPass // pending or running push diagnostics, by URI
	published map[string]bool      // URIs with diagnostics published
	progress  map[string]context.CancelFunc
	inflight  map[jsonrpc2.ID]context.CancelFunc // running requests, for $/cancelRequest
	syncs     map[string]*bufferSync             // pending index updates, by path
	aiCache   map[string][]string                // AI task IDs computed per document version and lines
	// indexCancel stops the background indexing started after initialized.
	indexCancel context.CancelFunc
	exited      chan struct{}
	passes      sync.WaitGroup // running diagnostics passes; Add under mu while kernel != nil
}

type serverState int

const (
	stateNew serverState = iota
	stateInitialized
	stateShutdown
)

// clientCaps are the client capabilities the server acts on.
type clientCaps struct {
	pullDiagnostics  bool
	workDoneProgress bool
	resolveEdit      bool // codeAction/resolve may fill in the edit
	codeActionData   bool
	relatedInfo      bool
	showMessage      bool
	watchFiles       bool // workspace/didChangeWatchedFiles can be registered dynamically
}

// NewServer validates opts and returns a Server.
func NewServer(opts Options) (*Server, error) {
	if opts.NewKernel == nil {
		return nil, errors.New("lsp: Options.NewKernel is required")
	}
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.DiscardHandler)
	}
	if opts.Debounce <= 0 {
		opts.Debounce = 200 * time.Millisecond
	}
	if opts.OnExit == nil {
		opts.OnExit = func(int) {}
	}
	return &Server{
		opts:      opts,
		log:       opts.Logger,
		debounce:  opts.Debounce,
		docs:      make(map[string]*document),
		diag:      make(map[string]*diagPass),
		published: make(map[string]bool),
		progress:  make(map[string]context.CancelFunc),
		inflight:  make(map[jsonrpc2.ID]context.CancelFunc),
		syncs:     make(map[string]*bufferSync),
		aiCache:   make(map[string][]string),
		exited:    make(chan struct{}),
	}, nil
}

// Serve serves the connection over rwc until the client exits or the
// connection ends, and returns the connection's error (nil after a clean
// exit).
func (s *Server) Serve(ctx context.Context, rwc io.ReadWriteCloser) error {
	stream := newGuardedStream(jsonrpc2.NewStream(rwc), s.log)
	conn := jsonrpc2.NewConn(stream, jsonrpc2.WithCodec(codec{}))
	s.conn = conn
	s.client = protocol.ClientDispatcher(conn)
	conn.Go(ctx, s.handler())
	select {
	case <-conn.Done():
	case <-s.exited:
		conn.Close()
	case <-ctx.Done():
		conn.Close()
	}
	s.shutdownKernel()
	select {
	case <-s.exited:
		return nil // a clean exit
	default:
	}
	if err := conn.Err(); err != nil && !errors.Is(err, io.EOF) && !errors.Is(err, io.ErrClosedPipe) && !errors.Is(err, net.ErrClosed) {
		return fmt.Errorf("lsp connection: %w", err)
	}
	return nil
}

// asyncMethods are the requests that release the read loop while they run,
// so that cancellations and edits are read meanwhile. Everything else runs
// in the order it arrives.
var asyncMethods = map[string]bool{
	protocol.MethodTextDocumentCodeAction:  true,
	protocol.MethodCodeActionResolve:       true,
	protocol.MethodTextDocumentDiagnostic:  true,
	protocol.MethodWorkspaceExecuteCommand: true,
}

// handler is the connection's handler chain: $/cancelRequest, the
// lifecycle gate, release of slow requests, and the typed dispatch to the
// Server's methods.
//
// Each request runs under a context of its own, derived from the
// connection's: jsonrpc2 recycles its per-request context as soon as the
// handler returns, which a context.WithCancel over it does not survive.
func (s *Server) handler() jsonrpc2.Handler {
	dispatch := protocol.ServerHandler(s, jsonrpc2.MethodNotFoundHandler)
	return func(ctx context.Context, req *jsonrpc2.Request) (any, error) {
		method := req.Method()
		if method == protocol.MethodCancelRequest {
			s.cancelRequest(req.Params())
			return nil, nil
		}
		if err := s.gate(req); err != nil {
			if !req.IsCall() {
				s.log.Warn("dropping notification", "method", method, "reason", err)
				return nil, nil
			}
			return nil, err
		}
		rctx, cancel := context.WithCancel(jsonrpc2.DetachContext(ctx))
		defer cancel()
		// Register before releasing the next message: a $/cancelRequest
		// that follows at once must find the request it names.
		if req.IsCall() {
			id := req.ID()
			s.mu.Lock()
			s.inflight[id] = cancel
			s.mu.Unlock()
			defer func() {
				s.mu.Lock()
				delete(s.inflight, id)
				s.mu.Unlock()
			}()
		}
		if asyncMethods[method] {
			jsonrpc2.Async(ctx)
		}
		res, err := dispatch(rctx, req)
		if !req.IsCall() {
			if err != nil {
				// A notification's error would close the connection: log it.
				s.log.Warn("notification failed", "method", method, "err", err)
			}
			return nil, nil
		}
		if err != nil && rctx.Err() != nil && !errors.Is(err, protocol.ErrContentModified) {
			return nil, protocol.ErrRequestCancelled
		}
		return res, err
	}
}

// cancelRequest cancels the request a $/cancelRequest names, if it is
// still running.
func (s *Server) cancelRequest(params []byte) {
	var p protocol.CancelParams
	if err := protocol.Unmarshal(params, &p); err != nil {
		s.log.Warn("malformed $/cancelRequest", "err", err)
		return
	}
	var id jsonrpc2.ID
	switch v := p.ID.(type) {
	case protocol.Integer:
		id = jsonrpc2.NewNumberID(int64(v))
	case protocol.String:
		id = jsonrpc2.NewStringID(string(v))
	default:
		s.log.Warn("$/cancelRequest without an id")
		return
	}
	s.mu.Lock()
	cancel := s.inflight[id]
	s.mu.Unlock()
	if cancel != nil {
		cancel()
	}
}

// Error codes of the lifecycle gate.
var (
	errNotInitialized = jsonrpc2.NewError(-32002, "server not initialized")
	errShutdown       = jsonrpc2.NewError(jsonrpc2.InvalidRequest, "server is shutting down")
)

// gate enforces the LSP lifecycle: nothing but initialize (and exit) before
// initialize, nothing but exit after shutdown.
func (s *Server) gate(req *jsonrpc2.Request) error {
	m := req.Method()
	if m == protocol.MethodExit || m == protocol.MethodCancelRequest {
		return nil
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	switch s.state {
	case stateNew:
		if m != protocol.MethodInitialize {
			return errNotInitialized
		}
	case stateInitialized:
		if m == protocol.MethodInitialize {
			return jsonrpc2.NewError(jsonrpc2.InvalidRequest, "initialize sent twice")
		}
	case stateShutdown:
		return errShutdown
	}
	return nil
}

// Kernel returns the session's kernel (nil before initialize and after
// shutdown), for embedders and tests.
func (s *Server) Kernel() *orchestrator.Kernel {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.kernel
}

func (s *Server) currentKernel() (*orchestrator.Kernel, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.kernel == nil {
		return nil, errNotInitialized
	}
	return s.kernel, nil
}

func (s *Server) shutdownKernel() {
	s.mu.Lock()
	k := s.kernel
	s.kernel = nil
	for _, p := range s.diag {
		p.cancel()
	}
	for _, c := range s.progress {
		c()
	}
	if s.indexCancel != nil {
		s.indexCancel()
	}
	s.mu.Unlock()
	s.passes.Wait() // cancelled above; none starts once kernel is nil
	if k != nil {
		k.Close()
	}
}
