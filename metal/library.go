package metal

import (
	"encoding/json"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"

	"github.com/hybridgroup/yzma/pkg/llama"
)

// LlamaCppVersion is the llama.cpp release that yzma v1.28.0 binds and that
// `make llama-libs` fetches (npm @node-llama-cpp/*@3.21.1).
const LlamaCppVersion = "v0.4.0"

// LibraryOptions says where to look for the llama.cpp shared libraries.
type LibraryOptions struct {
	// Dir is a directory to try first; cmd/aios passes $AIOS_LLAMA_LIB.
	Dir string
	// Flavor names the build/llama/<Flavor> directory of a build tree
	// (linux-x64, linux-x64-cuda, linux-x64-vulkan, linux-arm64,
	// mac-arm64-metal). Empty: this platform's flavors, CPU first.
	Flavor string
	// Logger receives llama.cpp's own log lines (at Debug level, warnings
	// and errors at their level). Nil: they are dropped. llama.cpp's log is
	// process-wide: the most recent non-nil Logger given to Load or Open
	// gets it. Nothing ever goes to stdout.
	Logger *slog.Logger
}

// LibraryInfo describes the loaded libraries.
type LibraryInfo struct {
	Dir string
	// Release is the llama.cpp release named by the package's build
	// metadata (_nlcBuildMetadata.json), "" when the directory has none.
	Release string
	// SystemInfo is llama_print_system_info: the CPU features and backends
	// llama.cpp uses.
	SystemInfo string
	// Devices lists the ggml backend devices, e.g. "CPU".
	Devices []string
}

// libExt is the shared library suffix yzma's loader opens.
func libExt() string {
	if runtime.GOOS == "darwin" {
		return "dylib"
	}
	return "so"
}

// requiredLibs are the files yzma's loader opens (loader.GetLibraryFilename).
func requiredLibs() []string {
	e := libExt()
	return []string{"libllama." + e, "libggml." + e, "libggml-base." + e}
}

// Flavors returns the build flavors for this platform, the default first.
func Flavors() []string {
	switch runtime.GOOS + "/" + runtime.GOARCH {
	case "linux/amd64":
		return []string{"linux-x64", "linux-x64-cuda", "linux-x64-vulkan"}
	case "linux/arm64":
		return []string{"linux-arm64"}
	case "darwin/arm64":
		return []string{"mac-arm64-metal"}
	}
	return nil
}

// FindLibrary returns the first directory that holds the llama.cpp
// libraries. It looks, in order, at opts.Dir, the directory of the running
// executable, ../build/llama/<flavor> relative to the executable (bin/aios
// in the build tree), and build/llama/<flavor> of the Go module that holds
// the working directory. The error wraps ErrNoLibrary and lists every place
// it looked and why each failed.
func FindLibrary(opts LibraryOptions) (string, error) {
	flavors := Flavors()
	if opts.Flavor != "" {
		flavors = []string{opts.Flavor}
	}
	var cands []string
	if opts.Dir != "" {
		cands = append(cands, opts.Dir)
	}
	if exe, err := os.Executable(); err == nil {
		if r, err := filepath.EvalSymlinks(exe); err == nil {
			exe = r
		}
		dir := filepath.Dir(exe)
		cands = append(cands, dir)
		for _, f := range flavors {
			cands = append(cands, filepath.Join(dir, "..", "build", "llama", f))
		}
	}
	if root := moduleRoot(); root != "" {
		for _, f := range flavors {
			cands = append(cands, filepath.Join(root, "build", "llama", f))
		}
	}
	var tried []string
	for _, c := range cands {
		if why := checkLibDir(c); why != "" {
			tried = append(tried, fmt.Sprintf("%s (%s)", c, why))
			continue
		}
		abs, err := filepath.Abs(c)
		if err != nil {
			return c, nil
		}
		return abs, nil
	}
	if len(flavors) == 0 {
		tried = append(tried, fmt.Sprintf("no prebuilt llama.cpp flavor for %s/%s", runtime.GOOS, runtime.GOARCH))
	}
	return "", fmt.Errorf("%w: looked in:\n  %s\nrun `make llama-libs` in the aios source tree, or set AIOS_LLAMA_LIB to a directory holding %s",
		ErrNoLibrary, strings.Join(tried, "\n  "), strings.Join(requiredLibs(), ", "))
}

// checkLibDir returns why dir cannot be used, or "".
func checkLibDir(dir string) string {
	st, err := os.Stat(dir)
	if err != nil {
		if os.IsNotExist(err) {
			return "does not exist"
		}
		return err.Error()
	}
	if !st.IsDir() {
		return "not a directory"
	}
	var missing []string
	for _, f := range requiredLibs() {
		if _, err := os.Stat(filepath.Join(dir, f)); err != nil {
			missing = append(missing, f)
		}
	}
	if len(missing) > 0 {
		return "no " + strings.Join(missing, ", ")
	}
	return ""
}

// moduleRoot walks up from the working directory to the directory that
// holds go.mod, or returns "".
func moduleRoot() string {
	dir, err := os.Getwd()
	if err != nil {
		return ""
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return ""
		}
		dir = parent
	}
}

// The libraries are process-global: yzma's Load and Init fill package-level
// function tables, and llama.cpp's backend registry and log callback are
// process-wide. lib guards loading them once.
var lib struct {
	mu     sync.Mutex
	loaded bool
	info   LibraryInfo
}

// Load finds and loads the llama.cpp libraries once per process and returns
// what was loaded. A later call returns the same libraries; it fails if
// opts.Dir names a different directory. A failed load may be retried (after
// `make llama-libs`, say).
func Load(opts LibraryOptions) (LibraryInfo, error) {
	if opts.Logger != nil {
		setLogSink(opts.Logger)
	}
	lib.mu.Lock()
	defer lib.mu.Unlock()
	if lib.loaded {
		if opts.Dir != "" && !sameDir(opts.Dir, lib.info.Dir) {
			return lib.info, fmt.Errorf("%w: llama.cpp is already loaded from %s; this process cannot also load %s",
				ErrNoLibrary, lib.info.Dir, opts.Dir)
		}
		return lib.info, nil
	}
	dir, err := FindLibrary(opts)
	if err != nil {
		return LibraryInfo{}, err
	}
	release := readRelease(dir)
	if err := llama.Load(dir); err != nil {
		hint := ""
		if release != "" && release != LlamaCppVersion {
			hint = fmt.Sprintf(" (the libraries are llama.cpp %s; aios needs %s)", release, LlamaCppVersion)
		}
		return LibraryInfo{}, fmt.Errorf("%w: loading %s: %v%s; run `make llama-libs`", ErrNoLibrary, dir, err, hint)
	}
	if err := bindExtras(dir); err != nil {
		return LibraryInfo{}, fmt.Errorf("%w: %v", ErrNoLibrary, err)
	}
	installLogBridge()
	llama.Init()
	info := LibraryInfo{Dir: dir, Release: release, SystemInfo: strings.TrimSpace(llama.PrintSystemInfo())}
	for i := uint64(0); i < llama.GGMLBackendDeviceCount(); i++ {
		info.Devices = append(info.Devices, llama.GGMLBackendDeviceName(llama.GGMLBackendDeviceGet(i)))
	}
	if len(info.Devices) == 0 {
		return LibraryInfo{}, fmt.Errorf("%w: %s loaded but no ggml backend (libggml-cpu-*.%s) was found there", ErrNoLibrary, dir, libExt())
	}
	lib.loaded, lib.info = true, info
	logSink().Info("llama.cpp loaded", "dir", dir, "release", release, "devices", info.Devices, "system", info.SystemInfo)
	return info, nil
}

func sameDir(a, b string) bool {
	canon := func(p string) string {
		if abs, err := filepath.Abs(p); err == nil {
			p = abs
		}
		if r, err := filepath.EvalSymlinks(p); err == nil {
			p = r
		}
		return p
	}
	return canon(a) == canon(b)
}

// readRelease reads the llama.cpp release from node-llama-cpp's build
// metadata beside the libraries.
func readRelease(dir string) string {
	b, err := os.ReadFile(filepath.Join(dir, "_nlcBuildMetadata.json"))
	if err != nil {
		return ""
	}
	var meta struct {
		BuildOptions struct {
			LlamaCpp struct {
				Release string `json:"release"`
			} `json:"llamaCpp"`
		} `json:"buildOptions"`
	}
	if json.Unmarshal(b, &meta) != nil {
		return ""
	}
	return meta.BuildOptions.LlamaCpp.Release
}
