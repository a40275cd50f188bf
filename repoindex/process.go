package repoindex

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"go.etcd.io/bbolt"

	"github.com/aios-dev/aios/repoindex/syntax"
)

// job is one file whose blob or syntax state must be (re)computed.
type job struct {
	rel   string
	st    fileStat
	blob  blobID // known without reading: our record or git's index vouches for it
	known bool
}

// outcome is a job's result.
type outcome struct {
	rel    string
	e      diskEntry
	gone   bool // vanished or unreadable: not listed
	hashed bool
}

// Batches of store writes: a batch commits when it holds this many
// records or bytes.
const (
	batchRecords = 512
	batchBytes   = 8 << 20
)

// pending is one write for the batch writer.
type pending struct {
	rel  string
	file []byte // encoded file record
	key  synKey
	rec  []byte // blob record to store, nil if none
}

// processor runs jobs on a bounded pool of workers: read, hash, look up
// or parse, and hand the records to a single writer that commits them in
// batches. A blob is parsed at most once per run even when several files
// share it.
type processor struct {
	ix   *Index
	scan time.Time

	mu     sync.Mutex // guards states
	states map[synKey]*flight

	parsed, reused atomic.Int64
	hashed         atomic.Int64
	hashTime       atomic.Int64 // ns spent reading and hashing, summed over workers
}

// flight is the syntax state of one blob in this run; done is closed when
// syn is set.
type flight struct {
	done chan struct{}
	syn  synState
}

func (ix *Index) newProcessor(scan time.Time) *processor {
	return &processor{ix: ix, scan: scan, states: map[synKey]*flight{}}
}

// run processes jobs and returns their outcomes. Records are committed as
// they complete; on error or cancellation the committed batches remain
// (each is consistent on its own).
func (p *processor) run(ctx context.Context, jobs []job) ([]outcome, error) {
	out := make([]outcome, len(jobs))
	if len(jobs) == 0 {
		return out, nil
	}
	ctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	writes := make(chan pending, 256)
	writeErr := make(chan error, 1)
	go func() { writeErr <- p.write(writes) }()

	var next atomic.Int64
	var wg sync.WaitGroup
	for range min(p.ix.opts.Workers, len(jobs)) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				i := int(next.Add(1)) - 1
				if i >= len(jobs) || ctx.Err() != nil {
					return
				}
				o, w, claim := p.one(jobs[i])
				out[i] = o
				sent := false
				if !o.gone {
					select {
					case writes <- w:
						sent = true
					case <-ctx.Done():
					}
				}
				if claim != nil {
					// Publish a parsed blob only once its record is queued
					// ahead of any file record that will rely on it: the
					// writer commits in queue order.
					if !sent {
						claim.syn = synUnknown
					}
					p.finish(claim.key, claim.syn)
				}
				if !sent && !o.gone {
					return
				}
			}
		}()
	}
	go func() {
		// The writer fails alone (a full disk): stop the workers.
		wg.Wait()
		close(writes)
	}()
	err := <-writeErr
	if err != nil {
		cancel(err)
		wg.Wait()
		return nil, err
	}
	wg.Wait()
	if err := ctx.Err(); err != nil {
		return nil, context.Cause(ctx)
	}
	return out, nil
}

// write commits pendings in batches until the channel closes.
func (p *processor) write(in <-chan pending) error {
	var batch []pending
	size := 0
	flush := func() error {
		if len(batch) == 0 {
			return nil
		}
		err := p.ix.db.Update(func(tx *bbolt.Tx) error {
			blobs, files := tx.Bucket(bucketBlobs), tx.Bucket(bucketFiles)
			for _, w := range batch {
				if w.rec != nil {
					if err := blobs.Put(w.key.bytes(), w.rec); err != nil {
						return err
					}
				}
			}
			for _, w := range batch {
				if err := files.Put([]byte(w.rel), w.file); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			return fmt.Errorf("repoindex: writing %d records: %w", len(batch), err)
		}
		p.ix.log.Debug("repoindex: batch committed", "records", len(batch), "bytes", size)
		batch, size = batch[:0], 0
		return nil
	}
	for w := range in {
		batch = append(batch, w)
		size += len(w.rec) + len(w.file) + len(w.rel)
		if len(batch) >= batchRecords || size >= batchBytes {
			if err := flush(); err != nil {
				for range in {
				}
				return err
			}
		}
	}
	return flush()
}

// claim is a syntax key one job computed, to publish after its write is
// queued.
type claim struct {
	key synKey
	syn synState
}

// one computes a job's entry and the writes it needs.
func (p *processor) one(j job) (outcome, pending, *claim) {
	o := outcome{rel: j.rel}
	e := &o.e
	e.st = j.st
	switch {
	case j.st.isSymlink():
		target, err := os.Readlink(filepath.Join(p.ix.opts.Root, filepath.FromSlash(j.rel)))
		if err != nil {
			o.gone = true
			return o, pending{}, nil
		}
		e.blob, e.syn, o.hashed = hashBlob([]byte(target)), synNone, true
	case j.known && j.st.size > p.ix.opts.MaxFileBytes:
		e.blob, e.syn = j.blob, synTooLarge
	default:
		var rec []byte
		if j.known {
			e.blob = j.blob
			if syn, ok := p.lookup(keyFor(j.rel, j.blob)); ok {
				e.syn = syn
				break
			}
		}
		content, st, err := p.read(j)
		if err != nil {
			if !errors.Is(err, fs.ErrNotExist) {
				p.ix.log.Warn("repoindex: file unreadable; not listed", "path", j.rel, "err", err)
			}
			if j.known {
				p.finish(keyFor(j.rel, j.blob), synUnknown)
			}
			o.gone = true
			return o, pending{}, nil
		}
		e.st, o.hashed = st, true
		if st.size > p.ix.opts.MaxFileBytes {
			if j.known {
				p.finish(keyFor(j.rel, j.blob), synUnknown)
			}
			e.blob, e.syn = blobID(content), synTooLarge
			break
		}
		b := hashBlob(content)
		if j.known && b != j.blob {
			// The vouched blob was stale; release it and use what we read.
			p.finish(keyFor(j.rel, j.blob), synUnknown)
		}
		e.blob = b
		if b != j.blob || !j.known {
			if syn, ok := p.lookup(keyFor(j.rel, b)); ok {
				e.syn = syn
				break
			}
		}
		if cached, ok := p.ix.cache.get(keyFor(j.rel, b)); ok {
			rec = cached
			e.syn, _ = recordState(rec)
			p.reused.Add(1)
		} else {
			var f *syntax.File
			rec, e.syn, f = p.ix.parseRecordWith(j.rel, content, nil)
			p.parsed.Add(1)
			if f != nil && p.ix.opts.OnParsed != nil {
				p.ix.opts.OnParsed(ParsedFile{Path: j.rel, Blob: b.String(), Content: content, Syntax: f})
			}
		}
		e.racy = e.st.racy(p.scan)
		key := keyFor(j.rel, b)
		return o, pending{rel: j.rel, file: e.encode(nil), key: key, rec: rec}, &claim{key: key, syn: e.syn}
	}
	e.racy = e.st.racy(p.scan)
	return o, pending{rel: j.rel, file: e.encode(nil)}, nil
}

// lookup returns the syntax state of b when it is known (stored, or
// computed earlier in this run) and otherwise claims b for the caller,
// who must call finish. A caller that finds b claimed by another worker
// waits for it.
func (p *processor) lookup(b synKey) (synState, bool) {
	for {
		p.mu.Lock()
		f, ok := p.states[b]
		if !ok {
			f = &flight{done: make(chan struct{})}
			p.states[b] = f
			p.mu.Unlock()
			if syn, ok := p.ix.storedState(b); ok {
				p.reused.Add(1)
				p.finish(b, syn)
				return syn, true
			}
			return synUnknown, false
		}
		p.mu.Unlock()
		<-f.done
		if f.syn != synUnknown {
			p.reused.Add(1)
			return f.syn, true
		}
		// The claimant gave up (its file vanished): try to claim again.
	}
}

// finish publishes b's state to waiting workers; synUnknown releases the
// claim.
func (p *processor) finish(b synKey, syn synState) {
	p.mu.Lock()
	f := p.states[b]
	if syn == synUnknown {
		delete(p.states, b)
	}
	p.mu.Unlock()
	if f != nil {
		select {
		case <-f.done:
		default:
			f.syn = syn
			close(f.done)
		}
	}
}

// read returns the file's content, or for a file above MaxFileBytes its
// blob id (streamed, 20 bytes) in place of the content. The stat returned
// is the open file's, which matches what was read more closely than the
// walk's.
func (p *processor) read(j job) ([]byte, fileStat, error) {
	start := time.Now()
	defer func() { p.hashTime.Add(int64(time.Since(start))); p.hashed.Add(1) }()
	// O_NONBLOCK: a file replaced by a FIFO since the walk must not block.
	f, err := os.OpenFile(filepath.Join(p.ix.opts.Root, filepath.FromSlash(j.rel)), os.O_RDONLY|syscall.O_NONBLOCK, 0)
	if err != nil {
		return nil, j.st, err
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return nil, j.st, err
	}
	if !fi.Mode().IsRegular() {
		return nil, j.st, fmt.Errorf("%s: no longer a regular file: %w", j.rel, fs.ErrNotExist)
	}
	st := statOf(fi)
	if st.size > p.ix.opts.MaxFileBytes {
		b, err := hashReader(f, st.size)
		return b[:], st, err
	}
	content := make([]byte, st.size)
	if _, err := io.ReadFull(f, content); err != nil {
		return nil, st, fmt.Errorf("%s: %w (the file changed while read)", j.rel, err)
	}
	return content, st, nil
}
