package inference

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"path"
	"path/filepath"
	"strconv"
	"strings"
)

// PullOptions configure Pull.
type PullOptions struct {
	// SHA256, when set, is the expected hex digest of the whole file.
	SHA256 string
	// Name overrides the file name taken from the URL.
	Name string
	// Progress, when set, is called as bytes arrive (total is -1 when the
	// server does not say).
	Progress func(done, total int64)
	Client   *http.Client
}

// ErrChecksum is returned when a downloaded file does not have the
// expected digest.
var ErrChecksum = errors.New("checksum mismatch")

// Pull downloads the model at rawURL into dir and returns its path. An
// interrupted download leaves NAME.part behind, and the next Pull resumes it
// with an HTTP range request. The file is renamed into place only once it
// is complete and, when opts.SHA256 is set, verified.
func Pull(ctx context.Context, rawURL, dir string, opts PullOptions) (string, error) {
	u, err := url.Parse(rawURL)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return "", fmt.Errorf("model pull: %q is not an http(s) URL", rawURL)
	}
	name := opts.Name
	if name == "" {
		name = path.Base(u.Path)
	}
	if name == "" || name == "." || name == "/" || strings.ContainsAny(name, `/\`) {
		return "", fmt.Errorf("model pull: cannot name a file after %q; pass a name", rawURL)
	}
	want := strings.ToLower(opts.SHA256)
	if want != "" {
		if b, err := hex.DecodeString(want); err != nil || len(b) != sha256.Size {
			return "", fmt.Errorf("model pull: --sha256 wants 64 hex digits, got %q", opts.SHA256)
		}
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return "", fmt.Errorf("model pull: %w", err)
	}
	final := filepath.Join(dir, name)
	if _, err := os.Stat(final); err == nil {
		if want == "" {
			return final, nil
		}
		if got, err := fileSHA256(final); err == nil && got == want {
			return final, nil
		}
		return "", fmt.Errorf("model pull: %s exists with a different checksum; remove it to download again", final)
	}
	part := final + ".part"
	client := opts.Client
	if client == nil {
		client = http.DefaultClient
	}
	f, err := os.OpenFile(part, os.O_CREATE|os.O_RDWR, 0o644)
	if err != nil {
		return "", fmt.Errorf("model pull: %w", err)
	}
	defer f.Close()
	h := sha256.New()
	have, err := io.Copy(h, f) // hash what an earlier attempt left
	if err != nil {
		return "", fmt.Errorf("model pull: reading %s: %w", part, err)
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u.String(), nil)
	if err != nil {
		return "", err
	}
	if have > 0 {
		req.Header.Set("Range", "bytes="+strconv.FormatInt(have, 10)+"-")
	}
	resp, err := client.Do(req)
	if err != nil {
		return "", fmt.Errorf("model pull: %w: %w", ErrTransport, err)
	}
	defer resp.Body.Close()
	total := int64(-1)
	switch resp.StatusCode {
	case http.StatusOK:
		if have > 0 { // the server ignored the range: start over
			if err := f.Truncate(0); err != nil {
				return "", err
			}
			if _, err := f.Seek(0, io.SeekStart); err != nil {
				return "", err
			}
			h.Reset()
			have = 0
		}
		total = resp.ContentLength
	case http.StatusPartialContent:
		if start, size, ok := parseContentRange(resp.Header.Get("Content-Range")); !ok || start != have {
			return "", fmt.Errorf("model pull: the server resumed at %q, not at byte %d", resp.Header.Get("Content-Range"), have)
		} else {
			total = size
		}
	case http.StatusRequestedRangeNotSatisfiable:
		total = have // what we have is the whole file
	default:
		return "", fmt.Errorf("model pull: %s answered %s", u.Redacted(), resp.Status)
	}
	if resp.StatusCode != http.StatusRequestedRangeNotSatisfiable {
		w := io.MultiWriter(f, h)
		buf := make([]byte, 256<<10)
		for {
			n, rerr := resp.Body.Read(buf)
			if n > 0 {
				if _, err := w.Write(buf[:n]); err != nil {
					return "", fmt.Errorf("model pull: writing %s: %w", part, err)
				}
				have += int64(n)
				if opts.Progress != nil {
					opts.Progress(have, total)
				}
			}
			if rerr == io.EOF {
				break
			}
			if rerr != nil {
				return "", fmt.Errorf("model pull: interrupted after %d bytes (run it again to resume): %w", have, rerr)
			}
		}
	}
	if total >= 0 && have != total {
		return "", fmt.Errorf("model pull: got %d of %d bytes (run it again to resume)", have, total)
	}
	if err := f.Sync(); err != nil {
		return "", err
	}
	if got := hex.EncodeToString(h.Sum(nil)); want != "" && got != want {
		f.Close()
		os.Remove(part)
		return "", fmt.Errorf("model pull: %w: %s has sha256 %s, want %s; the partial file was removed", ErrChecksum, name, got, want)
	}
	if err := f.Close(); err != nil {
		return "", err
	}
	if err := os.Rename(part, final); err != nil {
		return "", fmt.Errorf("model pull: %w", err)
	}
	return final, nil
}

// parseContentRange parses "bytes START-END/SIZE".
func parseContentRange(s string) (start, size int64, ok bool) {
	rest, ok := strings.CutPrefix(s, "bytes ")
	if !ok {
		return 0, 0, false
	}
	rng, sz, ok := strings.Cut(rest, "/")
	if !ok {
		return 0, 0, false
	}
	first, _, ok := strings.Cut(rng, "-")
	if !ok {
		return 0, 0, false
	}
	start, err1 := strconv.ParseInt(first, 10, 64)
	size, err2 := strconv.ParseInt(sz, 10, 64)
	if sz == "*" {
		size, err2 = -1, nil
	}
	return start, size, err1 == nil && err2 == nil
}

func fileSHA256(p string) (string, error) {
	f, err := os.Open(p)
	if err != nil {
		return "", err
	}
	defer f.Close()
	h := sha256.New()
	if _, err := io.Copy(h, f); err != nil {
		return "", err
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}
