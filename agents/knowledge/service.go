package knowledge

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"

	"github.com/aios-dev/aios/memory"
	"github.com/aios-dev/aios/memory/store"
	"github.com/aios-dev/aios/repoindex"
	"github.com/aios-dev/aios/repoindex/syntax"
)

// Options configure a Service.
type Options struct {
	// Root is the workspace (absolute). Required.
	Root string
	// StorePath is the workspace store; default: store.PathFor(cache, Root).
	StorePath string
	// Overlay holds the editor's open buffers (nil: none).
	Overlay *repoindex.Overlay
	// Embedder turns on dense retrieval; EmbedModel keys its vectors.
	Embedder   memory.Embedder
	EmbedModel string
	// NoHistory skips reading the git log (co-change edges).
	NoHistory bool
	Logger    *slog.Logger
}

// Service keeps a workspace's index and memory in step.
type Service struct {
	opts  Options
	log   *slog.Logger
	st    *store.Store
	ix    *repoindex.Index
	mem   *memory.Memory
	unsub func()

	mu   sync.Mutex // serialises syncs into memory; guards pkgs
	pkgs *packages

	refreshMu sync.Mutex               // one Refresh at a time
	stream    atomic.Pointer[ingester] // set while a Refresh streams parsed files into memory
	noStream  bool                     // tests: index everything after the parse
}

// metaKey records, per file, the blob memory last indexed.
const metaPrefix = "knowledge/blob/"

// Open opens (or creates) the workspace's store, index and memory. It does
// not refresh: call Refresh.
func Open(opts Options) (*Service, error) {
	if opts.Root == "" {
		return nil, errors.New("knowledge: a workspace root is required")
	}
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.DiscardHandler)
	}
	if opts.StorePath == "" {
		dir, err := store.DefaultDir()
		if err != nil {
			return nil, err
		}
		if opts.StorePath, err = store.PathFor(dir, opts.Root); err != nil {
			return nil, err
		}
	}
	st, err := store.Open(opts.StorePath, store.Options{Logger: opts.Logger})
	if err != nil {
		return nil, err
	}
	// The index and memory load from the same store independently: open
	// them side by side (reopening a large workspace is mostly decoding).
	var ix *repoindex.Index
	var ixErr error
	var wg sync.WaitGroup
	s := &Service{opts: opts, log: opts.Logger, st: st, pkgs: newPackages(opts.Root)}
	wg.Go(func() {
		ix, ixErr = repoindex.Open(repoindex.Options{Root: opts.Root, DB: st.DB(), Overlay: opts.Overlay, Logger: opts.Logger, OnParsed: s.onParsed})
	})
	mem, err := memory.Open(memory.Options{Store: st, Embedder: opts.Embedder, EmbedModel: opts.EmbedModel, Logger: opts.Logger})
	wg.Wait()
	if err != nil || ixErr != nil {
		if mem != nil {
			mem.Close()
		}
		if ix != nil {
			ix.Close()
		}
		st.Close()
		return nil, errors.Join(err, ixErr)
	}
	s.ix, s.mem = ix, mem
	return s, nil
}

// Index returns the workspace index.
func (s *Service) Index() *repoindex.Index { return s.ix }

// Memory returns the workspace memory.
func (s *Service) Memory() *memory.Memory { return s.mem }

// Close releases everything.
func (s *Service) Close() error {
	if s.unsub != nil {
		s.unsub()
	}
	return errors.Join(s.mem.Close(), s.ix.Close(), s.st.Close())
}

// Report says what a refresh did.
type Report struct {
	Index       *repoindex.Changes
	Indexed     int           // files (re)indexed into memory
	Streamed    int           // of those, files indexed while the index was still parsing
	Removed     int           // files removed from memory
	Unchanged   int           // files memory already had
	Failed      int           // files that could not be indexed (reasons logged)
	IndexTime   time.Duration // the index's refresh, with what memory took in meanwhile
	MemoryTime  time.Duration // memory's reconcile after it
	HistoryTime time.Duration // reading new git history, beside the index's refresh
}

// Refresh brings the index up to date with the workspace, reads new git
// history, and reconciles memory with the index: every file whose blob
// memory has not indexed yet is (re)indexed and every file gone is removed.
func (s *Service) Refresh(ctx context.Context) (*Report, error) {
	s.refreshMu.Lock()
	defer s.refreshMu.Unlock()
	rep := &Report{}
	t0 := time.Now()
	// Memory takes the files in while the index parses the rest: parsing
	// is spread over every core, memory's indexing mostly is not, so the
	// two overlap. New git history comes first (co-change pairs are part
	// of a file's facts): until it is read, parsed files wait for the
	// reconcile below.
	in := s.startIngest(ctx, rep)
	histDone := make(chan struct{})
	if s.opts.NoHistory {
		in.historyRead()
		close(histDone)
	} else {
		go func() {
			defer close(histDone)
			t1 := time.Now()
			if err := s.ix.History(ctx, repoindex.HistoryOptions{}); err != nil && !errors.Is(err, repoindex.ErrNotGit) {
				s.log.Warn("reading git history", "err", err)
			}
			rep.HistoryTime = time.Since(t1)
			in.historyRead()
		}()
	}
	ch, err := s.ix.Refresh(ctx)
	streamErr := in.stop()
	<-histDone
	if err != nil {
		return nil, err
	}
	if streamErr != nil {
		return rep, streamErr
	}
	rep.Streamed = rep.Indexed // reconcile has not indexed anything yet
	rep.Index, rep.IndexTime = ch, time.Since(t0)
	t2 := time.Now()
	if err := s.reconcile(ctx, rep, in.indexed); err != nil {
		return rep, err
	}
	rep.MemoryTime = time.Since(t2)
	return rep, nil
}

// ingester indexes files into memory as a Refresh parses them.
type ingester struct {
	s       *Service
	ch      chan repoindex.ParsedFile
	quit    chan struct{}
	done    chan struct{}
	ready   atomic.Bool       // git history is read
	indexed map[string]string // path → blob indexed or refused, for reconcile; read after done
	err     error
}

// startIngest starts taking parsed files in (see onParsed) until stop.
func (s *Service) startIngest(ctx context.Context, rep *Report) *ingester {
	in := &ingester{s: s, ch: make(chan repoindex.ParsedFile, 512), quit: make(chan struct{}), done: make(chan struct{}), indexed: map[string]string{}}
	if !s.noStream {
		s.stream.Store(in)
	}
	go in.run(ctx, rep)
	return in
}

func (in *ingester) historyRead() { in.ready.Store(true) }

// stop ends the ingestion once what was handed over is indexed.
func (in *ingester) stop() error {
	in.s.stream.CompareAndSwap(in, nil)
	close(in.quit)
	<-in.done
	return in.err
}

// onParsed hands a file the index has just parsed to the running
// ingester. It never blocks a parse: when the ingester is behind, or git
// history is not read yet, the file is left to reconcile.
func (s *Service) onParsed(pf repoindex.ParsedFile) {
	in := s.stream.Load()
	if in == nil || !in.ready.Load() {
		return
	}
	select {
	case in.ch <- pf:
	default:
	}
}

func (in *ingester) run(ctx context.Context, rep *Report) {
	defer close(in.done)
	s := in.s
	b := s.newBatch(ctx, rep)
	b.indexed = func(path, blob string) { in.indexed[path] = blob }
	take := func(pf repoindex.ParsedFile) {
		s.mu.Lock()
		defer s.mu.Unlock()
		if in.err != nil {
			return
		}
		f, err := s.inputOf(pf.Path, pf.Content, pf.Syntax)
		if err != nil {
			return // reconcile tries again and reports it
		}
		in.err = b.push(f, pf.Blob)
	}
	for {
		select {
		case pf := <-in.ch:
			take(pf)
		case <-in.quit:
			for {
				select {
				case pf := <-in.ch:
					take(pf)
				default:
					s.mu.Lock()
					if in.err == nil {
						in.err = b.flush()
					}
					s.mu.Unlock()
					return
				}
			}
		case <-ctx.Done():
			return
		}
	}
}

// Follow keeps memory current as the index changes (editor buffers,
// saved files) until Close.
func (s *Service) Follow() {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.unsub != nil {
		return
	}
	s.unsub = s.ix.Subscribe(func(ch *repoindex.Changes) {
		paths := changedPaths(ch)
		// Subscribers may not call the index's update methods: hand off.
		go func() {
			if err := s.reconcilePaths(context.Background(), &Report{}, paths); err != nil {
				s.log.Warn("updating memory", "err", err)
			}
		}()
	})
}

func changedPaths(ch *repoindex.Changes) []string {
	out := make([]string, 0, len(ch.Added)+len(ch.Modified)+len(ch.Removed)+len(ch.Restated))
	for _, l := range [][]string{ch.Added, ch.Modified, ch.Removed, ch.Restated} {
		out = append(out, l...)
	}
	return out
}

// UpdateBuffer re-reads path's open buffer (didChange) and updates memory.
func (s *Service) UpdateBuffer(ctx context.Context, path string) error {
	ch, err := s.ix.UpdateBuffer(ctx, path)
	if err != nil {
		return err
	}
	return s.reconcilePaths(ctx, &Report{}, append(changedPaths(ch), path))
}

// UpdateFiles re-reads paths from disk (didSave, watched files) and
// updates memory.
func (s *Service) UpdateFiles(ctx context.Context, paths []string) error {
	ch, err := s.ix.UpdateFiles(ctx, paths)
	if err != nil {
		return err
	}
	return s.reconcilePaths(ctx, &Report{}, append(changedPaths(ch), paths...))
}

// reconcile makes memory hold exactly the index's parsed files, each at
// its current blob.
func (s *Service) reconcile(ctx context.Context, rep *Report, streamed map[string]string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	have := make(map[string]string)
	err := s.st.View(func(tx *store.Tx) error {
		return tx.ForEachMeta(metaPrefix, func(k, v string) error {
			have[k[len(metaPrefix):]] = v
			return nil
		})
	})
	if err != nil {
		return err
	}
	listed := make(map[string]bool)
	var todo []repoindex.FileInfo
	for _, fi := range s.ix.Files() {
		if fi.Submodule || fi.Symlink || !fi.Parsed {
			continue
		}
		listed[fi.Path] = true
		if streamed[fi.Path] == fi.Blob {
			continue // indexed, or refused, while the index was parsing
		}
		if have[fi.Path] == fi.Blob {
			rep.Unchanged++
			continue
		}
		todo = append(todo, fi)
	}
	// Two stages that overlap: one goroutine turns syntax into memory's
	// input while this one indexes the previous batch.
	pctx, cancel := context.WithCancel(ctx)
	defer cancel()
	type prepared struct {
		fi  repoindex.FileInfo
		in  memory.FileInput
		err error
	}
	ready := make(chan prepared, 64)
	go func() {
		defer close(ready)
		for _, fi := range todo {
			in, err := s.input(fi)
			select {
			case ready <- prepared{fi, in, err}:
			case <-pctx.Done():
				return
			}
		}
	}()
	b := s.newBatch(ctx, rep)
	for p := range ready {
		if p.err != nil {
			rep.Failed++
			s.log.Warn("cannot index file into memory", "path", p.fi.Path, "err", p.err)
			continue
		}
		if err := b.push(p.in, p.fi.Blob); err != nil {
			return err
		}
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	if err := b.flush(); err != nil {
		return err
	}
	for p := range have {
		if !listed[p] {
			if err := s.remove(ctx, rep, p); err != nil {
				return err
			}
		}
	}
	return nil
}

// reconcilePaths is reconcile for the files paths (workspace-relative)
// only: what one edit costs does not grow with the workspace.
func (s *Service) reconcilePaths(ctx context.Context, rep *Report, paths []string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	have := make(map[string]string, len(paths))
	err := s.st.View(func(tx *store.Tx) error {
		for _, p := range paths {
			v, ok, err := tx.GetMeta(metaPrefix + p)
			if err != nil {
				return err
			}
			if ok {
				have[p] = v
			}
		}
		return nil
	})
	if err != nil {
		return err
	}
	b := s.newBatch(ctx, rep)
	seen := make(map[string]bool, len(paths))
	for _, p := range paths {
		if seen[p] {
			continue
		}
		seen[p] = true
		fi, ok := s.ix.File(p)
		if !ok || fi.Submodule || fi.Symlink || !fi.Parsed {
			if _, had := have[p]; had {
				if err := s.remove(ctx, rep, p); err != nil {
					return err
				}
			}
			continue
		}
		if err := b.add(fi, have[p]); err != nil {
			return err
		}
	}
	return b.flush()
}

// remove drops path from memory. Called with s.mu held.
func (s *Service) remove(ctx context.Context, rep *Report, path string) error {
	if err := s.mem.RemoveFileWith(ctx, path, func(tx *store.Tx) error {
		return tx.DeleteMeta(metaPrefix + path)
	}); err != nil {
		return err
	}
	rep.Removed++
	return nil
}

// batch collects files to (re)index into memory, in batches.
type batch struct {
	s       *Service
	ctx     context.Context
	rep     *Report
	files   []memory.FileInput
	blobs   []string
	indexed func(path, blob string) // if set, told of every file indexed or refused
}

func (s *Service) newBatch(ctx context.Context, rep *Report) *batch {
	return &batch{s: s, ctx: ctx, rep: rep}
}

// add queues fi unless memory has its blob (had) already.
func (b *batch) add(fi repoindex.FileInfo, had string) error {
	if had == fi.Blob {
		b.rep.Unchanged++
		return nil
	}
	in, err := b.s.input(fi)
	if err != nil {
		b.rep.Failed++
		b.s.log.Warn("cannot index file into memory", "path", fi.Path, "err", err)
		return nil
	}
	return b.push(in, fi.Blob)
}

// push queues a prepared file, indexing a full batch.
func (b *batch) push(in memory.FileInput, blob string) error {
	b.files = append(b.files, in)
	b.blobs = append(b.blobs, blob)
	if len(b.files) >= 256 {
		return b.flush()
	}
	return nil
}

// flush indexes the queued files and records their blobs.
func (b *batch) flush() error {
	if len(b.files) == 0 {
		return nil
	}
	s := b.s
	// The blob each file was indexed at commits with its chunks and facts.
	meta := func(files []memory.FileInput, blobs []string) func(*store.Tx) error {
		return func(tx *store.Tx) error {
			for i, in := range files {
				if err := tx.SetMeta(metaPrefix+in.Facts.Path, blobs[i]); err != nil {
					return err
				}
			}
			return nil
		}
	}
	note := func(i int) {
		if b.indexed != nil {
			b.indexed(b.files[i].Facts.Path, b.blobs[i])
		}
	}
	kept := len(b.files)
	err := s.mem.IndexFilesWith(b.ctx, b.files, meta(b.files, b.blobs))
	if err == nil {
		for i := range b.files {
			note(i)
		}
	} else {
		if !isBadInput(err) {
			return err
		}
		// One file memory refuses must not cost the others: index them
		// one by one, counting the refused.
		kept = 0
		for i, in := range b.files {
			one := []memory.FileInput{in}
			if err := s.mem.IndexFilesWith(b.ctx, one, meta(one, b.blobs[i:i+1])); err != nil {
				if !isBadInput(err) {
					return err
				}
				b.rep.Failed++
				s.log.Warn("cannot index file into memory", "path", in.Facts.Path, "err", err)
				note(i) // refused for good: not to be tried again
				continue
			}
			kept++
			note(i)
		}
	}
	b.rep.Indexed += kept
	b.files, b.blobs = b.files[:0], b.blobs[:0]
	return nil
}

// isBadInput reports whether memory refused a file for what it holds
// rather than failed.
func isBadInput(err error) bool {
	for _, e := range []error{memory.ErrInvalidChunk, memory.ErrNotText, memory.ErrTooLarge, memory.ErrInvalidFacts} {
		if errors.Is(err, e) {
			return true
		}
	}
	return false
}

// input builds memory's view of one indexed file.
func (s *Service) input(fi repoindex.FileInfo) (memory.FileInput, error) {
	f, err := s.ix.Syntax(fi.Path)
	if err != nil {
		return memory.FileInput{}, err
	}
	content, err := s.ix.Content(fi.Path)
	if err != nil {
		return memory.FileInput{}, err
	}
	return s.inputOf(fi.Path, content, f)
}

// inputOf is input for a file's content and syntax in hand.
func (s *Service) inputOf(path string, content []byte, f *syntax.File) (memory.FileInput, error) {
	var co []memory.CoChange
	for _, c := range s.ix.CoChanged(path, 20) {
		co = append(co, memory.CoChange{Path: c.Path, Count: c.Count})
	}
	var pkg string
	if f.Lang == syntax.LangGo || f.Lang == syntax.LangPython {
		pkg = s.pkgs.of(path, f.Lang)
	}
	facts, chunks := convert(path, content, f, pkg, co)
	if len(chunks) == 0 && len(content) > 0 {
		return memory.FileInput{}, fmt.Errorf("no chunks from %d bytes", len(content))
	}
	return memory.FileInput{Facts: facts, Chunks: chunks}, nil
}

// Search retrieves context for a query.
func (s *Service) Search(ctx context.Context, q memory.Query) (*memory.Result, error) {
	return s.mem.Retrieve(ctx, q)
}

// Stats describes the index and memory.
type Stats struct {
	Index  repoindex.Stats
	Memory memory.Stats
	Store  store.StoreStats
}

// Stats returns counts of the index, memory and store.
func (s *Service) Stats() (Stats, error) {
	st, err := s.st.Stats()
	return Stats{Index: s.ix.Stats(), Memory: s.mem.Stats(), Store: st}, err
}

// RecordFeedback stores what the user did with an AI action.
func (s *Service) RecordFeedback(ctx context.Context, f memory.Feedback) (memory.Feedback, error) {
	return s.mem.RecordFeedback(ctx, f)
}
