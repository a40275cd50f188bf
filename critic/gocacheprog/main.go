// Command gocacheprog is the Critic's build cache for the sandbox: a
// GOCACHEPROG program (the protocol of cmd/go/internal/cacheprog) that
// reads through two directories in the go command's own cache layout and
// writes to only one of them.
//
//   - AIOS_GOCACHE_SHARED, the user's GOCACHE: read, never written, so
//     that reviews start warm and code under review cannot change what the
//     user's own builds will find there;
//   - AIOS_GOCACHE_PRIVATE: read first and written, kept between reviews.
//
// It has no dependencies beyond the standard library: the Critic builds it
// from this one file with the user's go command (see critic/cacheprog.go).
package main

import (
	"bufio"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"
)

type request struct {
	ID       int64
	Command  string
	ActionID []byte `json:",omitempty"`
	OutputID []byte `json:",omitempty"`
	BodySize int64  `json:",omitempty"`
}

type response struct {
	ID            int64
	Err           string     `json:",omitempty"`
	KnownCommands []string   `json:",omitempty"`
	Miss          bool       `json:",omitempty"`
	OutputID      []byte     `json:",omitempty"`
	Size          int64      `json:",omitempty"`
	Time          *time.Time `json:",omitempty"`
	DiskPath      string     `json:",omitempty"`
}

const (
	hashSize  = 32
	hexSize   = 2 * hashSize
	entrySize = 2 + 1 + hexSize + 1 + hexSize + 1 + 20 + 1 + 20 + 1
)

func main() {
	private, shared := os.Getenv("AIOS_GOCACHE_PRIVATE"), os.Getenv("AIOS_GOCACHE_SHARED")
	if !filepath.IsAbs(private) {
		fmt.Fprintln(os.Stderr, "gocacheprog: AIOS_GOCACHE_PRIVATE must be an absolute directory")
		os.Exit(2)
	}
	if shared != "" && !filepath.IsAbs(shared) {
		shared = ""
	}
	if err := serve(os.Stdin, os.Stdout, private, shared); err != nil {
		fmt.Fprintln(os.Stderr, "gocacheprog:", err)
		os.Exit(1)
	}
}

func serve(in io.Reader, out io.Writer, private, shared string) error {
	dec := json.NewDecoder(bufio.NewReaderSize(in, 1<<20))
	w := bufio.NewWriter(out)
	enc := json.NewEncoder(w)
	reply := func(r *response) error {
		if err := enc.Encode(r); err != nil {
			return err
		}
		return w.Flush()
	}
	if err := reply(&response{KnownCommands: []string{"get", "put", "close"}}); err != nil {
		return err
	}
	for {
		var req request
		if err := dec.Decode(&req); err != nil {
			if errors.Is(err, io.EOF) {
				return nil
			}
			return fmt.Errorf("reading a request: %w", err)
		}
		var body []byte
		if req.Command == "put" && req.BodySize > 0 {
			if err := dec.Decode(&body); err != nil {
				return fmt.Errorf("reading the body of request %d: %w", req.ID, err)
			}
		}
		res := &response{ID: req.ID}
		switch req.Command {
		case "get":
			if len(req.ActionID) != hashSize {
				res.Err = "bad ActionID"
				break
			}
			if !lookup(private, req.ActionID, res) && (shared == "" || !lookup(shared, req.ActionID, res)) {
				res.Miss = true
			}
		case "put":
			if err := put(private, &req, body, res); err != nil {
				res.Err = err.Error()
			}
		case "close":
			return reply(res)
		default:
			res.Err = "unknown command " + strconv.Quote(req.Command)
		}
		if err := reply(res); err != nil {
			return err
		}
	}
}

func fileName(dir string, id []byte, key string) string {
	return filepath.Join(dir, fmt.Sprintf("%02x", id[0]), fmt.Sprintf("%x-%s", id, key))
}

// lookup fills res from the entry for action in dir, as the go command's
// own disk cache reads it; false when there is none or it is unusable.
func lookup(dir string, action []byte, res *response) bool {
	entry, err := os.ReadFile(fileName(dir, action, "a"))
	if err != nil || len(entry) != entrySize || string(entry[:3]) != "v1 " || entry[entrySize-1] != '\n' {
		return false
	}
	f := strings.Fields(string(entry[3:]))
	if len(f) != 4 || f[0] != hex.EncodeToString(action) {
		return false
	}
	outID, err := hex.DecodeString(f[1])
	size, err2 := strconv.ParseInt(f[2], 10, 64)
	nanos, err3 := strconv.ParseInt(f[3], 10, 64)
	if err != nil || err2 != nil || err3 != nil || len(outID) != hashSize || size < 0 {
		return false
	}
	path := fileName(dir, outID, "d")
	if fi, err := os.Stat(path); err != nil || fi.Size() != size {
		return false
	}
	t := time.Unix(0, nanos)
	res.OutputID, res.Size, res.Time, res.DiskPath = outID, size, &t, path
	return true
}

// put stores body under its output ID and the entry for the action in dir.
func put(dir string, req *request, body []byte, res *response) error {
	if len(req.ActionID) != hashSize || len(req.OutputID) != hashSize || int64(len(body)) != req.BodySize {
		return errors.New("bad put request")
	}
	path := fileName(dir, req.OutputID, "d")
	if fi, err := os.Stat(path); err != nil || fi.Size() != int64(len(body)) {
		if err := writeAtomic(path, body); err != nil {
			return err
		}
	}
	entry := fmt.Sprintf("v1 %x %x %20d %20d\n", req.ActionID, req.OutputID, len(body), time.Now().UnixNano())
	if err := writeAtomic(fileName(dir, req.ActionID, "a"), []byte(entry)); err != nil {
		return err
	}
	res.DiskPath = path
	return nil
}

func writeAtomic(path string, data []byte) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return err
	}
	f, err := os.CreateTemp(filepath.Dir(path), ".tmp-*")
	if err != nil {
		return err
	}
	_, err = f.Write(data)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(f.Name(), path)
	}
	if err != nil {
		os.Remove(f.Name())
	}
	return err
}
