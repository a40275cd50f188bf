package memory

import (
	"strings"
	"testing"
)

// A small synthetic code base: Go, Python and TypeScript files with their
// chunks and facts, as the indexer would describe them.

type fixtureChunk struct {
	symbol string
	kind   string
	text   string
}

type fixtureFile struct {
	facts  FileFacts
	chunks []fixtureChunk
}

func fixtureFiles() []fixtureFile {
	return []fixtureFile{
		{facts: FileFacts{Path: "server/http.go", Lang: "go", Package: "example.com/app/server",
			Imports: []string{"example.com/app/cache", "net/url"},
			Symbols: []SymbolFact{
				{Name: "Server", Kind: "type", Signature: "type Server struct", Doc: "Server serves HTTP."},
				{Name: "ListenAndServe", Container: "Server", Kind: "method", Signature: "func (s *Server) ListenAndServe() error"},
				{Name: "parseURL", Kind: "function", Signature: "func parseURL(raw string) (*url.URL, error)", Doc: "parseURL parses a raw URL."},
			},
			Refs: []RefFact{
				{Name: "parseURL", From: "Server.ListenAndServe", Call: true},
				{Name: "New", Qualifier: "cache", From: "Server.ListenAndServe", Call: true},
				{Name: "Parse", Qualifier: "url", From: "parseURL", Call: true},
			},
			CoChanged: []CoChange{{Path: "server/http_test.go", Count: 4}},
		}, chunks: []fixtureChunk{
			{"Server", "type", "// Server serves HTTP.\ntype Server struct {\n\tAddr  string\n\tcache *cache.LRU\n}\n"},
			{"Server.ListenAndServe", "method", "func (s *Server) ListenAndServe() error {\n\tu, err := parseURL(s.Addr)\n\tif err != nil {\n\t\treturn err\n\t}\n\ts.cache = cache.New(128)\n\treturn listen(u.Host)\n}\n"},
			{"parseURL", "function", "// parseURL parses a raw URL and checks its scheme and host.\nfunc parseURL(raw string) (*url.URL, error) {\n\tu, err := url.Parse(raw)\n\tif err != nil {\n\t\treturn nil, fmt.Errorf(\"parse url %q: %w\", raw, err)\n\t}\n\tif u.Scheme == \"\" || u.Host == \"\" {\n\t\treturn nil, errors.New(\"url needs a scheme and a host\")\n\t}\n\treturn u, nil\n}\n"},
		}},
		{facts: FileFacts{Path: "server/http_test.go", Lang: "go", Package: "example.com/app/server",
			Symbols: []SymbolFact{{Name: "TestParseURL", Kind: "function", Signature: "func TestParseURL(t *testing.T)"}},
			Refs:    []RefFact{{Name: "parseURL", From: "TestParseURL", Call: true}},
		}, chunks: []fixtureChunk{
			{"TestParseURL", "function", "func TestParseURL(t *testing.T) {\n\tfor _, raw := range []string{\"http://x\", \"bad\"} {\n\t\tif _, err := parseURL(raw); err != nil {\n\t\t\tt.Log(\"parse url\", raw, err)\n\t\t}\n\t}\n}\n"},
		}},
		{facts: FileFacts{Path: "cache/lru.go", Lang: "go", Package: "example.com/app/cache",
			Symbols: []SymbolFact{
				{Name: "LRU", Kind: "type", Signature: "type LRU struct"},
				{Name: "New", Kind: "function", Signature: "func New(size int) *LRU"},
				{Name: "Get", Container: "LRU", Kind: "method", Signature: "func (c *LRU) Get(key string) (any, bool)"},
				{Name: "evict", Container: "LRU", Kind: "method", Signature: "func (c *LRU) evict()"},
			},
			Refs: []RefFact{{Name: "evict", Qualifier: "c", From: "New", Call: true}},
		}, chunks: []fixtureChunk{
			{"LRU", "type", "// LRU is a least-recently-used cache.\ntype LRU struct {\n\tsize  int\n\titems map[string]*list.Element\n\torder *list.List\n}\n"},
			{"New", "function", "// New returns an LRU cache holding size entries.\nfunc New(size int) *LRU {\n\treturn &LRU{size: size, items: map[string]*list.Element{}, order: list.New()}\n}\n"},
			{"LRU.Get", "method", "func (c *LRU) Get(key string) (any, bool) {\n\te, ok := c.items[key]\n\tif !ok {\n\t\treturn nil, false\n\t}\n\tc.order.MoveToFront(e)\n\treturn e.Value, true\n}\n"},
			{"LRU.evict", "method", "// evict drops the oldest entries while the cache is over its size.\nfunc (c *LRU) evict() {\n\tfor c.order.Len() > c.size {\n\t\told := c.order.Back()\n\t\tc.order.Remove(old)\n\t}\n}\n"},
		}},
		{facts: FileFacts{Path: "cache/arc.go", Lang: "go", Package: "example.com/app/cache",
			Symbols: []SymbolFact{{Name: "ARC", Kind: "type"}, {Name: "evict", Container: "ARC", Kind: "method", Signature: "func (c *ARC) evict()"}},
		}, chunks: []fixtureChunk{
			{"ARC.evict", "method", "// evict removes entries from the cache: evict the entries of t1 or evict entries of t2.\nfunc (c *ARC) evict() {\n\tif c.t1.Len() > c.p {\n\t\tc.t1.Remove(c.t1.Back())\n\t\treturn\n\t}\n\tc.t2.Remove(c.t2.Back())\n}\n"},
		}},
		{facts: FileFacts{Path: "auth/token.go", Lang: "go", Package: "example.com/app/auth",
			Symbols: []SymbolFact{
				{Name: "VerifyToken", Kind: "function", Signature: "func VerifyToken(tok string) error", Doc: "VerifyToken checks a bearer token."},
				{Name: "parseJWT", Kind: "function", Signature: "func parseJWT(tok string) (claims, error)"},
			},
			Refs: []RefFact{{Name: "parseJWT", From: "VerifyToken", Call: true}},
		}, chunks: []fixtureChunk{
			{"VerifyToken", "function", "// VerifyToken checks a bearer token's signature and expiry.\nfunc VerifyToken(tok string) error {\n\tc, err := parseJWT(tok)\n\tif err != nil {\n\t\treturn err\n\t}\n\tif c.Expired() {\n\t\treturn errExpired\n\t}\n\treturn nil\n}\n"},
			{"parseJWT", "function", "func parseJWT(tok string) (claims, error) {\n\tparts := strings.Split(tok, \".\")\n\tif len(parts) != 3 {\n\t\treturn claims{}, errMalformed\n\t}\n\treturn decodeClaims(parts[1])\n}\n"},
		}},
		{facts: FileFacts{Path: "cmd/app/main.go", Lang: "go", Package: "example.com/app/cmd/app",
			Imports: []string{"example.com/app/server", "example.com/app/auth", "os"},
			Symbols: []SymbolFact{{Name: "main", Kind: "function", Signature: "func main()"}},
			Refs: []RefFact{
				{Name: "VerifyToken", Qualifier: "auth", From: "main", Call: true},
				{Name: "Server", Qualifier: "server", From: "main"},
				{Name: "ListenAndServe", Qualifier: "srv", From: "main", Call: true},
			},
		}, chunks: []fixtureChunk{
			{"main", "function", "func main() {\n\tif err := auth.VerifyToken(os.Getenv(\"APP_TOKEN\")); err != nil {\n\t\tlog.Fatal(err)\n\t}\n\tsrv := &server.Server{Addr: os.Getenv(\"APP_ADDR\")}\n\tlog.Fatal(srv.ListenAndServe())\n}\n"},
		}},
		{facts: FileFacts{Path: "py/utils/strings.py", Lang: "python",
			Symbols: []SymbolFact{{Name: "slugify", Kind: "function", Signature: "def slugify(text)"}, {Name: "camel_to_snake", Kind: "function", Signature: "def camel_to_snake(name)"}},
		}, chunks: []fixtureChunk{
			{"slugify", "function", "def slugify(text):\n    \"\"\"Turn text into a URL slug.\"\"\"\n    return re.sub(r\"[^a-z0-9]+\", \"-\", text.lower()).strip(\"-\")\n"},
			{"camel_to_snake", "function", "def camel_to_snake(name):\n    return re.sub(r\"(?<!^)(?=[A-Z])\", \"_\", name).lower()\n"},
		}},
		{facts: FileFacts{Path: "web/src/api.ts", Lang: "typescript",
			Symbols: []SymbolFact{{Name: "fetchUser", Kind: "function", Signature: "export async function fetchUser(id: string): Promise<User>"}},
		}, chunks: []fixtureChunk{
			{"fetchUser", "function", "export async function fetchUser(id: string): Promise<User> {\n  const res = await fetch(`/api/users/${id}`);\n  if (!res.ok) throw new Error(`fetch user ${id}: ${res.status}`);\n  return res.json();\n}\n"},
		}},
	}
}

// fixtureInputs returns the fixture as IndexFiles input: chunks get lines
// and bytes in file order.
func fixtureInputs() []FileInput {
	var out []FileInput
	for _, f := range fixtureFiles() {
		in := FileInput{Facts: f.facts}
		line, off := 1, 0
		for _, c := range f.chunks {
			n := strings.Count(c.text, "\n")
			in.Chunks = append(in.Chunks, Chunk{Path: f.facts.Path, Lang: f.facts.Lang, Kind: c.kind, Symbol: c.symbol,
				StartLine: line, EndLine: line + n - 1, StartByte: off, EndByte: off + len(c.text), Text: c.text})
			line += n + 1
			off += len(c.text) + 1
		}
		// Symbol lines follow the chunks.
		for i := range in.Facts.Symbols {
			s := &in.Facts.Symbols[i]
			for _, c := range in.Chunks {
				if c.Symbol == s.Qualified() {
					s.StartLine, s.EndLine = c.StartLine, c.EndLine
				}
			}
		}
		out = append(out, in)
	}
	return out
}

// indexFixture indexes the fixture into m.
func indexFixture(t testing.TB, m *Memory) {
	t.Helper()
	if err := m.IndexFiles(t.Context(), fixtureInputs()); err != nil {
		t.Fatal(err)
	}
}

func itemIDs(r *Result) []string {
	var out []string
	for _, it := range r.Items {
		out = append(out, it.Path+"#"+it.Symbol)
	}
	return out
}
