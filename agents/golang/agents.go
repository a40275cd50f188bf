package golang

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"path/filepath"
	"strings"

	"github.com/aios-dev/aios/agents"
	"github.com/aios-dev/aios/agents/govet"
)

// Agent IDs, capability specs and the micro agent kind.
const (
	DiagnoseID agents.ID = "meso/diagnose"
	QuickFixID agents.ID = "meso/quickfix"
	FileKind             = "gofile"

	// OntologyAnalyze asks a file's micro agent to analyse its file.
	OntologyAnalyze = "aios.gofile.analyze/v1"
)

// Capabilities offered by the Go agents.
var (
	Diagnose = agents.CapabilitySpec{Name: "diagnose", Requires: []string{"document"}, Provides: "findings"}
	Lint     = agents.CapabilitySpec{Name: "lint", Requires: []string{"patterns"}, Provides: "findings"}
	QuickFix = agents.CapabilitySpec{Name: "quickfix", Requires: []string{"document", "range", "findings"}, Provides: "fixes"}
)

// Files is the workspace's view of file contents: open buffers over disk.
type Files interface {
	ReadFile(path string) ([]byte, int32, error)
	SnapshotVersions() (map[string][]byte, map[string]int32)
}

// Register adds the Go agents to a node: the Diagnose and QuickFix meso
// agents and the per-file micro agent kind.
func Register(reg *agents.Registry, bus *agents.Bus, files Files, engine *govet.Engine, log *slog.Logger) error {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	shared := &shared{files: files, engine: engine, log: log}
	if err := reg.RegisterMicroKind(FileKind, func(path string) (agents.Agent, error) {
		if !filepath.IsAbs(path) {
			return nil, fmt.Errorf("file agent: %q is not an absolute path", path)
		}
		return &fileAgent{path: path, shared: shared}, nil
	}); err != nil {
		return err
	}
	d := &diagnoseAgent{shared: shared, reg: reg}
	if err := reg.Register(DiagnoseID, agents.Meso, d, Diagnose, Lint); err != nil {
		return err
	}
	port, err := bus.Port(DiagnoseID)
	if err != nil {
		return err
	}
	d.port = port
	return reg.Register(QuickFixID, agents.Meso, quickFixAgent{}, QuickFix)
}

type shared struct {
	files  Files
	engine *govet.Engine
	log    *slog.Logger
}

// maxBuffer is the largest open buffer handed to the analysis engine.
const maxBuffer = govet.DefaultMaxFileBytes

// dropUnusable removes from overlay the open buffers that cannot be Go
// source (NUL bytes) or are too large to analyse, so that one such buffer
// does not stop the analysis of every other file. It returns why each was
// dropped.
func (s *shared) dropUnusable(overlay map[string][]byte) map[string]string {
	var dropped map[string]string
	for path, content := range overlay {
		reason := ""
		switch {
		case len(content) > maxBuffer:
			reason = fmt.Sprintf("the buffer has %d bytes, more than the %d aios analyses", len(content), maxBuffer)
		case bytes.IndexByte(content, 0) >= 0:
			reason = "the buffer contains NUL bytes: it is not Go source"
		default:
			continue
		}
		if dropped == nil {
			dropped = make(map[string]string)
		}
		dropped[path] = reason
		delete(overlay, path)
		s.log.Warn("open buffer left out of analysis", "path", path, "reason", reason)
	}
	return dropped
}

// diagnoseAgent is the Diagnose meso agent. For a document it asks the
// document's micro agent; for a lint it analyses the package patterns
// itself, in one load.
type diagnoseAgent struct {
	*shared
	reg  *agents.Registry
	port *agents.Port
}

func (d *diagnoseAgent) HandleMessage(ctx context.Context, msg *agents.Message) (*agents.Message, error) {
	req, err := agents.DecodeStep(msg)
	if err != nil {
		return msg.NewReply(agents.NotUnderstood, []byte(err.Error())), nil
	}
	switch req.Capability {
	case Diagnose.Name:
		var doc agents.DocumentRef
		if err := req.Input("document", &doc); err != nil {
			return nil, err
		}
		if !strings.HasSuffix(doc.Path, ".go") {
			return agents.InformJSON(msg, agents.FindingSet{Findings: []agents.Finding{}})
		}
		micro, err := d.reg.Micro(FileKind, doc.Path)
		if err != nil {
			return nil, err
		}
		reply, err := d.port.Request(ctx, micro, msg.ConversationID, OntologyAnalyze, nil)
		if err != nil {
			return nil, err
		}
		return msg.NewReply(agents.Inform, reply.Content), nil
	case Lint.Name:
		var patterns []string
		if err := req.Input("patterns", &patterns); err != nil {
			return nil, err
		}
		overlay, versions := d.files.SnapshotVersions()
		d.dropUnusable(overlay)
		res, err := d.engine.AnalyzePatterns(ctx, patterns, overlay)
		if err != nil {
			return nil, err
		}
		return agents.InformJSON(msg, convertResult(res, versions, nil))
	}
	return msg.NewReply(agents.Refuse, []byte("diagnose: cannot "+string(req.Capability))), nil
}

// fileAgent is the micro agent of one Go file. It keeps the findings of the
// last version it analysed.
type fileAgent struct {
	*shared
	path string
}

func (f *fileAgent) HandleMessage(ctx context.Context, msg *agents.Message) (*agents.Message, error) {
	if msg.Ontology != OntologyAnalyze {
		return msg.NewReply(agents.NotUnderstood, []byte("file agent: unknown ontology "+msg.Ontology)), nil
	}
	overlay, versions := f.files.SnapshotVersions()
	version, open := versions[f.path]
	if !open {
		version = -1
	}
	if reason, bad := f.dropUnusable(overlay)[f.path]; bad {
		return msg.NewReply(agents.Refuse, []byte(f.path+": "+reason)), nil
	}
	res, err := f.engine.AnalyzeFiles(ctx, []string{f.path}, overlay)
	if err != nil {
		if errors.Is(err, govet.ErrFileNotFound) {
			return msg.NewReply(agents.Refuse, []byte(err.Error())), nil
		}
		return nil, err
	}
	return agents.InformJSON(msg, convertResult(res, map[string]int32{f.path: version}, func(g *govet.Finding) bool {
		return g.File == f.path
	}))
}

// quickFixAgent is the QuickFix meso agent: it picks the suggested fixes of
// the findings that overlap the requested range.
type quickFixAgent struct{}

func (quickFixAgent) HandleMessage(ctx context.Context, msg *agents.Message) (*agents.Message, error) {
	req, err := agents.DecodeStep(msg)
	if err != nil {
		return msg.NewReply(agents.NotUnderstood, []byte(err.Error())), nil
	}
	var (
		doc      agents.DocumentRef
		rng      agents.ByteRange
		findings agents.FindingSet
	)
	for name, v := range map[string]any{"document": &doc, "range": &rng, "findings": &findings} {
		if err := req.Input(name, v); err != nil {
			return nil, err
		}
	}
	out := agents.FixSet{Fixes: []agents.FixCandidate{}}
	for _, f := range findings.Findings {
		if f.File != doc.Path || f.Start.Offset > rng.End || f.End.Offset < rng.Start {
			continue
		}
		for _, fx := range f.Fixes {
			out.Fixes = append(out.Fixes, agents.FixCandidate{
				Title: fx.Title, Finding: f, Version: findings.Versions[doc.Path], Edits: fx.Edits,
			})
		}
	}
	return agents.InformJSON(msg, out)
}

// convertResult turns an engine result into a FindingSet, keeping the
// findings keep accepts (all when keep is nil).
func convertResult(res *govet.Result, versions map[string]int32, keep func(*govet.Finding) bool) agents.FindingSet {
	out := agents.FindingSet{
		Versions: versions, Findings: make([]agents.Finding, 0, len(res.Findings)),
		Packages: res.Packages, Cached: res.Cached, Analyzed: res.Analyzed,
	}
	for i := range res.Findings {
		g := &res.Findings[i]
		if keep != nil && !keep(g) {
			continue
		}
		f := agents.Finding{
			Analyzer: g.Analyzer, Severity: g.Severity.String(), File: g.File,
			Start: pos(g.Start), End: pos(g.End), Message: g.Message, URL: g.URL,
		}
		for _, fx := range g.Fixes {
			c := agents.Fix{Title: fx.Message}
			for _, e := range fx.Edits {
				c.Edits = append(c.Edits, agents.Edit{File: e.File, Start: e.Start, End: e.End, NewText: e.NewText})
			}
			f.Fixes = append(f.Fixes, c)
		}
		for _, r := range g.Related {
			f.Related = append(f.Related, agents.Related{File: r.File, Start: pos(r.Start), End: pos(r.End), Message: r.Message})
		}
		out.Findings = append(out.Findings, f)
	}
	return out
}

func pos(p govet.Position) agents.Pos {
	return agents.Pos{Offset: p.Offset, Line: p.Line, Column: p.Column}
}
