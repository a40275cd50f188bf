package memory

import (
	"slices"
	"testing"
)

func TestTokenize(t *testing.T) {
	tests := []struct {
		in   string
		want []string
	}{
		{"HTTPServer", []string{"httpserver", "http", "server"}},
		{"parseURL2", []string{"parseurl2", "parse", "url", "2"}},
		{"camelCase", []string{"camelcase", "camel", "case"}},
		{"PascalCase", []string{"pascalcase", "pascal", "case"}},
		{"snake_case", []string{"snake_case", "snake", "case"}},
		{"kebab-case", []string{"kebab-case", "kebab", "case"}},
		{"SCREAMING_SNAKE", []string{"screaming_snake", "screaming", "snake"}},
		{"__init__", []string{"__init__", "init"}},
		{"getX", []string{"getx", "get"}},
		{"utf8Decode", []string{"utf8decode", "utf", "8", "decode"}},
		{"simple", []string{"simple"}},
		{"x", nil},
		{"2024", []string{"2024"}},
		{"How does the HTTP server parse a URL?", []string{"http", "server", "parse", "url"}},
		{"func (s *Server) ListenAndServe() error {", []string{"func", "server", "listenandserve", "listen", "serve", "error"}},
		{"net/http/server.go", []string{"net", "http", "server", "go"}},
		{"a - b", nil},
		{"x-1", []string{"1"}},
		{"--dry-run", []string{"dry-run", "dry", "run"}},
		{"ÜberCafé_Straße", []string{"übercafé_straße", "über", "café", "straße"}},
		{"", nil},
		{"\x00\xff\xfe", nil},
		{"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa other", []string{"other"}},
	}
	for _, tt := range tests {
		got := Tokenize(tt.in)
		if !slices.Equal(got, tt.want) {
			t.Errorf("Tokenize(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func FuzzTokenize(f *testing.F) {
	for _, s := range []string{"HTTPServer", "a-b-c", "ÜberCafé", "\xff\x00", "x_1-y"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		for _, tok := range Tokenize(s) {
			if tok == "" {
				t.Fatalf("empty token from %q", s)
			}
		}
	})
}
