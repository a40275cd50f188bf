package critic

import (
	"context"
	"encoding/json"
	"fmt"
	"os/exec"
	"path/filepath"
	"strings"
	"time"
)

// goEnv is the go command's configuration, read once by New.
type goEnv struct {
	bin     string
	version string
	vars    map[string]string
}

// goEnvVars are read from `go env` and passed into the sandbox so that its
// builds share the user's cache keys (a different CGO_ENABLED or GOAMD64
// would recompile the standard library).
var goEnvVars = []string{
	"GOVERSION", "GOROOT", "GOPATH", "GOMODCACHE", "GOCACHE", "GOOS", "GOARCH", "GOAMD64", "GOARM64",
	"CGO_ENABLED", "GOEXPERIMENT", "GOFLAGS", "CC", "CXX", "CGO_CFLAGS", "CGO_CPPFLAGS", "CGO_CXXFLAGS", "CGO_LDFLAGS",
}

// readGoEnv runs `go env -json` once, with the caller's environment: this
// is the one place the Critic lets the user's configuration in.
func readGoEnv(ctx context.Context, bin string) (*goEnv, error) {
	if bin == "" {
		bin = "go"
	}
	path, err := exec.LookPath(bin)
	if err != nil {
		return nil, fmt.Errorf("%w: %v (install Go or set Options.GoBin)", ErrNoGo, err)
	}
	if path, err = filepath.Abs(path); err != nil {
		return nil, err
	}
	ctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	out, err := exec.CommandContext(ctx, path, append([]string{"env", "-json"}, goEnvVars...)...).Output()
	if err != nil {
		return nil, fmt.Errorf("%w: %s env: %v", ErrNoGo, path, err)
	}
	vars := make(map[string]string)
	if err := json.Unmarshal(out, &vars); err != nil {
		return nil, fmt.Errorf("%w: parsing go env: %v", ErrNoGo, err)
	}
	if vars["GOROOT"] == "" || vars["GOCACHE"] == "" || vars["GOCACHE"] == "off" {
		return nil, fmt.Errorf("%w: go env reports GOROOT=%q GOCACHE=%q; the Critic needs a build cache", ErrNoGo, vars["GOROOT"], vars["GOCACHE"])
	}
	return &goEnv{bin: path, version: vars["GOVERSION"], vars: vars}, nil
}

// sandboxEnv is the complete environment of a sandboxed go command: no
// variable of the caller's leaks in except the build configuration above.
// HOME and TMPDIR point into the review's temp dir; nothing is fetched
// (GOPROXY=off, GOTOOLCHAIN=local); VCS stamping, which would run git on
// the user's repository, is off.
func (g *goEnv) sandboxEnv(tmp, gocache string) []string {
	path := filepath.Dir(g.bin) + ":/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"
	env := []string{
		"PATH=" + path,
		"HOME=" + filepath.Join(tmp, "home"),
		"TMPDIR=" + filepath.Join(tmp, "tmp"),
		"GOCACHE=" + gocache,
		"GOPROXY=off",
		"GOSUMDB=off",
		"GOTOOLCHAIN=local",
		"GOTELEMETRY=off",
		"GOENV=off",
		"LANG=C.UTF-8",
	}
	for _, k := range []string{"GOROOT", "GOPATH", "GOMODCACHE", "GOOS", "GOARCH", "GOAMD64", "GOARM64", "CGO_ENABLED",
		"GOEXPERIMENT", "CC", "CXX", "CGO_CFLAGS", "CGO_CPPFLAGS", "CGO_CXXFLAGS", "CGO_LDFLAGS"} {
		if v := g.vars[k]; v != "" {
			env = append(env, k+"="+v)
		}
	}
	var flags []string
	for _, f := range strings.Fields(g.vars["GOFLAGS"]) {
		if !strings.HasPrefix(f, "-buildvcs") {
			flags = append(flags, f)
		}
	}
	flags = append(flags, "-buildvcs=false")
	env = append(env, "GOFLAGS="+strings.Join(flags, " "))
	return env
}
