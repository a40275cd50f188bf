package inference_test

import (
	"context"
	"errors"
	"net"
	"net/http"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aios-dev/aios/inference"
)

// errorProviders are the backends the failure cases run against, each
// with a key so that redaction is exercised (Ollama's as a proxy's).
var errorProviders = []remoteProvider{
	openaiProvider,
	func() remoteProvider { p := ollamaProvider; p.key = "ollama-proxy-secret-9"; return p }(),
	anthropicProvider,
}

func TestRemoteFailures(t *testing.T) {
	fast := func(o *inference.RemoteOptions) { o.Timeout = 250 * time.Millisecond }
	cases := []struct {
		name  string
		tweak func(*inference.RemoteOptions)
		run   func(t *testing.T, e *remoteEnv)
	}{
		{name: "429 with Retry-After seconds, then success", run: func(t *testing.T, e *remoteEnv) {
			e.f.fail(fakeFault{kind: "ratelimit", http: true, header: http.Header{"Retry-After": {"7"}}})
			res := mustGenerate(t, e, storyRequest())
			if res.Text == "" || len(e.f.genRequests()) != 2 {
				t.Fatalf("text %q after %d requests", res.Text, len(e.f.genRequests()))
			}
			wantWaits(t, e, 7*time.Second)
		}},
		{name: "429 with Retry-After date", run: func(t *testing.T, e *remoteEnv) {
			at := time.Now().Add(30 * time.Second).UTC().Format(http.TimeFormat)
			e.f.fail(fakeFault{kind: "ratelimit", http: true, header: http.Header{"Retry-After": {at}}})
			mustGenerate(t, e, storyRequest())
			if w := e.clock.Waits(); len(w) != 1 || w[0] < 28*time.Second || w[0] > 30*time.Second {
				t.Fatalf("waits %v, want one of about 30s", w)
			}
		}},
		{name: "Retry-After beyond a minute fails at once", run: func(t *testing.T, e *remoteEnv) {
			e.f.fail(fakeFault{kind: "ratelimit", http: true, header: http.Header{"Retry-After": {"3600"}}})
			err := generateErr(t, e, storyRequest(), inference.ErrBusy)
			if len(e.f.genRequests()) != 1 || len(e.clock.Waits()) != 0 || !strings.Contains(err.Error(), "1h0m0s") {
				t.Fatalf("%d requests, waits %v, err %v", len(e.f.genRequests()), e.clock.Waits(), err)
			}
		}},
		{name: "500, then success", run: func(t *testing.T, e *remoteEnv) {
			e.f.fail(fakeFault{kind: "server", http: true})
			mustGenerate(t, e, storyRequest())
			wantWaits(t, e, time.Second) // Backoff(1)
			if !e.b.IsAvailable() {
				t.Fatal("unavailable after a success")
			}
		}},
		{name: "overloaded, then success", run: func(t *testing.T, e *remoteEnv) {
			e.f.fail(fakeFault{kind: "overloaded", http: true}, fakeFault{kind: "overloaded", http: true})
			mustGenerate(t, e, storyRequest())
			wantWaits(t, e, time.Second, 2*time.Second)
		}},
		{name: "500 forever", run: func(t *testing.T, e *remoteEnv) {
			e.f.failAlways(fakeFault{kind: "server", http: true})
			err := generateErr(t, e, storyRequest(), inference.ErrTransport)
			if n := len(e.f.genRequests()); n != 4 || !strings.Contains(err.Error(), "gave up after 4 attempts") {
				t.Fatalf("%d requests, err %v", n, err)
			}
			wantWaits(t, e, time.Second, 2*time.Second, 3*time.Second)
			if e.b.IsAvailable() {
				t.Fatal("available after the server failed for good")
			}
		}},
		{name: "MaxRetries bounds the attempts", tweak: func(o *inference.RemoteOptions) { o.MaxRetries = 1 }, run: func(t *testing.T, e *remoteEnv) {
			e.f.failAlways(fakeFault{kind: "server", http: true})
			generateErr(t, e, storyRequest(), inference.ErrTransport)
			if n := len(e.f.genRequests()); n != 2 {
				t.Fatalf("%d requests, want 2", n)
			}
		}},
		{name: "401", tweak: func(o *inference.RemoteOptions) {
			o.Getenv = func(string) string { return wrongKey }
		}, run: func(t *testing.T, e *remoteEnv) {
			err := generateErr(t, e, storyRequest(), inference.ErrUnauthorized)
			if strings.Contains(err.Error(), wrongKey) || !strings.Contains(err.Error(), "[REDACTED]") {
				t.Fatalf("key not redacted: %v", err)
			}
			if len(e.f.genRequests()) != 1 {
				t.Fatal("401 was retried")
			}
		}},
		{name: "model not found", tweak: func(o *inference.RemoteOptions) { o.Model = "no-such-model" }, run: func(t *testing.T, e *remoteEnv) {
			generateErr(t, e, storyRequest(), inference.ErrModelUnavailable)
			if len(e.f.genRequests()) != 1 {
				t.Fatal("404 was retried")
			}
		}},
		{name: "connection refused", tweak: func(o *inference.RemoteOptions) { o.BaseURL = closedURL(t) }, run: func(t *testing.T, e *remoteEnv) {
			if !e.b.IsAvailable() {
				t.Fatal("unavailable before any call")
			}
			generateErr(t, e, storyRequest(), inference.ErrTransport)
			if len(e.clock.Waits()) != 3 {
				t.Fatalf("waits %v: connection errors are retried", e.clock.Waits())
			}
			if e.b.IsAvailable() {
				t.Fatal("available after the connection was refused")
			}
			if err := e.b.HealthCheck(context.Background()); !errors.Is(err, inference.ErrTransport) {
				t.Fatalf("HealthCheck: %v", err)
			}
		}},
		{name: "malformed line mid-stream", run: func(t *testing.T, e *remoteEnv) {
			e.f.fail(fakeFault{kind: "malformed", after: 2})
			var c collector
			_, err := e.b.Generate(context.Background(), storyRequest(), c.emit)
			wantErr(t, err, inference.ErrMalformed)
			if len(c.chunks) != 2 || !strings.Contains(err.Error(), "oo") || len(e.f.genRequests()) != 1 {
				t.Fatalf("%d chunks, %d requests, err %v", len(c.chunks), len(e.f.genRequests()), err)
			}
		}},
		{name: "malformed line before any text", run: func(t *testing.T, e *remoteEnv) {
			e.f.fail(fakeFault{kind: "malformed", after: 0})
			generateErr(t, e, storyRequest(), inference.ErrMalformed)
			if len(e.f.genRequests()) != 1 {
				t.Fatal("a malformed stream was retried")
			}
		}},
		{name: "stream cut before its terminator", run: func(t *testing.T, e *remoteEnv) {
			e.f.fail(fakeFault{kind: "cut", after: 3})
			var c collector
			_, err := e.b.Generate(context.Background(), storyRequest(), c.emit)
			wantErr(t, err, inference.ErrMalformed)
			if !strings.Contains(err.Error(), "ended before") || len(c.chunks) != 3 {
				t.Fatalf("%d chunks, err %v", len(c.chunks), err)
			}
		}},
		{name: "error object mid-stream", run: func(t *testing.T, e *remoteEnv) {
			e.f.fail(fakeFault{kind: "error:server", after: 2})
			var c collector
			_, err := e.b.Generate(context.Background(), storyRequest(), c.emit)
			wantErr(t, err, inference.ErrMalformed)
			if !strings.Contains(err.Error(), "error in stream") || len(c.chunks) != 2 || len(e.f.genRequests()) != 1 {
				t.Fatalf("%d chunks, %d requests (no retry after text), err %v", len(c.chunks), len(e.f.genRequests()), err)
			}
		}},
		{name: "error object before any text", run: func(t *testing.T, e *remoteEnv) {
			kind := "error:server"
			if e.p.name == "anthropic" {
				kind = "error:overloaded"
			}
			e.f.fail(fakeFault{kind: kind, after: 0})
			if !e.p.streamErrRetried { // Ollama's error lines say nothing of their cause
				generateErr(t, e, storyRequest(), inference.ErrMalformed)
				return
			}
			mustGenerate(t, e, storyRequest())
			if len(e.f.genRequests()) != 2 {
				t.Fatalf("%d requests, want a retry", len(e.f.genRequests()))
			}
		}},
		{name: "server stalls before answering", tweak: fast, run: func(t *testing.T, e *remoteEnv) {
			e.f.fail(fakeFault{kind: "stall", http: true})
			start := time.Now()
			generateErr(t, e, storyRequest(), inference.ErrTimeout)
			if el := time.Since(start); el > 3*time.Second || len(e.f.genRequests()) != 1 {
				t.Fatalf("took %v, %d requests", el, len(e.f.genRequests()))
			}
		}},
		{name: "server stalls mid-stream", tweak: fast, run: func(t *testing.T, e *remoteEnv) {
			e.f.fail(fakeFault{kind: "stall", after: 2})
			var c collector
			_, err := e.b.Generate(context.Background(), storyRequest(), c.emit)
			wantErr(t, err, inference.ErrTimeout)
			if len(c.chunks) > 2 {
				t.Fatalf("%d chunks, the server sent 2", len(c.chunks))
			}
		}},
		{name: "context deadline", run: func(t *testing.T, e *remoteEnv) {
			e.f.fail(fakeFault{kind: "stall", after: 1})
			ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
			defer cancel()
			_, err := e.b.Generate(ctx, storyRequest(), func(inference.Chunk) error { return nil })
			if !errors.Is(err, context.DeadlineExceeded) || !errors.Is(err, inference.ErrTimeout) {
				t.Fatalf("err %v", err)
			}
		}},
		{name: "cancellation mid-stream", run: func(t *testing.T, e *remoteEnv) {
			e.f.fail(fakeFault{kind: "stall", after: 2})
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			c := collector{onText: func(n int) error {
				if n == 2 {
					cancel()
				}
				return nil
			}}
			start := time.Now()
			_, err := e.b.Generate(ctx, storyRequest(), c.emit)
			if !errors.Is(err, context.Canceled) || errors.Is(err, inference.ErrTimeout) {
				t.Fatalf("err %v, want context.Canceled", err)
			}
			if el := time.Since(start); el > 3*time.Second || len(c.chunks) != 2 {
				t.Fatalf("took %v, %d chunks", el, len(c.chunks))
			}
		}},
		{name: "stop sequence split across chunks", run: func(t *testing.T, e *remoteEnv) {
			e.f.setIgnoreStop(true) // the server overshoots; the client must cut
			req := storyRequest()
			toks := fakeTokens(req.Prompt, 8)
			stop := toks[2][len(toks[2])-2:] + toks[3][:3]
			full := strings.Join(toks, "")
			want, _, _ := strings.Cut(full, stop)
			req.Stop = []string{"never-appears", stop}
			var c collector
			res, err := e.b.Generate(context.Background(), req, c.emit)
			if err != nil {
				t.Fatal(err)
			}
			if res.Text != want || c.text() != want || res.FinishReason != inference.FinishStop {
				t.Fatalf("stop %q: text %q, streamed %q (%s), want %q", stop, res.Text, c.text(), res.FinishReason, want)
			}
			if len(c.chunks) < 2 {
				t.Fatalf("chunks %q", c.chunks)
			}
			if res.OutputTokens <= 0 || res.OutputTokens > req.MaxTokens {
				t.Fatalf("output tokens %d", res.OutputTokens)
			}
		}},
	}
	for _, p := range errorProviders {
		for _, tc := range cases {
			t.Run(p.name+"/"+tc.name, func(t *testing.T) {
				e := newRemoteEnv(t, p, p.key, tc.tweak)
				tc.run(t, e)
				if logs := e.logs.String(); strings.Contains(logs, e.key) || strings.Contains(logs, wrongKey) {
					t.Fatalf("the key is in the logs:\n%s", logs)
				}
			})
		}
	}
}

// wrongKey is a key the fake servers refuse (and echo, as some do).
const wrongKey = "sk-wrong-4242-secret"

func mustGenerate(t *testing.T, e *remoteEnv, req *inference.Request) *inference.Result {
	t.Helper()
	var c collector
	res, err := e.b.Generate(context.Background(), req, c.emit)
	if err != nil {
		t.Fatal(err)
	}
	if c.text() != res.Text {
		t.Fatalf("streamed %q, result %q", c.text(), res.Text)
	}
	return res
}

func generateErr(t *testing.T, e *remoteEnv, req *inference.Request, want error) error {
	t.Helper()
	_, err := e.b.Generate(context.Background(), req, func(inference.Chunk) error { return nil })
	wantErr(t, err, want)
	return err
}

func wantErr(t *testing.T, err, want error) {
	t.Helper()
	if !errors.Is(err, want) {
		t.Fatalf("err %v, want %v", err, want)
	}
	if !strings.HasPrefix(err.Error(), "openai:") && !strings.HasPrefix(err.Error(), "ollama:") &&
		!strings.HasPrefix(err.Error(), "anthropic:") {
		t.Fatalf("error %q does not name the backend", err)
	}
}

func wantWaits(t *testing.T, e *remoteEnv, want ...time.Duration) {
	t.Helper()
	if got := e.clock.Waits(); !slices.Equal(got, want) {
		t.Fatalf("waits %v, want %v", got, want)
	}
}

// closedURL is the URL of a port nothing listens on.
func closedURL(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	return "http://" + addr
}

// flakyTransport fails every request while down is set.
type flakyTransport struct {
	down atomic.Bool
}

func (f *flakyTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	if f.down.Load() {
		return nil, &net.OpError{Op: "dial", Net: "tcp", Err: errors.New("connect: connection refused")}
	}
	return http.DefaultTransport.RoundTrip(r)
}

func TestRemoteAvailabilityRecovers(t *testing.T) {
	for _, p := range errorProviders {
		t.Run(p.name, func(t *testing.T) {
			ft := &flakyTransport{}
			e := newRemoteEnv(t, p, p.key, func(o *inference.RemoteOptions) {
				o.HTTPClient = &http.Client{Transport: ft}
				o.MaxRetries = -1
			})
			ft.down.Store(true)
			generateErr(t, e, storyRequest(), inference.ErrTransport)
			if e.b.IsAvailable() || len(e.clock.Waits()) != 0 {
				t.Fatalf("available %v, waits %v (MaxRetries < 0: no retries)", e.b.IsAvailable(), e.clock.Waits())
			}
			ft.down.Store(false)
			if err := e.b.HealthCheck(context.Background()); err != nil || !e.b.IsAvailable() {
				t.Fatalf("HealthCheck %v, available %v", err, e.b.IsAvailable())
			}
			ft.down.Store(true)
			if err := e.b.HealthCheck(context.Background()); !errors.Is(err, inference.ErrTransport) || e.b.IsAvailable() {
				t.Fatalf("HealthCheck %v, available %v", err, e.b.IsAvailable())
			}
			ft.down.Store(false)
			mustGenerate(t, e, storyRequest())
			if !e.b.IsAvailable() {
				t.Fatal("unavailable after a generation succeeded")
			}
		})
	}
}
