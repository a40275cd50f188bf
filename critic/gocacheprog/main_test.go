package main

import (
	"bufio"
	"crypto/sha256"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// session speaks the go command's side of the protocol to serve.
type session struct {
	t    *testing.T
	in   *io.PipeWriter
	out  *json.Decoder
	done chan error
	id   int64
}

func start(t *testing.T, private, shared string) *session {
	inR, inW := io.Pipe()
	outR, outW := io.Pipe()
	s := &session{t: t, in: inW, out: json.NewDecoder(bufio.NewReader(outR)), done: make(chan error, 1)}
	go func() {
		err := serve(inR, outW, private, shared)
		outW.Close()
		s.done <- err
	}()
	var hello response
	if err := s.out.Decode(&hello); err != nil || strings.Join(hello.KnownCommands, ",") != "get,put,close" {
		t.Fatalf("hello %+v, %v", hello, err)
	}
	return s
}

func (s *session) ask(req request, body []byte) response {
	s.t.Helper()
	s.id++
	req.ID = s.id
	line, _ := json.Marshal(req)
	fmt.Fprintf(s.in, "%s\n", line)
	if len(body) > 0 {
		b, _ := json.Marshal(body)
		fmt.Fprintf(s.in, "%s\n", b)
	}
	var res response
	if err := s.out.Decode(&res); err != nil {
		s.t.Fatal(err)
	}
	if res.ID != req.ID {
		s.t.Fatalf("answer to %d has ID %d", req.ID, res.ID)
	}
	return res
}

func id(s string) []byte { h := sha256.Sum256([]byte(s)); return h[:] }

// The user's cache is read and never written; what the sandbox builds
// goes to the private cache, where later sessions find it.
func TestLayers(t *testing.T) {
	private, shared := t.TempDir(), t.TempDir()
	// An entry in the shared cache, in the go command's own format.
	sharedBody := []byte("compiled elsewhere")
	out := sha256.Sum256(sharedBody)
	if err := writeAtomic(fileName(shared, out[:], "d"), sharedBody); err != nil {
		t.Fatal(err)
	}
	entry := fmt.Sprintf("v1 %x %x %20d %20d\n", id("shared action"), out[:], len(sharedBody), 1700000000000000000)
	if err := writeAtomic(fileName(shared, id("shared action"), "a"), []byte(entry)); err != nil {
		t.Fatal(err)
	}
	sharedBefore := listFiles(t, shared)

	s := start(t, private, shared)
	if res := s.ask(request{Command: "get", ActionID: id("shared action")}, nil); res.Miss || res.DiskPath != fileName(shared, out[:], "d") || res.Size != int64(len(sharedBody)) || string(res.OutputID) != string(out[:]) {
		t.Fatalf("shared hit: %+v", res)
	}
	if res := s.ask(request{Command: "get", ActionID: id("new action")}, nil); !res.Miss {
		t.Fatalf("miss: %+v", res)
	}
	body := []byte("compiled in the sandbox")
	bodyID := sha256.Sum256(body)
	res := s.ask(request{Command: "put", ActionID: id("new action"), OutputID: bodyID[:], BodySize: int64(len(body))}, body)
	if res.Err != "" || !strings.HasPrefix(res.DiskPath, private) {
		t.Fatalf("put: %+v", res)
	}
	if data, _ := os.ReadFile(res.DiskPath); string(data) != string(body) {
		t.Fatalf("stored body %q", data)
	}
	if res := s.ask(request{Command: "get", ActionID: id("new action")}, nil); res.Miss || res.DiskPath != fileName(private, bodyID[:], "d") {
		t.Fatalf("private hit: %+v", res)
	}
	// An empty output.
	empty := sha256.Sum256(nil)
	if res := s.ask(request{Command: "put", ActionID: id("empty"), OutputID: empty[:]}, nil); res.Err != "" {
		t.Fatalf("empty put: %+v", res)
	}
	if res := s.ask(request{Command: "get", ActionID: id("empty")}, nil); res.Miss || res.Size != 0 {
		t.Fatalf("empty get: %+v", res)
	}
	// Bad requests are answered with errors, not crashes.
	if res := s.ask(request{Command: "get", ActionID: []byte("short")}, nil); res.Err == "" {
		t.Fatalf("short id: %+v", res)
	}
	if res := s.ask(request{Command: "teleport"}, nil); res.Err == "" {
		t.Fatalf("unknown command: %+v", res)
	}
	s.ask(request{Command: "close"}, nil)
	if err := <-s.done; err != nil {
		t.Fatal(err)
	}
	if after := listFiles(t, shared); strings.Join(after, ",") != strings.Join(sharedBefore, ",") {
		t.Fatalf("the shared cache changed: %v → %v", sharedBefore, after)
	}

	// A damaged private entry is a miss, not an error; the shared one
	// behind it still answers.
	if err := writeAtomic(fileName(private, id("shared action"), "a"), []byte("v1 garbage\n")); err != nil {
		t.Fatal(err)
	}
	s = start(t, private, shared)
	if res := s.ask(request{Command: "get", ActionID: id("shared action")}, nil); res.Miss || !strings.HasPrefix(res.DiskPath, shared) {
		t.Fatalf("behind a damaged private entry: %+v", res)
	}
	s.in.Close() // EOF ends the session too
	if err := <-s.done; err != nil {
		t.Fatal(err)
	}
}

func listFiles(t *testing.T, dir string) []string {
	var out []string
	filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			fi, _ := d.Info()
			out = append(out, fmt.Sprintf("%s:%d:%d", p, fi.Size(), fi.ModTime().UnixNano()))
		}
		return nil
	})
	return out
}
