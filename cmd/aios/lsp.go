package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"os"
	"strings"

	"github.com/aios-dev/aios/inference"
	"github.com/aios-dev/aios/lsp"
	"github.com/aios-dev/aios/orchestrator"
)

func runLSP(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("aios lsp", flag.ContinueOnError)
	fs.SetOutput(stderr)
	listen := fs.String("listen", "", "serve on tcp:ADDR or unix:PATH instead of stdio (for debugging)")
	if err := fs.Parse(args); err != nil {
		return usagef("%v", err)
	}
	if fs.NArg() > 0 {
		return usagef("aios lsp takes no arguments, got %q", fs.Args())
	}
	log := newLogger(stderr, slog.LevelInfo)
	if *listen == "" {
		srv, err := newLSPServer(log, func(code int) { os.Exit(code) })
		if err != nil {
			return err
		}
		err = srv.Serve(ctx, stdio{stdin, stdout})
		// The client went away without exit: the spec's status is 1.
		if err != nil {
			log.Error("lsp", "err", err)
		}
		os.Exit(1)
	}
	network, addr, ok := strings.Cut(*listen, ":")
	if !ok || (network != "tcp" && network != "unix") || addr == "" {
		return usagef("--listen wants tcp:ADDR or unix:PATH, got %q", *listen)
	}
	if network == "unix" {
		if err := os.Remove(addr); err != nil && !errors.Is(err, os.ErrNotExist) {
			return fmt.Errorf("removing stale socket: %w", err)
		}
	}
	ln, err := net.Listen(network, addr)
	if err != nil {
		return err
	}
	defer ln.Close()
	go func() { <-ctx.Done(); ln.Close() }()
	log.Info("aios lsp listening", "addr", ln.Addr().String())
	fmt.Fprintf(stderr, "aios lsp listening on %s:%s\n", network, ln.Addr())
	for {
		c, err := ln.Accept()
		if err != nil {
			if ctx.Err() != nil {
				return nil
			}
			return err
		}
		srv, err := newLSPServer(log.With("remote", c.RemoteAddr().String()), func(int) {})
		if err != nil {
			c.Close()
			return err
		}
		go func() {
			defer c.Close()
			if err := srv.Serve(ctx, c); err != nil {
				log.Warn("connection ended", "err", err)
			}
		}()
	}
}

func newLSPServer(log *slog.Logger, onExit func(int)) (*lsp.Server, error) {
	return lsp.NewServer(lsp.Options{
		Logger:  log,
		OnExit:  onExit,
		Version: version,
		Notices: inferenceNotices,
		NewKernel: func(root string, init lsp.InitOptions) (*orchestrator.Kernel, error) {
			tests := init.Tests == nil || *init.Tests
			opts := orchestrator.Options{
				Logger:    log,
				Agents:    orchestrator.GoAgents(orchestrator.GoOptions{Dir: root, Tests: tests, BuildFlags: init.BuildFlags}),
				Workspace: root,
			}
			// Models load on first use; an invalid configuration was
			// reported by inferenceNotices and leaves inference off.
			if cfg, _, err := inferenceConfig(root, init.Inference); err == nil && len(cfg.Backends) > 0 {
				meter := inference.NewMeter()
				opts.InferenceMeter = meter
				opts.Inference = inference.NewLazy(meter, func() (*inference.Engine, error) {
					return inference.Build(cfg, inference.BuildOptions{Workspace: root, Logger: log, Meter: meter})
				})
				opts.EmbedModel = embeddingModel(cfg)
				ai, err := aiOptions(cfg, init.AI)
				if err != nil {
					return nil, err
				}
				opts.AI = ai
			}
			return orchestrator.New(opts)
		},
	})
}

// stdio joins stdin and stdout into the server's connection.
type stdio struct {
	io.Reader
	io.Writer
}

// Close does not close the process's standard streams.
func (stdio) Close() error { return nil }

// inferenceNotices tells the user, once per session, which models aios will
// use, or that none is configured and how to configure one.
func inferenceNotices(root string, init lsp.InitOptions) []lsp.Notice {
	cfg, sources, err := inferenceConfig(root, init.Inference)
	if err != nil {
		return []lsp.Notice{{Warning: true, Text: "aios: the inference configuration is invalid: " + err.Error()}}
	}
	if len(cfg.Backends) == 0 {
		return []lsp.Notice{{Text: "aios: " + inference.NotConfiguredHelp}}
	}
	names := make([]string, len(cfg.Backends))
	for i, b := range cfg.Backends {
		names[i] = b.Name + " (" + b.Type + ")"
	}
	policy, _ := inference.ParsePolicy(cfg.Policy)
	return []lsp.Notice{{Text: fmt.Sprintf("aios: inference backends %s, policy %s, from %s",
		strings.Join(names, ", "), policy, strings.Join(sources, ", "))}}
}
