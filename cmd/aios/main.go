// Command aios is the AI-native language server and IDE backend.
//
//	aios lsp [--listen tcp:ADDR|unix:PATH]   serve LSP on stdio (or a socket, for debugging)
//	aios lint [-C DIR] [-tests=false] [packages]   run the analysis agents and print findings
//	aios model pull URL [--sha256 HEX] [--dir DIR]   download a model
//	aios version
//
// Environment: AIOS_LOG_LEVEL (debug, info, warn, error) sets the level of
// the logs written to stderr.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"strings"
	"syscall"
)

// version is set with -ldflags "-X main.version=...".
var version = "dev"

// Exit statuses.
const (
	exitOK       = 0
	exitFindings = 1
	exitUsage    = 2
)

// usageError marks errors that exit with status 2.
type usageError struct{ msg string }

func (e usageError) Error() string { return e.msg }

func usagef(format string, args ...any) error { return usageError{fmt.Sprintf(format, args...)} }

const usage = `aios: an AI-native language server and IDE backend

Usage:
  aios lsp [--listen tcp:ADDR|unix:PATH]  serve the Language Server Protocol (stdio by default)
  aios lint [-C DIR] [-tests=false] [packages]
                                          analyse Go packages (default ./...) and print findings
  aios infer (--model FILE.gguf | --backend NAME) --prompt TEXT [-n N] [--threads N] [--json]
                                          run one completion and print its figures
  aios doctor                             report libraries, configuration and backend health
  aios index [-C DIR] [--stats] [--json]  build or update the workspace index and memory
  aios search QUERY [-k 5] [--file F] [--json]
                                          retrieve the chunks most relevant to QUERY
  aios run "INSTRUCTION" [--file F] [--dry-run | --apply [--commit]] [--json]
                                          an AI edit, checked by the critic: prints the patch,
                                          the scores and the decision (exit 1: vetoed)
  aios undo [-C DIR]                      revert the last AI commit (HEAD, unpushed, clean tree)
  aios model pull URL [--sha256 HEX] [--dir DIR]
                                          download a GGUF model (resumable, verified)
  aios version                            print the version

Environment:
  AIOS_LOG_LEVEL        debug, info, warn or error (logs go to stderr)
  AIOS_MODEL            a GGUF file: the in-process llama.cpp core with that model
  AIOS_OPENAI_BASE_URL, AIOS_OPENAI_MODEL, AIOS_OPENAI_API_KEY
                        an OpenAI-compatible server (also llama.cpp's server, vLLM, LM Studio)
  AIOS_POLICY           routing policy: local-first, latency, quality or cost
  AIOS_LLAMA_LIB        directory of the llama.cpp shared libraries
  AIOS_MODEL_DIR        where models are pulled to and looked up
`

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, os.Args[1:], os.Stdin, os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

// run executes one aios command and returns its exit status.
func run(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return exitUsage
	}
	var err error
	code := exitOK
	switch args[0] {
	case "lsp":
		err = runLSP(ctx, args[1:], stdin, stdout, stderr)
	case "lint":
		code, err = runLint(ctx, args[1:], stdout, stderr)
	case "model":
		err = runModel(ctx, args[1:], stdout, stderr)
	case "infer":
		err = runInfer(ctx, args[1:], stdout, stderr)
	case "doctor":
		code, err = runDoctor(ctx, args[1:], stdout, stderr)
	case "index":
		err = runIndex(ctx, args[1:], stdout, stderr)
	case "search":
		err = runSearch(ctx, args[1:], stdout, stderr)
	case "run":
		code, err = runAI(ctx, args[1:], stdin, stdout, stderr)
	case "undo":
		err = runUndo(ctx, args[1:], stdout, stderr)
	case "version", "--version", "-version":
		fmt.Fprintln(stdout, "aios", version)
	case "help", "-h", "--help", "-help":
		fmt.Fprint(stdout, usage)
	default:
		err = usagef("unknown command %q", args[0])
	}
	if err != nil {
		fmt.Fprintln(stderr, "aios:", err)
		var ue usageError
		if errors.As(err, &ue) {
			fmt.Fprint(stderr, "\n"+usage)
			return exitUsage
		}
		if code == exitOK {
			code = exitUsage
		}
	}
	return code
}

// newLogger returns the stderr logger at the level AIOS_LOG_LEVEL names.
func newLogger(stderr io.Writer, def slog.Level) *slog.Logger {
	level := def
	switch strings.ToLower(os.Getenv("AIOS_LOG_LEVEL")) {
	case "debug":
		level = slog.LevelDebug
	case "info":
		level = slog.LevelInfo
	case "warn", "warning":
		level = slog.LevelWarn
	case "error":
		level = slog.LevelError
	}
	return slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: level}))
}
