package critic

import (
	"fmt"
	"math"
	"regexp"
	"strings"
)

// secretPattern recognises one kind of credential.
type secretPattern struct {
	name string
	re   *regexp.Regexp
}

// secretPatterns are credentials recognisable by their shape alone.
var secretPatterns = []secretPattern{
	{"private key", regexp.MustCompile(`-----BEGIN (?:[A-Z0-9]+ )*PRIVATE KEY(?: BLOCK)?-----`)},
	{"AWS access key ID", regexp.MustCompile(`\b(?:AKIA|ASIA|AGPA|AIDA|AROA|ANPA|ANVA|AIPA)[0-9A-Z]{16}\b`)},
	{"GitHub token", regexp.MustCompile(`\b(?:gh[pousr]_[A-Za-z0-9]{36,}|github_pat_[A-Za-z0-9_]{22,})`)},
	{"API secret key (sk-…)", regexp.MustCompile(`\bsk-[A-Za-z0-9_\-]{20,}`)},
	{"Slack token", regexp.MustCompile(`\bxox[abposr]-[A-Za-z0-9-]{10,}`)},
	{"Slack webhook", regexp.MustCompile(`https://hooks\.slack\.com/services/[A-Za-z0-9_/]{20,}`)},
	{"Stripe live key", regexp.MustCompile(`\b[rs]k_live_[A-Za-z0-9]{16,}`)},
	{"Google API key", regexp.MustCompile(`\bAIza[0-9A-Za-z_\-]{35}`)},
}

// genericSecret is an assignment of a quoted literal to a name that says
// it is a secret; the literal must also look random (see looksRandom).
var genericSecret = regexp.MustCompile(`(?i)\b[a-z0-9_.\-]*(?:api[_\-]?key|apikey|secret|token|passw(?:or)?d|pwd|credential|auth[_\-]?key|access[_\-]?key|private[_\-]?key)[a-z0-9_.\-]*["']?\s*(?::=|=|:|=>)\s*["'` + "`" + `]([^"'` + "`" + `\s]{16,})["'` + "`" + `]`)

// placeholderWords mark a literal as an obvious stand-in, not a secret.
var placeholderWords = []string{"example", "xxxx", "placeholder", "changeme", "your", "dummy", "fake", "redacted", "sample", "<", "${", "{{", "%s", "****"}

// scanSecrets returns a finding for every credential on an added line of c.
func scanSecrets(c *change) []Finding {
	var out []Finding
	for _, l := range c.diff.addedLines() {
		for _, p := range secretPatterns {
			if m := p.re.FindString(l.text); m != "" {
				shown := redact(m)
				if p.name == "private key" {
					shown = m // the PEM header is not the secret
				}
				out = append(out, Finding{Rule: RuleSecret, Path: c.rel, Line: l.n, Message: fmt.Sprintf("%s added (%s)", p.name, shown)})
			}
		}
		for _, m := range genericSecret.FindAllStringSubmatch(l.text, -1) {
			if v := m[1]; looksRandom(v) {
				out = append(out, Finding{Rule: RuleSecret, Path: c.rel, Line: l.n, Message: fmt.Sprintf("high-entropy secret assigned (%s)", redact(v))})
			}
		}
	}
	return out
}

// looksRandom reports whether v is a plausible generated credential: no
// placeholder word, letters and digits mixed, and at least 3.5 bits of
// Shannon entropy per character.
func looksRandom(v string) bool {
	lower := strings.ToLower(v)
	for _, w := range placeholderWords {
		if strings.Contains(lower, w) {
			return false
		}
	}
	var letters, digits bool
	for _, r := range v {
		switch {
		case r >= '0' && r <= '9':
			digits = true
		case r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z':
			letters = true
		}
	}
	return letters && digits && entropy(v) >= 3.5
}

// entropy is the Shannon entropy of s in bits per byte.
func entropy(s string) float64 {
	var freq [256]int
	for i := 0; i < len(s); i++ {
		freq[s[i]]++
	}
	var h float64
	n := float64(len(s))
	for _, f := range freq {
		if f > 0 {
			p := float64(f) / n
			h -= p * math.Log2(p)
		}
	}
	return h
}

// redact shows only the first four characters of a secret, so that evidence
// and logs never carry it.
func redact(s string) string {
	if len(s) <= 8 {
		return "[redacted]"
	}
	return fmt.Sprintf("%s… %d chars", s[:4], len(s))
}
