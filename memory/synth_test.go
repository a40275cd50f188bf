package memory

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
)

// A synthetic code base shaped like a large Go tree: files in package
// directories, each with a type, its methods and functions; chunks of
// code-like text whose identifiers follow a Zipf distribution; facts with
// same-file, same-package and imported (qualified) calls, tests and
// co-changes.

var synthWords = strings.Fields(`get set new add put read write open close parse format encode decode load save
	init start stop run handle serve request response client server conn stream buffer cache index token
	node tree graph edge path file dir name value key map list queue stack item entry record field
	error err check valid verify auth user session config option flag param arg result status code
	time date duration timeout retry backoff lock mutex sync wait group chan done ctx context cancel
	http url uri host port addr net tcp udp dns tls cert sign hash digest crc sum count size len cap
	byte bytes string text line word char rune int float bool slice array copy move swap sort search
	find match filter reduce apply walk visit scan split join trim pad wrap unwrap flush drain fill
	query select insert update delete table row column schema migrate commit rollback store db tx
	log debug info warn trace metric span event emit publish subscribe topic message packet frame
	render draw paint view model layout style theme color image pixel font glyph shape point rect
	math rand seed noise sample batch shard chunk block page segment range offset limit window pool
	worker task job plan step stage pipe filter codec schema proto json yaml xml csv html css js`)

// synthCorpus generates files files with symbolsPerFile symbols, of which
// the first chunksPerFile get chunks.
type synthCorpus struct {
	files []FileInput
}

func genSynth(files, symbolsPerFile, chunksPerFile int, seed uint64) *synthCorpus {
	rng := rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))
	words := append([]string(nil), synthWords...)
	for len(words) < 3000 { // made-up domain words: the long tail
		syl := []string{"ka", "lo", "mi", "ve", "tor", "an", "qu", "ix", "ra", "zen", "po", "du", "fe", "sa", "ni"}
		w := syl[rng.IntN(len(syl))] + syl[rng.IntN(len(syl))] + syl[rng.IntN(len(syl))]
		words = append(words, w)
	}
	zw := rand.NewZipf(rng, 1.1, 2, uint64(len(words)-1))
	word := func() string { return words[zw.Uint64()] }
	title := func(s string) string { return strings.ToUpper(s[:1]) + s[1:] }
	// Identifiers come from a fixed pool, Zipf-distributed like real code:
	// a few (err, ctx, buf) everywhere, a long tail used once or twice.
	pool := make([]string, 200000)
	for i := range pool {
		n := 1 + rng.IntN(3)
		var b strings.Builder
		for j := range n {
			w := word()
			if j == 0 {
				b.WriteString(w)
			} else {
				b.WriteString(title(w))
			}
		}
		pool[i] = b.String()
	}
	zi := rand.NewZipf(rng, 1.05, 8, uint64(len(pool)-1))
	ident := func(exported bool) string {
		s := pool[zi.Uint64()]
		if exported {
			return title(s)
		}
		return s
	}

	dirs := max(1, files/10)
	dirPath := make([]string, dirs)
	for d := range dirs {
		dirPath[d] = fmt.Sprintf("%s/%s%d/%s", word(), word(), d%37, word()+fmt.Sprint(d))
	}
	type fileSyms struct {
		path, pkg string
		syms      []SymbolFact
	}
	all := make([]fileSyms, files)
	for i := range files {
		d := i / 10 % dirs
		name := ident(false)
		p := fmt.Sprintf("%s/%s_%d.go", dirPath[d], strings.ToLower(name), i%10)
		if i%10 == 9 {
			p = strings.TrimSuffix(all[i-1].path, ".go") + "_test.go"
		}
		fs := fileSyms{path: p, pkg: "example.com/big/" + dirPath[d]}
		typ := title(ident(true))
		for s := range symbolsPerFile {
			var sf SymbolFact
			switch {
			case i%10 == 9:
				target := all[i-1].syms[s%len(all[i-1].syms)]
				sf = SymbolFact{Name: "Test" + target.Container + "_" + target.Name, Kind: "function"}
				if target.Container == "" {
					sf.Name = "Test" + title(target.Name)
				}
			case s == 0:
				sf = SymbolFact{Name: typ, Kind: "type", Signature: "type " + typ + " struct", Doc: typ + " holds " + word() + " " + word() + "."}
			case s <= 5:
				sf = SymbolFact{Name: ident(rng.IntN(2) == 0), Container: typ, Kind: "method"}
				sf.Signature = fmt.Sprintf("func (x *%s) %s(%s %s) error", typ, sf.Name, word(), title(word()))
			default:
				sf = SymbolFact{Name: ident(rng.IntN(2) == 0), Kind: "function"}
				sf.Signature = fmt.Sprintf("func %s(%s string) (%s, error)", sf.Name, word(), title(word()))
			}
			if sf.Signature == "" {
				sf.Signature = "func " + sf.Name + "(t *testing.T)"
			}
			fs.syms = append(fs.syms, sf)
		}
		all[i] = fs
	}

	out := &synthCorpus{files: make([]FileInput, files)}
	for i := range files {
		fs := all[i]
		f := FileFacts{Path: fs.path, Lang: "go", Package: fs.pkg, Symbols: slices.Clone(fs.syms)}
		// Imports: nearby packages and a few popular ones (hubs).
		var imported []int
		for range 3 {
			d := (i/10 + rng.IntN(41) - 20 + dirs) % dirs
			imported = append(imported, d)
		}
		imported = append(imported, int(rand.NewZipf(rng, 1.3, 1, uint64(dirs-1)).Uint64()))
		for _, d := range imported {
			f.Imports = append(f.Imports, "example.com/big/"+dirPath[d])
		}
		if i%10 != 0 {
			f.CoChanged = []CoChange{{Path: all[i-1].path, Count: 1 + rng.IntN(5)}}
		}
		in := FileInput{Facts: f}
		line, off := 1, 0
		for s, sym := range fs.syms {
			start := line
			var b strings.Builder
			if sym.Doc != "" {
				b.WriteString("// " + sym.Doc + "\n")
			}
			b.WriteString(sym.Signature + " {\n")
			nlines := 18 + rng.IntN(20)
			for l := 0; l < nlines; l++ {
				switch r := rng.IntN(10); {
				case r < 3: // call in the same file
					callee := fs.syms[rng.IntN(len(fs.syms))]
					callName := callee.Name
					if callee.Container != "" {
						callName = "x." + callee.Name
					}
					fmt.Fprintf(&b, "\t%s, err := %s(%s, %q)\n", ident(false), callName, ident(false), word()+" "+word())
					in.Facts.Refs = append(in.Facts.Refs, RefFact{Name: callee.Name, From: sym.Qualified(), Call: true})
				case r < 5: // call into an imported package
					d := imported[rng.IntN(len(imported))]
					j := (d*10 + rng.IntN(9)) % files
					callee := all[j].syms[rng.IntN(len(all[j].syms))]
					pkg := dirPath[d][strings.LastIndexByte(dirPath[d], '/')+1:]
					fmt.Fprintf(&b, "\tif err := %s.%s(ctx, %s); err != nil {\n\t\treturn fmt.Errorf(\"%s: %%w\", err)\n\t}\n", pkg, callee.Name, ident(false), word()+" "+word())
					in.Facts.Refs = append(in.Facts.Refs, RefFact{Name: callee.Name, Qualifier: pkg, From: sym.Qualified(), Call: true})
					l += 2
				case r < 7:
					fmt.Fprintf(&b, "\t%s := %s.%s[%s]\n", ident(false), ident(false), title(word()), ident(false))
				case r < 8:
					fmt.Fprintf(&b, "\t// %s the %s %s before %s %s.\n", title(word()), word(), word(), word(), word())
				case r < 9:
					fmt.Fprintf(&b, "\tfor _, %s := range %s.%s {\n\t\t%s += len(%s)\n\t}\n", word(), ident(false), title(word()), ident(false), word())
					l += 2
				default:
					fmt.Fprintf(&b, "\treturn %s, nil\n", ident(false))
				}
			}
			b.WriteString("}\n")
			text := b.String()
			n := strings.Count(text, "\n")
			if s < chunksPerFile {
				in.Chunks = append(in.Chunks, Chunk{Path: fs.path, Lang: "go", Kind: sym.Kind, Symbol: sym.Qualified(),
					StartLine: start, EndLine: start + n - 1, StartByte: off, EndByte: off + len(text), Text: text})
			}
			in.Facts.Symbols[s].StartLine, in.Facts.Symbols[s].EndLine = start, start+n-1
			line += n + 1
			off += len(text) + 1
		}
		out.files[i] = in
	}
	return out
}

// chunks returns every chunk of the corpus.
func (c *synthCorpus) chunkCount() int {
	n := 0
	for _, f := range c.files {
		n += len(f.Chunks)
	}
	return n
}
