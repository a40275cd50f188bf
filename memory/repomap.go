package memory

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
)

// RankedSymbol is one entry of a repository map.
type RankedSymbol struct {
	ID        string
	Path      string
	Name      string
	Container string
	Kind      string
	Signature string
	Doc       string
	Line      int
	Score     float64 // PageRank score
}

// line renders the symbol's line of a repository map.
func (r RankedSymbol) line() string {
	sig := r.Signature
	if sig == "" {
		sig = strings.TrimSpace(r.Kind + " " + qualified(r.Container, r.Name))
	}
	var b strings.Builder
	b.WriteString("  ")
	b.WriteString(strconv.Itoa(r.Line))
	b.WriteString(": ")
	b.WriteString(oneLine(sig))
	if r.Doc != "" {
		b.WriteString("  // ")
		b.WriteString(oneLine(r.Doc))
	}
	b.WriteByte('\n')
	return b.String()
}

func qualified(container, name string) string {
	if container == "" {
		return name
	}
	return container + "." + name
}

// oneLine keeps the first line of s, trimmed.
func oneLine(s string) string {
	if i := strings.IndexAny(s, "\r\n"); i >= 0 {
		s = s[:i]
	}
	return strings.TrimSpace(s)
}

func fileHeader(path string) string { return path + ":\n" }

// repoMapTol is the forward-push tolerance of RepoMap: tens of
// milliseconds on 150k symbols, where power iteration takes about a second.
const repoMapTol = 1e-7

// repoMapMisses bounds how many symbols RepoMap skips for not fitting
// before it stops looking for smaller ones.
const repoMapMisses = 64

// RepoMap returns the symbols most relevant to the seeds (node IDs with
// weights, as for PageRank), best first, as many as FormatRepoMap renders
// within budgetTokens. Symbols of seed files, and seed symbols themselves,
// are left out: the caller already has them.
func (g *Graph) RepoMap(seeds map[string]float64, budgetTokens int) ([]RankedSymbol, error) {
	if budgetTokens <= 0 {
		return nil, fmt.Errorf("%w: repository map budget %d", ErrInvalidBudget, budgetTokens)
	}
	ranked, err := g.PageRank(seeds, PageRankOptions{Push: true, Tol: repoMapTol})
	if err != nil {
		return nil, err
	}
	skipFile := map[string]bool{}
	for id := range seeds {
		if p, ok := strings.CutPrefix(id, filePrefix); ok {
			skipFile[p] = true
		}
	}
	g.mu.RLock()
	defer g.mu.RUnlock()
	var out []RankedSymbol
	inMap := map[string]bool{}
	left, misses := budgetTokens, 0
	for _, ns := range ranked {
		if ns.Kind != "symbol" || skipFile[ns.Path] || seeds[ns.ID] > 0 {
			continue
		}
		n, ok := g.ids[ns.ID]
		if !ok || !g.nodes[n].alive {
			continue
		}
		info := g.syms[g.nodes[n].sym]
		rs := RankedSymbol{ID: ns.ID, Path: ns.Path, Name: info.Name, Container: info.Container, Kind: info.Kind,
			Signature: info.Signature, Doc: info.Doc, Line: info.StartLine, Score: ns.Score}
		cost := EstimateTokens(rs.line())
		if !inMap[rs.Path] {
			cost += EstimateTokens(fileHeader(rs.Path))
		}
		if cost > left {
			if misses++; misses >= repoMapMisses {
				break
			}
			continue
		}
		left -= cost
		inMap[rs.Path] = true
		out = append(out, rs)
	}
	return out, nil
}

// FormatRepoMap renders a repository map: each file once, in the order of
// its best symbol, with its symbols by line.
func FormatRepoMap(syms []RankedSymbol) string {
	var order []string
	byFile := map[string][]RankedSymbol{}
	for _, s := range syms {
		if _, ok := byFile[s.Path]; !ok {
			order = append(order, s.Path)
		}
		byFile[s.Path] = append(byFile[s.Path], s)
	}
	var b strings.Builder
	for _, p := range order {
		b.WriteString(fileHeader(p))
		list := byFile[p]
		slices.SortStableFunc(list, func(a, b RankedSymbol) int { return a.Line - b.Line })
		for _, s := range list {
			b.WriteString(s.line())
		}
	}
	return b.String()
}
