package store

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

// FileName is the name of the store file inside a workspace's directory.
const FileName = "aios.db"

// DefaultDir returns the directory that holds one sub-directory per workspace:
// os.UserCacheDir()/aios/workspaces.
func DefaultDir() (string, error) {
	dir, err := os.UserCacheDir()
	if err != nil {
		return "", fmt.Errorf("store: no user cache directory (set XDG_CACHE_HOME or HOME): %w", err)
	}
	return filepath.Join(dir, "aios", "workspaces"), nil
}

// PathFor returns the store file of workspace under cacheDir:
// cacheDir/<basename>-<first 16 hex digits of sha256(absolute clean workspace path)>/aios.db.
// The base name keeps the directory recognisable; characters other than
// letters, digits, '.', '_' and '-' become '_'. Symbolic links are not
// resolved: the same folder reached through two paths gets two stores.
func PathFor(cacheDir, workspace string) (string, error) {
	if cacheDir == "" {
		return "", fmt.Errorf("store: %w: empty cache directory", ErrInvalidInput)
	}
	if workspace == "" {
		return "", fmt.Errorf("store: %w: empty workspace path", ErrInvalidInput)
	}
	if strings.ContainsRune(workspace, 0) || strings.ContainsRune(cacheDir, 0) {
		return "", fmt.Errorf("store: %w: path contains a NUL byte", ErrInvalidInput)
	}
	abs, err := filepath.Abs(workspace)
	if err != nil {
		return "", fmt.Errorf("store: workspace path %q: %w", workspace, err)
	}
	abs = filepath.Clean(abs)
	sum := sha256.Sum256([]byte(abs))
	dir := sanitizeBase(filepath.Base(abs)) + "-" + hex.EncodeToString(sum[:8])
	return filepath.Join(cacheDir, dir, FileName), nil
}

// sanitizeBase makes a workspace base name safe as a directory name.
func sanitizeBase(base string) string {
	const maxLen = 64
	if base == string(filepath.Separator) || base == "." || filepath.VolumeName(base) == base {
		return "root"
	}
	var b strings.Builder
	for _, r := range base {
		if b.Len() >= maxLen {
			break
		}
		switch {
		case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z', r >= '0' && r <= '9', r == '.', r == '_', r == '-':
			b.WriteRune(r)
		default:
			b.WriteByte('_')
		}
	}
	s := strings.Trim(b.String(), ".")
	if s == "" {
		return "root"
	}
	return s
}
