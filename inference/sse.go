package inference

import (
	"bufio"
	"bytes"
	"errors"
	"io"
	"strings"
)

// remoteMaxLine bounds one line of a stream.
const remoteMaxLine = 4 << 20

func newRemoteScanner(r io.Reader) *bufio.Scanner {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 64<<10), remoteMaxLine)
	return sc
}

// remoteScanErr turns the end of a scanner into io.EOF, an over-long line into
// ErrMalformed, and passes read errors on.
func remoteScanErr(sc *bufio.Scanner) error {
	switch err := sc.Err(); {
	case err == nil:
		return io.EOF
	case errors.Is(err, bufio.ErrTooLong):
		return remoteMalformed("stream line longer than 4 MiB", "")
	default:
		return err
	}
}

// sseEvent is one server-sent event.
type sseEvent struct {
	name string // the event: field; "error" for llama.cpp's error: lines
	data string // the data: lines, joined by newlines
}

// sseReader reads text/event-stream framing: field lines, events ended by
// a blank line, comments starting with ':'. It is stricter than the
// specification, which ignores unknown fields: a line that is no field the
// servers send is reported as ErrMalformed.
type sseReader struct {
	sc *bufio.Scanner
}

func newSSEReader(r io.Reader) *sseReader { return &sseReader{sc: newRemoteScanner(r)} }

// next returns the next event, or io.EOF at the end of the stream. An event
// cut off by the end of the stream (no blank line after it) is returned.
func (r *sseReader) next() (sseEvent, error) {
	var (
		ev   sseEvent
		data []string
	)
	for r.sc.Scan() {
		line := r.sc.Text()
		if line == "" {
			if data != nil {
				ev.data = strings.Join(data, "\n")
				return ev, nil
			}
			ev = sseEvent{}
			continue
		}
		if line[0] == ':' {
			continue // comment, e.g. a keep-alive
		}
		field, value, _ := strings.Cut(line, ":")
		value = strings.TrimPrefix(value, " ")
		switch field {
		case "event":
			ev.name = value
		case "data":
			data = append(data, value)
		case "error": // llama.cpp's server reports errors as "error: {...}"
			ev.name = "error"
			data = append(data, value)
		case "id", "retry":
		default:
			return sseEvent{}, remoteMalformed("unexpected line in event stream", line)
		}
	}
	if data != nil {
		ev.data = strings.Join(data, "\n")
		return ev, nil
	}
	return sseEvent{}, remoteScanErr(r.sc)
}

// ndjsonReader reads newline-delimited JSON, skipping blank lines.
type ndjsonReader struct {
	sc *bufio.Scanner
}

func newNDJSONReader(r io.Reader) *ndjsonReader { return &ndjsonReader{sc: newRemoteScanner(r)} }

// next returns the next line (valid until the following call), or io.EOF.
func (r *ndjsonReader) next() ([]byte, error) {
	for r.sc.Scan() {
		if line := bytes.TrimSpace(r.sc.Bytes()); len(line) > 0 {
			return line, nil
		}
	}
	return nil, remoteScanErr(r.sc)
}
