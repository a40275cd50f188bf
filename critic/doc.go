// Package critic checks candidate edits before any of them reaches the user.
// It has veto power: a patch it rejects is never offered.
//
// # Quick checks
//
// [ApplyEdits] and [CheckEdits] verify edits mechanically: they lie inside
// the files they change, do not overlap, apply cleanly, and leave Go files
// syntactically valid. Every quick fix aios offers passes through them.
//
// # Reviews
//
// A [Critic] (see [New] and [Options]) reviews a whole candidate [Patch]
// made for a [Task] and returns a [Review]: five weighted [Dimension]s, a
// total, vetoes, the unified diff and its [DiffStats]. A patch is accepted
// when nothing vetoes it and its total reaches the threshold (default
// 0.85). Vetoes are hard: no score and no [Judge] overrides them.
//
//   - Correctness: the patch applies (paths valid, deleted files exist) and
//     every affected Go package compiles, together with the module's
//     packages that import it (`go list -export`: the compile actions of
//     `go build`, without linking), and type-checks with its tests
//     (`go vet`). A new compile or type error is a veto. 1, or 0.5 when the
//     packages did not build before the patch either (no new error), or 0.
//   - Tests: the affected packages' tests run in the sandbox (go test
//     -json). A failure is attributed to the patch only when the same test
//     did not fail on the unpatched workspace (the baseline, run only when
//     something fails, and cached under a fingerprint of the module's files:
//     paths, sizes, modes, modification times); a new failure is a veto, and
//     the score
//     is passed/(passed+new failures). Skipped (see below) when no affected
//     package has tests, with the evidence "no tests".
//   - Style: changed Go files stay gofmt-clean (go/format, in-process;
//     -0.3 per file that was clean and no longer is), no new go vet
//     findings (-0.25 each; findings are compared with the baseline by
//     analyzer, file and message), and no new html-lang or contrast
//     accessibility issue (-0.2 each).
//   - Safety: any finding is a veto and scores 0. Rules: [RulePath]
//     (absolute paths, "..", symbolic links leading out of the workspace or
//     written through), [RuleVCS] (anything under .git, .hg, .svn),
//     [RuleBinary] (NUL bytes, invalid UTF-8, files over MaxFileSize),
//     [RuleSecret] (AWS, GitHub, sk-…, Slack, Stripe and Google keys, PEM
//     private keys, high-entropy literals assigned to secret-like names; only
//     on added lines; evidence is redacted), [RuleWeakened] (test files
//     deleted, test functions removed or renamed, t.Skip or it.skip/only
//     added, build constraints added to Go test files, //nolint and other
//     linter suppressions, TLS verification or vet disabled, world-writable
//     chmod, umask 0) and [RuleA11y] (below).
//   - Intent: the diff is proportionate to the task (changed lines within a
//     per-kind budget: fix 20, doc 80, todo 150, tests and instruction 400;
//     beyond it budget/changed). When the task has a Target and
//     Options.Diagnose is set, Diagnose re-runs the analysis on the patched
//     [View]; a target still reported (same file, message and source, on the
//     line the target's line maps to through the diff) is a veto. A Judge, if
//     configured, weighs at most [MaxJudgeWeight] of Intent and is only
//     consulted for patches nothing has vetoed.
//
// A Skipped dimension (no Go package affected, no tests, tests disabled, or
// not run because the patch is already vetoed) is neutral: it reports the
// weighted mean of the other dimensions as its score, so it neither raises
// nor lowers the total. Static vetoes (Safety, a patch that does not apply)
// are found first and skip the builds.
//
// # Accessibility
//
// Changed .html, .htm, .xhtml, .jsx and .tsx files are checked with WCAG
// static rules, comparing the file before and after the patch (as multisets
// of element texts, so moved markup is not new): images without alt text,
// form fields without a label (for/htmlFor, wrapping <label>, aria-label,
// aria-labelledby, title), buttons without an accessible name, <html>
// without lang, and inline text/background colours with a contrast ratio
// below 4.5:1. The first three leave a control unusable with a screen
// reader (level A) and are Safety findings, hence vetoes; the last two are
// Style penalties. Inherited colours and CSS files are not modelled.
//
// # Shadow workspace
//
// Every build and test runs against a shadow of the workspace; the user's
// files are never written. In bwrap mode the shadow costs almost nothing:
// inside the sandbox's mount namespace, each directory the patch touches is
// replaced by a writable shallow copy (its files copied, files over 1 MiB
// bound read-only instead, subdirectories bound back read-only, the patch
// applied), at the directory's own path. Everything else is the real tree,
// read-only. Because the paths are the user's, the go command's cache keys
// are those of the user's own builds: unchanged packages are cache hits, and
// a one-file change costs about one compile of its package. Test binaries
// see the patched tree too (testdata, embedded files), unlike with
// `go build -overlay`. The fallback mode copies the whole workspace (VCS
// metadata and node_modules aside; at most 200,000 files or 2 GiB, else
// [ErrWorkspaceTooLarge]) into a temp dir, so its first build of each
// workspace package is a cache miss.
//
// Diagnose runs in-process, outside the sandbox, on a [View]: the patched
// files as an overlay on the real workspace, the shape go/packages and the
// govet engine accept.
//
// # Sandbox
//
// [SandboxAuto] probes bubblewrap once in New and uses it when it works:
// all namespaces unshared (no network), the host file system read-only
// except the shadow copies, a per-review temp dir (HOME and TMPDIR) and aios's
// own Go build cache. [SandboxFallback] runs in the copy with no file-system
// isolation (a test can still write outside its copy by absolute path) and
// isolates the network only when `unshare -n` works. In both modes: a
// scrubbed environment (PATH, HOME, TMPDIR, GOROOT, GOPATH, GOMODCACHE,
// GOCACHE and the build configuration of `go env`; GOPROXY=off,
// GOTOOLCHAIN=local, GOFLAGS+=-buildvcs=false), per-process limits set with
// ulimit (CPU time, data: Options.MemoryLimit, file size: 2 GiB),
// the process group (in bwrap, the PID namespace) killed at the timeout, and
// go test's own -timeout. [Critic.SandboxInfo] says which mode is in force
// and why, for `aios doctor`.
//
// The sandbox writes only aios's own build cache (Options.GoCache, by
// default the user's cache directory, aios/gocache). With Go 1.24 and
// later a GOCACHEPROG helper (built once from gocacheprog/main.go) reads
// through the user's GOCACHE, so reviews start warm, and stores what they
// build in the private cache: code under review cannot change what the
// user's own builds find. With an older go command the private cache
// starts cold. The module cache is read-only and nothing is
// downloaded: a patch needing a module that is not in the cache fails to
// build.
//
// # Errors
//
// Review returns an error only for problems of the Critic's own: an invalid
// task ([ErrInvalidTask]), a sandbox that breaks ([ErrSandbox]), a
// cancelled context. Everything wrong with the patch is a veto.
package critic
