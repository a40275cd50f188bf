package govet

import (
	"bytes"
	"crypto/sha256"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
)

// Overlay maps absolute, cleaned file paths to the content of unsaved editor
// buffers; an entry wins over the file on disk. The engine does not modify
// or retain the byte slices beyond the call they are passed to, and callers
// must not modify them during that call.
type Overlay map[string][]byte

// overlayView is a validated overlay with precomputed content hashes.
type overlayView struct {
	files Overlay
	sums  map[string][sha256.Size]byte
	byDir map[string][]string // directory -> base names of overlaid files
}

// newOverlayView validates ov and hashes its entries.
func newOverlayView(ov Overlay, maxBytes int64) (*overlayView, error) {
	v := &overlayView{
		files: ov,
		sums:  make(map[string][sha256.Size]byte, len(ov)),
		byDir: make(map[string][]string),
	}
	for name, content := range ov {
		if err := checkAbsClean(name); err != nil {
			return nil, fmt.Errorf("overlay key: %w", err)
		}
		if int64(len(content)) > maxBytes {
			return nil, fmt.Errorf("%w: overlay %s has %d bytes (limit %d)", ErrFileTooLarge, name, len(content), maxBytes)
		}
		if i := bytes.IndexByte(content, 0); i >= 0 {
			return nil, fmt.Errorf("%w: overlay %s contains a NUL byte at offset %d (binary data is not Go source)", ErrInvalidOverlay, name, i)
		}
		v.sums[name] = sha256.Sum256(content)
		dir := filepath.Dir(name)
		v.byDir[dir] = append(v.byDir[dir], filepath.Base(name))
	}
	return v, nil
}

// content returns the overlay content of name, if overlaid.
func (v *overlayView) content(name string) ([]byte, bool) {
	c, ok := v.files[name]
	return c, ok
}

// readFile reads name from the overlay or else from disk.
func (v *overlayView) readFile(name string) ([]byte, error) {
	if c, ok := v.files[name]; ok {
		return c, nil
	}
	return os.ReadFile(name)
}

// checkAbsClean reports whether name is an absolute, cleaned path.
func checkAbsClean(name string) error {
	if name == "" {
		return fmt.Errorf("%w: empty path", ErrInvalidPath)
	}
	if !filepath.IsAbs(name) {
		return fmt.Errorf("%w: %q is not absolute", ErrInvalidPath, name)
	}
	if filepath.Clean(name) != name {
		return fmt.Errorf("%w: %q is not clean (want %q)", ErrInvalidPath, name, filepath.Clean(name))
	}
	return nil
}

// checkRequestedFile validates a file passed to AnalyzeFiles.
func checkRequestedFile(name string, ov *overlayView, maxBytes int64) error {
	if err := checkAbsClean(name); err != nil {
		return err
	}
	if !strings.HasSuffix(name, ".go") {
		return fmt.Errorf("%w: %s is not a .go file", ErrInvalidPath, name)
	}
	if _, ok := ov.content(name); ok {
		return nil // size and content already checked
	}
	fi, err := os.Stat(name)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return fmt.Errorf("%w: %s", ErrFileNotFound, name)
	case err != nil:
		return fmt.Errorf("%w: %w", ErrFileNotFound, err)
	case fi.IsDir():
		return fmt.Errorf("%w: %s is a directory", ErrInvalidPath, name)
	case fi.Size() > maxBytes:
		return fmt.Errorf("%w: %s has %d bytes (limit %d)", ErrFileTooLarge, name, fi.Size(), maxBytes)
	}
	return nil
}
