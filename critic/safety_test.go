package critic

import (
	"strings"
	"testing"
)

// mkChange builds a resolved change for the scanners.
func mkChange(rel, old, new string, existed, del bool) *change {
	c := &change{rel: rel, old: []byte(old), new: []byte(new), existed: existed, delete: del}
	c.diff = newFileDiff(rel, c.old, c.new, !existed, del)
	return c
}

func TestScanSecrets(t *testing.T) {
	tests := []struct {
		name, old, new string
		want           string // substring of the one finding; "" for none
	}{
		{"aws", "", `key := "AKIAIOSFODNN7EXAMPLQ"` + "\n", "AWS access key ID"},
		{"github", "", "token: ghp_" + strings.Repeat("a1B2", 9) + "\n", "GitHub token"},
		{"openai", "", `OPENAI = "sk-proj-abcdefghijklmnopqrstuvwx12"` + "\n", "sk-"},
		{"slack", "", "x = 'xoxb-123456789012-abcdefghij'\n", "Slack token"},
		{"pem", "", "-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAA\n-----END OPENSSH PRIVATE KEY-----\n", "private key"},
		{"pgp", "", "-----BEGIN PGP PRIVATE KEY BLOCK-----\n", "private key"},
		{"generic", "", `apiKey = "q8Zt3LmW9xVr2KpB7nYd4HsF"` + "\n", "high-entropy"},
		{"generic go", "", `var dbPassword = "Xk29fLq81mZpW3vRt7Ya"` + "\n", "high-entropy"},
		{"placeholder", "", `apiKey = "your-api-key-goes-here-1234"` + "\n", ""},
		{"low entropy", "", `token = "aaaaaaaaaaaaaaaaaaaa1"` + "\n", ""},
		{"env lookup", "", `apiKey := os.Getenv("API_KEY")` + "\n", ""},
		{"public key", "", "-----BEGIN PUBLIC KEY-----\n", ""},
		{"already there", "k := \"AKIAIOSFODNN7EXAMPLQ\"\n", "// moved\nk := \"AKIAIOSFODNN7EXAMPLQ\"\n", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := scanSecrets(mkChange("f.txt", tt.old, tt.new, tt.old != "", false))
			switch {
			case tt.want == "" && len(got) > 0:
				t.Fatalf("false positive: %+v", got)
			case tt.want != "" && (len(got) == 0 || !strings.Contains(got[0].Message, tt.want)):
				t.Fatalf("findings %+v, want %q", got, tt.want)
			}
			for _, f := range got {
				if strings.Contains(f.Message, "EXAMPL") || strings.Contains(f.Message, "q8Zt3LmW9") {
					t.Fatalf("secret not redacted: %s", f.Message)
				}
			}
		})
	}
}

func TestScanWeakening(t *testing.T) {
	const goTest = "package p\n\nimport \"testing\"\n\nfunc TestA(t *testing.T) {}\n\nfunc TestB(t *testing.T) {}\n"
	tests := []struct {
		name, rel, old, new string
		del                 bool
		want                string
	}{
		{"go test deleted", "p/a_test.go", goTest, "", true, "test file deleted with 2 tests (TestA, TestB)"},
		{"js test deleted", "web/a.test.ts", "it('x', () => {})\n", "", true, "test file deleted"},
		{"py test deleted", "tests/test_x.py", "def test_x(): pass\n", "", true, "test file deleted"},
		{"func removed", "p/a_test.go", goTest, strings.Replace(goTest, "func TestB(t *testing.T) {}\n", "", 1), false, "test TestB removed"},
		{"func renamed", "p/a_test.go", goTest, strings.Replace(goTest, "TestB", "testB", 1), false, "test TestB removed"},
		{"skip", "p/a_test.go", goTest, strings.Replace(goTest, "TestA(t *testing.T) {}", "TestA(t *testing.T) { t.Skip() }", 1), false, "t.Skip"},
		{"skip moved", "p/a_test.go", strings.Replace(goTest, "TestA(t *testing.T) {}", "TestA(t *testing.T) { t.Skip() }", 1),
			strings.Replace(goTest, "TestB(t *testing.T) {}", "TestB(t *testing.T) { t.Skip() }", 1), false, ""},
		{"build ignore", "p/a_test.go", goTest, "//go:build ignore\n\n" + goTest, false, "build constraint"},
		{"js skip", "web/a.spec.js", "it('x', () => {})\n", "it.skip('x', () => {})\n", false, "test skipped"},
		{"js only", "web/a.test.tsx", "it('x', () => {})\n", "it.only('x', () => {})\n", false, "test skipped"},
		{"pytest skip", "tests/test_x.py", "def test_x(): pass\n", "@pytest.mark.skip\ndef test_x(): pass\n", false, "test skipped"},
		{"nolint", "p/a.go", "package p\n", "package p\n\nvar x = 1 //nolint:unused\n", false, "nolint"},
		{"eslint", "web/a.js", "f()\n", "// eslint-disable-next-line\nf()\n", false, "linter suppressed"},
		{"ts-ignore", "web/a.ts", "f()\n", "// @ts-ignore\nf()\n", false, "linter suppressed"},
		{"insecure tls", "p/a.go", "package p\n", "package p\n\nvar c = tls.Config{InsecureSkipVerify: true}\n", false, "TLS verification disabled"},
		{"vet off", "Makefile", "test:\n\tgo test ./...\n", "test:\n\tgo test -vet=off ./...\n", false, "check disabled"},
		{"chmod go", "p/a.go", "package p\n", "package p\n\nfunc f() { os.Chmod(\"x\", 0777) }\n", false, "world-writable"},
		{"chmod sh", "run.sh", "#!/bin/sh\n", "#!/bin/sh\nchmod -R 777 /srv\n", false, "world-writable"},
		{"chmod a+w", "run.sh", "#!/bin/sh\n", "#!/bin/sh\nchmod a+w file\n", false, "world-writable"},
		{"umask", "run.sh", "#!/bin/sh\n", "#!/bin/sh\numask 000\n", false, "umask"},
		{"chmod 0755 fine", "p/a.go", "package p\n", "package p\n\nfunc f() { os.Chmod(\"x\", 0o755) }\n", false, ""},
		{"mkdirall 0777 fine", "p/a.go", "package p\n", "package p\n\nfunc f() { os.MkdirAll(\"x\", 0o777) }\n", false, ""},
		{"new test file", "p/b_test.go", "", goTest, false, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := scanWeakening(mkChange(tt.rel, tt.old, tt.new, tt.old != "", tt.del))
			switch {
			case tt.want == "" && len(got) > 0:
				t.Fatalf("false positive: %+v", got)
			case tt.want != "" && (len(got) == 0 || !strings.Contains(got[0].Message, tt.want)):
				t.Fatalf("findings %+v, want %q", got, tt.want)
			}
		})
	}
}

func TestCheckRelPath(t *testing.T) {
	for p, want := range map[string]string{
		"a/b.go": "", "./a.go": "", "a//b.go": "",
		"": RulePath, "/etc/passwd": RulePath, "../x": RulePath, "a/../../x": RulePath, "a/../b": RulePath,
		"a\\b": RulePath, ".": RulePath, ".git/config": RuleVCS, "sub/.git/HEAD": RuleVCS, ".GIT/config": RuleVCS, ".hg/hgrc": RuleVCS,
	} {
		_, f := checkRelPath(p)
		got := ""
		if f != nil {
			got = f.Rule
		}
		if got != want {
			t.Errorf("checkRelPath(%q) = %q, want %q", p, got, want)
		}
	}
}
