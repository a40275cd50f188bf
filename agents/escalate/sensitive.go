package escalate

// sensitive are the default sensitive patterns by category, in the order
// DefaultPolicy lists them.
var sensitive = []struct {
	category string
	patterns []string
}{
	{"CI configuration", []string{".github/workflows/**", ".gitlab-ci.yml", ".ci/**", "Jenkinsfile", ".circleci/**"}},
	{"security-sensitive file", []string{"**/auth/**", "**/*secret*", "**/*.pem", "**/*key*", "SECURITY.md", "CODEOWNERS"}},
	{"dependency file", []string{"go.mod", "go.sum", "package.json", "package-lock.json", "yarn.lock", "pnpm-lock.yaml",
		"requirements*.txt", "Pipfile*", "poetry.lock", "Cargo.toml", "Cargo.lock", "Gemfile*", "pom.xml", "build.gradle*"}},
	{"build file", []string{"Makefile", "Dockerfile*", ".gitignore"}},
}

// DefaultSensitivePatterns returns a fresh copy of the default sensitive
// patterns: CI, security, dependency and build files.
func DefaultSensitivePatterns() []string {
	var out []string
	for _, c := range sensitive {
		out = append(out, c.patterns...)
	}
	return out
}

// category names the kind of file a default pattern guards, "sensitive
// file" for a custom pattern.
func category(pattern string) string {
	for _, c := range sensitive {
		for _, p := range c.patterns {
			if p == pattern {
				return c.category
			}
		}
	}
	return "sensitive file"
}
