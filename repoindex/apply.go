package repoindex

import (
	"slices"

	"github.com/aios-dev/aios/repoindex/syntax"
)

// infoLocked returns the listing entry of rel and its syntax state.
// ix.mu must be held.
func (ix *Index) infoLocked(rel string) (FileInfo, synState, bool) {
	d, b := ix.disk[rel], ix.bufs[rel]
	if b != nil && (d == nil || d.blob != b.blob) {
		return FileInfo{
			Path: rel, Blob: b.blob.String(), Size: b.size, Lang: syntax.LangForPath(rel),
			State: StateBuffer, Parsed: b.syn == synParsed,
		}, b.syn, true
	}
	if d != nil {
		return FileInfo{
			Path: rel, Blob: d.blob.String(), Size: d.st.size, Lang: syntax.LangForPath(rel),
			State: ix.snap.state(rel, d.blob), Symlink: d.st.isSymlink(), Parsed: d.syn == synParsed,
		}, d.syn, true
	}
	if ix.snap.isGitlink(rel) {
		h := ix.snap.gitlinks()[rel]
		state := StateTracked
		if e, ok := ix.snap.head[rel]; !ok || e.hash != h {
			state = StateModified
		}
		return FileInfo{Path: rel, Blob: h.String(), State: state, Submodule: true}, synNone, true
	}
	return FileInfo{}, synUnknown, false
}

// entryKey is what distinguishes two states of a listing entry, without
// the strings FileInfo carries (cheap to compute for every path).
type entryKey struct {
	blob   blobID
	size   int64
	state  State
	syn    synState
	flags  uint8 // 1 submodule, 2 symlink
	listed bool
}

// keyLocked returns rel's entryKey; ix.mu must be held. It mirrors
// infoLocked.
func (ix *Index) keyLocked(rel string) entryKey {
	d, b := ix.disk[rel], ix.bufs[rel]
	switch {
	case b != nil && (d == nil || d.blob != b.blob):
		return entryKey{blob: b.blob, size: b.size, state: StateBuffer, syn: b.syn, listed: true}
	case d != nil:
		k := entryKey{blob: d.blob, size: d.st.size, state: ix.snap.state(rel, d.blob), syn: d.syn, listed: true}
		if d.st.isSymlink() {
			k.flags = 2
		}
		return k
	case ix.snap.isGitlink(rel):
		info, _, _ := ix.infoLocked(rel)
		return entryKey{blob: ix.snap.gitlinks()[rel], state: info.State, syn: synNone, flags: 1, listed: true}
	}
	return entryKey{}
}

// applyLocked runs mutate and records in ch how the entries of the
// affected paths changed. ix.mu must be held for writing.
func (ix *Index) applyLocked(ch *Changes, affected map[string]bool, mutate func()) {
	before := make(map[string]entryKey, len(affected))
	for rel := range affected {
		before[rel] = ix.keyLocked(rel)
	}
	mutate()
	for rel := range affected {
		b, a := before[rel], ix.keyLocked(rel)
		switch {
		case !b.listed && a.listed:
			ch.Added = append(ch.Added, rel)
		case b.listed && !a.listed:
			ch.Removed = append(ch.Removed, rel)
		case b.listed && a.listed && b.blob != a.blob:
			ch.Modified = append(ch.Modified, rel)
		case b.listed && a.listed && b != a && (b.state != a.state || (b.syn == synParsed) != (a.syn == synParsed) || b.flags != a.flags):
			ch.Restated = append(ch.Restated, rel)
		case b != a:
			ix.view = nil // the same file, only its size changed (a stat-only change)
		}
	}
	slices.Sort(ch.Added)
	slices.Sort(ch.Modified)
	slices.Sort(ch.Removed)
	slices.Sort(ch.Restated)
	if !ch.Empty() {
		ix.view = nil
	}
}
