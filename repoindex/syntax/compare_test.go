package syntax

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"reflect"
	"runtime"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	ts "github.com/tree-sitter/go-tree-sitter"
)

var corpusDirs = flag.String("corpus", "", "comma-separated directories whose Go, Python, JavaScript and TypeScript files TestFlatTreeMatchesLegacy also compares")

// legacyReadChunk is the slice size the legacy parse hands to tree-sitter
// per read callback.
const legacyReadChunk = 64 << 10

// legacyParser parses as Parse did before the flat tree: go-tree-sitter
// parsers fed by a read callback, and the legacy analyzer. Not safe for
// concurrent use.
type legacyParser struct {
	parsers map[Lang]*ts.Parser
}

func newLegacyParser() *legacyParser {
	return &legacyParser{parsers: map[Lang]*ts.Parser{}}
}

func (lp *legacyParser) close() {
	for _, p := range lp.parsers {
		p.Close()
	}
}

// parse is ParseContext as of commit a7334fb, without cancellation.
func (lp *legacyParser) parse(path string, content []byte, opts Options) (*File, error) {
	o, err := opts.withDefaults()
	if err != nil {
		return nil, err
	}
	if isBinary(content) {
		return nil, fmt.Errorf("%s: %w", path, ErrBinary)
	}
	lang := LangForPath(path)
	if len(content) > o.MaxFileBytes {
		return &File{Lang: LangText, TooLarge: true, Chunks: ChunkLines(content, o)}, nil
	}
	g := grammarFor(lang)
	if g == nil {
		return &File{Lang: LangText, Chunks: ChunkLines(content, o)}, nil
	}
	p := lp.parsers[lang]
	if p == nil {
		p = ts.NewParser()
		if err := p.SetLanguage(g.ts); err != nil {
			return nil, err
		}
		lp.parsers[lang] = p
	}
	tree := p.ParseWith(func(off int, _ ts.Point) []byte {
		if off >= len(content) {
			return nil
		}
		return content[off:min(len(content), off+legacyReadChunk)]
	}, nil)
	if tree == nil {
		return nil, ErrParse
	}
	defer tree.Close()
	root := tree.RootNode()
	a := &legacyAnalyzer{
		ctx:          context.Background(),
		g:            g,
		src:          content,
		li:           newLineIndex(content),
		opts:         o,
		f:            &File{Lang: lang},
		wc:           root.Walk(),
		lc:           root.Walk(),
		requireAlias: map[uint]string{},
		exportNames:  map[string]bool{},
	}
	defer a.wc.Close()
	defer a.lc.Close()
	if err := a.run(root); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return a.f, nil
}

// compareLegacy parses content with Parse and with the legacy parser and
// reports any difference in results or errors, and any look-up that the
// flat tree could not answer as tree-sitter would.
func compareLegacy(t testing.TB, lp *legacyParser, path string, content []byte, opts Options) {
	t.Helper()
	got, stats, err := parseFile(context.Background(), path, content, opts)
	want, wantErr := lp.parse(path, content, opts)
	if fmt.Sprint(err) != fmt.Sprint(wantErr) {
		t.Errorf("%s %+v: error %v, legacy %v", path, opts, err, wantErr)
		return
	}
	if stats != (parseStats{}) {
		t.Errorf("%s %+v: %+v", path, opts, stats)
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("%s %+v: result differs from the legacy one: %s", path, opts, fileDiff(got, want))
	}
}

// fileDiff describes the first difference between two Files.
func fileDiff(got, want *File) string {
	if got == nil || want == nil {
		return fmt.Sprintf("%v vs %v", got, want)
	}
	gv, wv := reflect.ValueOf(*got), reflect.ValueOf(*want)
	for i := range gv.NumField() {
		g, w := gv.Field(i), wv.Field(i)
		if reflect.DeepEqual(g.Interface(), w.Interface()) {
			continue
		}
		name := gv.Type().Field(i).Name
		if g.Kind() == reflect.Slice {
			for j := range min(g.Len(), w.Len()) {
				if !reflect.DeepEqual(g.Index(j).Interface(), w.Index(j).Interface()) {
					return fmt.Sprintf("%s[%d]: %+v, legacy %+v", name, j, g.Index(j).Interface(), w.Index(j).Interface())
				}
			}
			return fmt.Sprintf("%s: %d entries, legacy %d (nil %v/%v)", name, g.Len(), w.Len(), g.IsNil(), w.IsNil())
		}
		return fmt.Sprintf("%s: %v, legacy %v", name, g.Interface(), w.Interface())
	}
	return "no field differs"
}

// compareOptions are the options every comparison uses: the defaults, and
// small chunks that split most declarations.
var compareOptions = []Options{{}, {MaxChunkBytes: 300, MinChunkBytes: 60}}

// legacyPool keeps idle legacy parsers for the tests that compare
// (mustParse among them); parsers that do not fit are closed.
var legacyPool = make(chan *legacyParser, 16)

// compareWithLegacy compares Parse with the legacy parser on content.
func compareWithLegacy(t testing.TB, path string, content []byte, opts Options) {
	t.Helper()
	var lp *legacyParser
	select {
	case lp = <-legacyPool:
	default:
		lp = newLegacyParser()
	}
	defer func() {
		select {
		case legacyPool <- lp:
		default:
			lp.close()
		}
	}()
	compareLegacy(t, lp, path, content, opts)
}

// TestFlatTreeMatchesLegacy compares Parse with the legacy cursor walk on
// every .go file of GOROOT/src/net, GOROOT/src/go and GOROOT/test, the
// package's samples, the inputs of the other tests (mustParse compares
// too) and the files under -corpus, whole and (every fourth) cut short,
// with default chunks and (every fourth file, all the small inputs) small
// chunks.
func TestFlatTreeMatchesLegacy(t *testing.T) {
	var files []sourceFile
	for _, s := range samples {
		files = append(files, sourceFile{s.path, []byte(s.src)})
		files = append(files, sourceFile{"crlf-" + s.path, []byte(strings.ReplaceAll(s.src, "\n", "\r\n"))})
		for cut := 1; cut < len(s.src); cut += max(1, len(s.src)/40) {
			files = append(files, sourceFile{"cut-" + s.path, []byte(s.src[:cut])})
		}
	}
	files = append(files,
		sourceFile{"big.go", []byte(bigGoFunc(300))},
		sourceFile{"gen.go", []byte(generatedGo(256 << 10))},
		sourceFile{"small.go", []byte(smallGoFile())},
		sourceFile{"notes.txt", []byte(prose(5000))},
	)
	for i := range 64 {
		data := []byte{byte(i * 37), byte(i), byte(i * 7), 0x80 | byte(i), byte(i * 3), 5, byte(i * 11)}
		files = append(files, sourceFile{"fuzz.go", []byte(assembleGo(data))})
	}
	var paths []string
	if !testing.Short() {
		paths = gorootFiles(t, ".go", "src/net", "src/go", "test")
	}
	if raceEnabled {
		paths = everyNth(paths, 25)
	}
	for _, dir := range strings.Split(*corpusDirs, ",") {
		if dir != "" {
			paths = append(paths, corpusFiles(t, dir)...)
		}
	}
	everyOption := len(files) // files before this index get every option
	for i, f := range readFiles(t, paths) {
		files = append(files, f)
		if i%4 == 0 { // a syntax error where the file is cut
			files = append(files, sourceFile{f.path, f.src[:len(f.src)*2/3]})
		}
	}
	var compared atomic.Int64
	var wg sync.WaitGroup
	var next atomic.Int64
	for range runtime.GOMAXPROCS(0) {
		wg.Go(func() {
			lp := newLegacyParser()
			defer lp.close()
			for {
				i := int(next.Add(1)) - 1
				if i >= len(files) || t.Failed() {
					return
				}
				opts := compareOptions
				if i >= everyOption && i%4 != 0 {
					opts = opts[:1]
				}
				for _, o := range opts {
					compareLegacy(t, lp, files[i].path, files[i].src, o)
				}
				compared.Add(1)
			}
		})
	}
	wg.Wait()
	t.Logf("%d files (%d from GOROOT and -corpus) identical", compared.Load(), len(paths))
}

// corpusFiles lists the files under dir that Parse analyses.
func corpusFiles(t *testing.T, dir string) []string {
	t.Helper()
	var out []string
	for _, ext := range []string{".go", ".py", ".pyi", ".js", ".mjs", ".cjs", ".jsx", ".ts", ".mts", ".cts", ".tsx"} {
		out = append(out, filesUnder(t, ext, dir)...)
	}
	slices.Sort(out)
	return out
}

func everyNth(s []string, n int) []string {
	var out []string
	for i := 0; i < len(s); i += n {
		out = append(out, s[i])
	}
	return out
}

// TestCompareLegacyDetectsDifferences checks that the comparison is not
// vacuous: a File that differs from the legacy one is reported.
func TestCompareLegacyDetectsDifferences(t *testing.T) {
	lp := newLegacyParser()
	defer lp.close()
	src := []byte(goSample)
	want, err := lp.parse("shapes.go", src, Options{})
	if err != nil {
		t.Fatal(err)
	}
	got, err := Parse("shapes.go", src, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("results differ: %s", fileDiff(got, want))
	}
	got.Refs[3].Start.Column++
	if reflect.DeepEqual(got, want) || !strings.HasPrefix(fileDiff(got, want), "Refs[3]") {
		t.Errorf("a changed ref is not reported: %s", fileDiff(got, want))
	}
	if _, err := lp.parse("nul.go", []byte("\x00"), Options{}); !errors.Is(err, ErrBinary) {
		t.Errorf("legacy parse of binary content: %v", err)
	}
}
