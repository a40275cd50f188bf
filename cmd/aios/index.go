package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/aios-dev/aios/agents/knowledge"
	"github.com/aios-dev/aios/inference"
	"github.com/aios-dev/aios/memory"
)

// openKnowledge opens the workspace's store, index and memory, with dense
// retrieval when an embedding backend is configured.
func openKnowledge(root string, log *slog.Logger) (*knowledge.Service, func(), error) {
	opts := knowledge.Options{Root: root, Logger: log}
	closeEngine := func() {}
	if cfg, _, err := inferenceConfig(root, nil); err == nil {
		if key := embeddingModel(cfg); key != "" {
			meter := inference.NewMeter()
			lazy := inference.NewLazy(meter, func() (*inference.Engine, error) {
				return inference.Build(cfg, inference.BuildOptions{Workspace: root, Logger: log, Meter: meter})
			})
			opts.Embedder, opts.EmbedModel = lazy, key
			closeEngine = func() { lazy.Close() }
		}
	}
	s, err := knowledge.Open(opts)
	if err != nil {
		closeEngine()
		return nil, nil, err
	}
	return s, func() { s.Close(); closeEngine() }, nil
}

// embeddingModel names the embedding model cfg configures ("" when none):
// vectors stored under one name are not compared with another's.
func embeddingModel(cfg inference.Config) string {
	for _, b := range cfg.Backends {
		if b.Embeddings && (cfg.Embedding == "" || cfg.Embedding == b.Name) {
			return b.Type + ":" + b.Name + ":" + b.Model + ":" + b.EmbeddingModel
		}
	}
	return ""
}

func workspaceFlag(fs *flag.FlagSet) *string {
	return fs.String("C", ".", "the workspace `DIR`")
}

func absDir(dir string) (string, error) {
	root, err := filepath.Abs(dir)
	if err != nil {
		return "", usagef("-C %s: %v", dir, err)
	}
	if st, err := os.Stat(root); err != nil || !st.IsDir() {
		return "", usagef("-C %s: not a directory", dir)
	}
	return root, nil
}

// progress prints the elapsed time on a terminal while work runs.
func progress(stderr io.Writer, what string) func() {
	f, ok := stderr.(*os.File)
	if !ok {
		return func() {}
	}
	if st, err := f.Stat(); err != nil || st.Mode()&os.ModeCharDevice == 0 {
		return func() {}
	}
	done := make(chan struct{})
	start := time.Now()
	go func() {
		t := time.NewTicker(250 * time.Millisecond)
		defer t.Stop()
		for {
			select {
			case <-done:
				fmt.Fprint(f, "\r\033[K")
				return
			case <-t.C:
				fmt.Fprintf(f, "\r%s… %v", what, time.Since(start).Round(time.Second/10))
			}
		}
	}()
	return func() { close(done) }
}

// runIndex implements `aios index [--stats]`.
func runIndex(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("aios index", flag.ContinueOnError)
	fs.SetOutput(stderr)
	dir := workspaceFlag(fs)
	stats := fs.Bool("stats", false, "print what the index and memory hold")
	asJSON := fs.Bool("json", false, "print the report as JSON")
	if err := fs.Parse(args); err != nil {
		return usagef("%v", err)
	}
	if fs.NArg() > 0 {
		return usagef("aios index takes no arguments")
	}
	root, err := absDir(*dir)
	if err != nil {
		return err
	}
	log := newLogger(stderr, slog.LevelWarn)
	t0 := time.Now()
	s, closeAll, err := openKnowledge(root, log)
	if err != nil {
		return err
	}
	defer closeAll()
	opened := time.Since(t0)
	stop := progress(stderr, "indexing "+root)
	rep, err := s.Refresh(ctx)
	stop()
	if err != nil {
		return err
	}
	if err := s.Memory().Flush(ctx); err != nil {
		fmt.Fprintf(stderr, "aios: embeddings not complete: %v\n", err)
	}
	total := time.Since(t0)
	st, err := s.Stats()
	if err != nil {
		return err
	}
	if *asJSON {
		return json.NewEncoder(stdout).Encode(map[string]any{"report": rep, "stats": st, "openMs": opened.Milliseconds(), "totalMs": total.Milliseconds()})
	}
	ch := rep.Index
	fmt.Fprintf(stdout, "indexed %s in %v (open %v; index %v, with git history (%v) and %d files into memory meanwhile; memory %v after)\n", root, total.Round(time.Millisecond),
		opened.Round(time.Millisecond), rep.IndexTime.Round(time.Millisecond), rep.HistoryTime.Round(time.Millisecond), rep.Streamed, rep.MemoryTime.Round(time.Millisecond))
	fmt.Fprintf(stdout, "files: %d added, %d modified, %d removed; %d parsed, %d reused; memory: %d files indexed, %d removed, %d unchanged, %d failed\n",
		len(ch.Added), len(ch.Modified), len(ch.Removed), ch.Parsed, ch.Reused, rep.Indexed, rep.Removed, rep.Unchanged, rep.Failed)
	if *stats {
		printStats(stdout, st)
	}
	return nil
}

func printStats(w io.Writer, st knowledge.Stats) {
	ix := st.Index
	fmt.Fprintf(w, "index:  %d files (%d parsed blobs stored, %d unparsed, %d submodules)\n", ix.Files, ix.StoredBlobs, ix.Unparsed, ix.Submodules)
	var states, langs []string
	for s, n := range ix.ByState {
		states = append(states, fmt.Sprintf("%s %d", s, n))
	}
	for l, n := range ix.ByLang {
		langs = append(langs, fmt.Sprintf("%s %d", l, n))
	}
	sort.Strings(states)
	sort.Strings(langs)
	fmt.Fprintf(w, "        by state: %s\n        by language: %s\n", strings.Join(states, ", "), strings.Join(langs, ", "))
	m := st.Memory
	fmt.Fprintf(w, "memory: %d files, %d chunks, %d vectors (%d waiting), graph %d nodes / %d edges, %d feedback\n",
		m.Files, m.Chunks, m.Vectors, m.PendingEmbeds, m.Nodes, m.Edges, m.Feedback)
	fmt.Fprintf(w, "store:  %s, %.1f MiB\n", st.Store.Path, float64(st.Store.FileSize)/(1<<20))
}

// runSearch implements `aios search QUERY [-k 5] [--json]`.
func runSearch(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("aios search", flag.ContinueOnError)
	fs.SetOutput(stderr)
	dir := workspaceFlag(fs)
	k := fs.Int("k", memory.DefaultK, "number of chunks")
	asJSON := fs.Bool("json", false, "print the results as JSON")
	file := fs.String("file", "", "the open `FILE` (workspace-relative) the query is about")
	budget := fs.Int("budget", 0, "token budget of the packed context (0: the default)")
	words, err := parseInterspersed(fs, args)
	if err != nil {
		return err
	}
	query := strings.TrimSpace(strings.Join(words, " "))
	if query == "" {
		return usagef("aios search needs a query")
	}
	if *k <= 0 {
		return usagef("-k must be positive")
	}
	root, err := absDir(*dir)
	if err != nil {
		return err
	}
	log := newLogger(stderr, slog.LevelWarn)
	s, closeAll, err := openKnowledge(root, log)
	if err != nil {
		return err
	}
	defer closeAll()
	stop := progress(stderr, "updating the index")
	_, err = s.Refresh(ctx)
	stop()
	if err != nil {
		return err
	}
	select { // the knowledge graph loads in the background after Open
	case <-s.Memory().GraphReady():
	case <-ctx.Done():
		return ctx.Err()
	}
	t0 := time.Now()
	res, err := s.Search(ctx, memory.Query{Text: query, OpenFile: filepath.ToSlash(*file), K: *k, TokenBudget: *budget})
	if err != nil {
		return err
	}
	took := time.Since(t0)
	if *asJSON {
		return json.NewEncoder(stdout).Encode(struct {
			*memory.Result
			Micros int64 `json:"searchMicros"`
		}{res, took.Microseconds()})
	}
	fmt.Fprintf(stdout, "%d results in %v (retrievers: %s)\n", len(res.Items), took.Round(time.Microsecond), strings.Join(res.Retrievers, ", "))
	for _, n := range res.Notes {
		fmt.Fprintf(stdout, "note: %s\n", n)
	}
	for i, it := range res.Items {
		sym := it.Symbol
		if sym == "" {
			sym = it.Kind
		}
		fmt.Fprintf(stdout, "%d. %s:%d-%d %s  score %.4f (sparse %s, dense %s, graph %s, fused %.4f)\n", i+1, it.Path, it.StartLine, it.EndLine, sym,
			it.Scores.Rerank, rank(it.Scores.Ranks, "sparse", it.Scores.Sparse), rank(it.Scores.Ranks, "dense", it.Scores.Dense),
			rank(it.Scores.Ranks, "graph", it.Scores.Graph), it.Scores.Fused)
	}
	return nil
}

// parseInterspersed parses flags anywhere among the arguments and
// returns the other words.
func parseInterspersed(fs *flag.FlagSet, args []string) ([]string, error) {
	var words []string
	for {
		if err := fs.Parse(args); err != nil {
			return nil, usagef("%v", err)
		}
		if fs.NArg() == 0 {
			return words, nil
		}
		words = append(words, fs.Arg(0))
		args = fs.Args()[1:]
	}
}

func rank(ranks map[string]int, name string, score float64) string {
	r, ok := ranks[name]
	if !ok {
		return "-"
	}
	return fmt.Sprintf("#%d %.3g", r, score)
}
