package repoindex

import (
	"bufio"
	"context"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"go.etcd.io/bbolt"
)

// TestCrashChild is the child process of TestCrashSafety: it indexes the
// repository named in the environment and logs each committed batch to
// stdout, until its parent kills it.
func TestCrashChild(t *testing.T) {
	root, store := os.Getenv("REPOINDEX_CRASH_ROOT"), os.Getenv("REPOINDEX_CRASH_STORE")
	if root == "" {
		t.Skip("child process of TestCrashSafety")
	}
	log := slog.New(slog.NewTextHandler(os.Stdout, &slog.HandlerOptions{Level: slog.LevelDebug}))
	ix, err := Open(Options{Root: root, StorePath: store, ExcludesFile: "-", Logger: log, Workers: 1})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := ix.Refresh(context.Background()); err != nil {
		t.Fatal(err)
	}
	fmt.Println("CHILD DONE")
}

// runChildUntil starts the child and SIGKILLs it after its n-th committed
// batch. It reports whether the child was killed before finishing.
func runChildUntil(t *testing.T, root, store string, n int) bool {
	t.Helper()
	return runChild(t, root, store, n, 0)
}

// runChild starts the child and SIGKILLs it after its n-th committed batch
// or, with n == 0, after delay, wherever it is.
func runChild(t *testing.T, root, store string, n int, delay time.Duration) bool {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^TestCrashChild$", "-test.count=1")
	cmd.Env = append(os.Environ(), "REPOINDEX_CRASH_ROOT="+root, "REPOINDEX_CRASH_STORE="+store)
	out, err := cmd.StdoutPipe()
	must(t, err)
	cmd.Stderr = os.Stderr
	must(t, cmd.Start())
	if n == 0 {
		timer := time.AfterFunc(delay, func() { cmd.Process.Kill() })
		defer timer.Stop()
	}
	sc := bufio.NewScanner(out)
	batches, killed := 0, false
	for sc.Scan() {
		line := sc.Text()
		if strings.Contains(line, "batch committed") {
			batches++
			if batches == n {
				must(t, cmd.Process.Kill()) // SIGKILL
				killed = true
				break
			}
		}
	}
	for sc.Scan() {
	}
	_ = cmd.Wait()
	return killed
}

// checkStore verifies the store a killed child left: bbolt's own
// consistency check, and every file record that claims a stored syntax
// result has it.
func checkStore(t *testing.T, store string) int {
	t.Helper()
	db, err := bbolt.Open(store, 0o600, &bbolt.Options{ReadOnly: true, Timeout: 5 * time.Second})
	must(t, err)
	defer db.Close()
	records := 0
	err = db.View(func(tx *bbolt.Tx) error {
		for err := range tx.Check() {
			return err
		}
		blobs := tx.Bucket(bucketBlobs)
		return tx.Bucket(bucketFiles).ForEach(func(k, v []byte) error {
			records++
			e, err := decodeDiskEntry(v)
			if err != nil {
				return fmt.Errorf("%s: %w", k, err)
			}
			if e.syn.stored() && blobs.Get(keyFor(string(k), e.blob).bytes()) == nil {
				return fmt.Errorf("%s: record claims blob %s, which is not stored", k, e.blob)
			}
			return nil
		})
	})
	if err != nil {
		t.Fatalf("store after kill: %v", err)
	}
	return records
}

func TestCrashSafety(t *testing.T) {
	if testing.Short() {
		t.Skip("spawns child processes")
	}
	root := newRepo(t)
	const files = 1400
	for i := range files {
		dir := fmt.Sprintf("pkg%02d", i%40)
		if i%5 == 4 {
			writeFile(t, root, fmt.Sprintf("%s/doc%d.md", dir, i), fmt.Sprintf("# Doc %d\n\nSome text.\n", i))
			continue
		}
		writeFile(t, root, fmt.Sprintf("%s/f%d.go", dir, i), fmt.Sprintf("package %s\n\n// F%d is f.\nfunc F%d(x int) int {\n\treturn x * %d\n}\n", dir, i, i, i))
	}
	gitRun(t, root, "add", ".")
	commitAt(t, root, time.Now(), "many files")
	store := filepath.Join(t.TempDir(), "store.db")

	// Round 1: killed during the cold index. Round 2: files changed, killed
	// again mid-refresh over the partial store.
	if !runChildUntil(t, root, store, 1) {
		t.Fatal("child finished before it could be killed")
	}
	if n := checkStore(t, store); n == 0 || n >= files {
		t.Fatalf("after the first kill %d file records; want a partial index", n)
	}
	for i := 0; i < files; i += 3 {
		p := fmt.Sprintf("pkg%02d/f%d.go", i%40, i)
		if _, err := os.Stat(filepath.Join(root, p)); err == nil {
			writeFile(t, root, p, fmt.Sprintf("package pkg%02d\n\nfunc G%d() {}\n", i%40, i))
		}
	}
	runChildUntil(t, root, store, 1)
	checkStore(t, store)
	// Round 3: killed at an arbitrary instant (possibly inside a commit).
	for i := 0; i < files; i += 7 {
		p := fmt.Sprintf("pkg%02d/f%d.go", i%40, i)
		if _, err := os.Stat(filepath.Join(root, p)); err == nil {
			writeFile(t, root, p, fmt.Sprintf("package pkg%02d\n\nfunc H%d() {}\n", i%40, i))
		}
	}
	runChild(t, root, store, 0, time.Duration(50+rand.IntN(400))*time.Millisecond)
	checkStore(t, store)

	// The parent reopens: the store opens consistently, a Refresh
	// completes and yields the same state as a fresh index.
	ix := openIndexAt(t, root, store)
	ch := refresh(t, ix)
	if len(ix.Files()) != files {
		t.Fatalf("after recovery %d files, want %d (%+v)", len(ix.Files()), files, ch.Elapsed)
	}
	fresh := openIndex(t, root)
	refresh(t, fresh)
	sameIndex(t, ix, fresh)
	must(t, ix.Close())
	if n := checkStore(t, store); n != files {
		t.Errorf("store holds %d file records, want %d", n, files)
	}
}
