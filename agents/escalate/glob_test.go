package escalate

import "testing"

func TestMatch(t *testing.T) {
	tests := []struct {
		pattern, name string
		want          bool
	}{
		{"go.mod", "go.mod", true},
		{"go.mod", "sub/go.mod", true},
		{"go.mod", "/ws/go.mod", true},
		{"go.mod", "go.mod.bak", false},
		{"go.mod", "xgo.mod", false},
		{"/go.mod", "go.mod", true},
		{"/go.mod", "sub/go.mod", false},
		{"/go.mod", "/ws/go.mod", false},
		{".github/workflows/**", ".github/workflows/ci.yml", true},
		{".github/workflows/**", ".github/workflows/sub/ci.yml", true},
		{".github/workflows/**", "/ws/.github/workflows/ci.yml", true},
		{".github/workflows/**", ".github/workflows", false},
		{".github/workflows/**", ".github/dependabot.yml", false},
		{"**/auth/**", "auth/token.go", true},
		{"**/auth/**", "internal/auth/token.go", true},
		{"**/auth/**", "internal/author/x.go", false},
		{"**/*secret*", "config/secrets.yaml", true},
		{"**/*secret*", "Secret.txt", true},
		{"**/*.pem", "certs/server.pem", true},
		{"**/*.pem", "certs/server.pem.txt", false},
		{"requirements*.txt", "requirements-dev.txt", true},
		{"requirements*.txt", "requirements.txt", true},
		{"Dockerfile*", "build/Dockerfile.prod", true},
		{"Dockerfile*", "dockerfile", true},
		{"a/**/b", "a/b", true},
		{"a/**/b", "a/x/y/b", true},
		{"a/**/b", "a/x/y/c", false},
		{"a/*/b", "a/x/b", true},
		{"a/*/b", "a/x/y/b", false},
		{"a?c", "abc", true},
		{"a?c", "a/c", false},
		{"[ab].go", "b.go", true},
		{"**", "anything/at/all", true},
		{"x.go", "./dir/../x.go", true},
		{`x.go`, `dir\x.go`, true},
		{"[", "[", false},
		{"", "x", false},
		{"x", "", false},
	}
	for _, tc := range tests {
		if got := Match(tc.pattern, tc.name); got != tc.want {
			t.Errorf("Match(%q, %q) = %v, want %v", tc.pattern, tc.name, got, tc.want)
		}
	}
}

// Every default pattern matches a typical file of its kind.
func TestDefaultPatternsMatch(t *testing.T) {
	files := []string{
		".github/workflows/ci.yml", ".gitlab-ci.yml", ".ci/run.sh", "Jenkinsfile", ".circleci/config.yml",
		"internal/auth/login.go", "pkg/secret_store.go", "certs/tls.pem", "api_key.go", "SECURITY.md", ".github/CODEOWNERS",
		"go.mod", "go.sum", "web/package.json", "web/package-lock.json", "yarn.lock", "pnpm-lock.yaml",
		"requirements-dev.txt", "Pipfile.lock", "poetry.lock", "Cargo.toml", "Cargo.lock", "Gemfile.lock", "pom.xml", "build.gradle.kts",
		"Makefile", "Dockerfile.dev", ".gitignore",
	}
	pats := DefaultSensitivePatterns()
	for _, f := range files {
		found := false
		for _, p := range pats {
			if Match(p, f) {
				found = true
				break
			}
		}
		if !found {
			t.Errorf("%s matches no default pattern", f)
		}
	}
	for _, f := range []string{"main.go", "internal/server/handler.go", "README.md", "docs/guide.md", "cmd/aios/main_test.go"} {
		for _, p := range pats {
			if Match(p, f) {
				t.Errorf("%s matches default pattern %s", f, p)
			}
		}
	}
	if err := DefaultPolicy().Validate(); err != nil {
		t.Errorf("DefaultPolicy().Validate() = %v", err)
	}
}
