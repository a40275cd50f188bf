package critic

import (
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"
)

// A review builds and tests through aios's private build cache: the
// user's GOCACHE is read, so nothing is rebuilt that the user has built,
// but code under review cannot write there.
func TestReviewNeverWritesTheUserBuildCache(t *testing.T) {
	ws := calcModule(t)
	private := t.TempDir()
	c := newCritic(t, ws, func(o *Options) { o.GoCache = private })
	if c.gocache.env == nil {
		t.Skipf("no read-through cache: %s", c.BuildCacheInfo())
	}
	if !strings.Contains(c.BuildCacheInfo(), "writes only "+private) {
		t.Fatalf("build cache info %q", c.BuildCacheInfo())
	}
	shared := c.goenv.vars["GOCACHE"]
	poison := filepath.Join(shared, "aios-poison-"+strconv.FormatInt(time.Now().UnixNano(), 36))
	t.Cleanup(func() { os.Remove(poison) })
	// The patch's test tries to plant a file in the user's cache; it passes
	// either way, so that the review itself is accepted.
	test := calcTest + `
func TestPlant(t *testing.T) {
	if err := os.WriteFile(` + strconv.Quote(poison) + `, []byte("x"), 0o644); err != nil {
		t.Log("cannot write the user's build cache:", err)
	}
}
`
	test = strings.Replace(test, `import "testing"`, "import (\n\t\"os\"\n\t\"testing\"\n)", 1)
	rv := review(t, c, Task{Kind: KindTests}, Patch{[]FileChange{fchange("calc/calc_test.go", test)}})
	if !rv.Accepted {
		t.Fatalf("review:\n%s", explain(rv))
	}
	if c.SandboxMode() == SandboxBwrap {
		if _, err := os.Stat(poison); err == nil {
			t.Fatal("code under review wrote into the user's GOCACHE")
		}
	}
	entries := 0
	filepath.WalkDir(filepath.Join(private, "entries"), func(p string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() && strings.HasSuffix(p, "-a") {
			entries++
		}
		return nil
	})
	if entries == 0 {
		t.Fatal("the review stored nothing in the private cache")
	}
}

func TestBuildCacheOptions(t *testing.T) {
	g, err := readGoEnv(t.Context(), "")
	if err != nil {
		t.Skip(err)
	}
	shared := g.vars["GOCACHE"]
	for _, dir := range []string{shared, filepath.Join(shared, "sub"), filepath.Dir(shared)} {
		if _, err := newBuildCache(t.Context(), g, dir); err == nil {
			t.Errorf("GoCache %s overlapping GOCACHE %s was accepted", dir, shared)
		}
	}
	old := *g
	old.version = "go1.23.4"
	bc, err := newBuildCache(t.Context(), &old, t.TempDir())
	if err != nil || bc.env != nil || !strings.Contains(bc.info, "cold") {
		t.Fatalf("before Go 1.24: %+v, %v", bc, err)
	}
	for v, want := range map[string]bool{"go1.24.0": true, "go1.26.8": true, "go1.24rc1": true, "go1.23.9": false, "devel": false, "go2.0": false} {
		if goAtLeast(v, 24) != want {
			t.Errorf("goAtLeast(%q, 24) = %v", v, !want)
		}
	}
}
