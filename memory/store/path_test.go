package store

import (
	"path/filepath"
	"regexp"
	"runtime"
	"strings"
	"testing"
)

func TestPathFor(t *testing.T) {
	cache := t.TempDir()
	re := regexp.MustCompile(`^[A-Za-z0-9._-]+-[0-9a-f]{16}$`)
	tests := []struct {
		name, workspace, wantBase string
	}{
		{"plain", "/home/me/src/aios", "aios"},
		{"trailing slash and dots", "/home/me/src/./aios/", "aios"},
		{"odd characters", "/home/me/my project (2)", "my_project__2_"},
		{"root", "/", "root"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			p, err := PathFor(cache, tc.workspace)
			if err != nil {
				t.Fatal(err)
			}
			if filepath.Base(p) != FileName || filepath.Dir(filepath.Dir(p)) != cache {
				t.Fatalf("PathFor = %s, want %s/<dir>/%s", p, cache, FileName)
			}
			dir := filepath.Base(filepath.Dir(p))
			if !re.MatchString(dir) || !strings.HasPrefix(dir, tc.wantBase+"-") {
				t.Fatalf("directory %q, want %s-<16 hex>", dir, tc.wantBase)
			}
		})
	}
	a, _ := PathFor(cache, "/x/aios")
	b, _ := PathFor(cache, "/x/../x/aios/")
	c, _ := PathFor(cache, "/y/aios")
	if a != b {
		t.Errorf("clean paths differ: %s vs %s", a, b)
	}
	if a == c {
		t.Errorf("different workspaces share %s", a)
	}
	rel, err := PathFor(cache, ".")
	if err != nil {
		t.Fatal(err)
	}
	abs, _ := filepath.Abs(".")
	if want, _ := PathFor(cache, abs); rel != want {
		t.Errorf("relative workspace: %s, want %s", rel, want)
	}
}

func TestPathForInvalid(t *testing.T) {
	for _, tc := range []struct{ cache, ws string }{{"", "/x"}, {"/c", ""}, {"/c", "/x\x00y"}} {
		if _, err := PathFor(tc.cache, tc.ws); err == nil {
			t.Errorf("PathFor(%q, %q) succeeded", tc.cache, tc.ws)
		} else {
			wantErr(t, err, ErrInvalidInput)
		}
	}
}

func TestDefaultDir(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("XDG_CACHE_HOME decides the cache directory on Linux only")
	}
	t.Setenv("XDG_CACHE_HOME", "/tmp/xdg-cache-test")
	d, err := DefaultDir()
	if err != nil {
		t.Fatal(err)
	}
	if d != "/tmp/xdg-cache-test/aios/workspaces" {
		t.Fatalf("DefaultDir = %s", d)
	}
}
