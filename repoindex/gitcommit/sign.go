package gitcommit

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"

	"github.com/ProtonMail/go-crypto/openpgp"
	"golang.org/x/crypto/ssh"
	"golang.org/x/crypto/ssh/agent"
)

// SigningKeyFileKey is the git config key naming an OpenPGP secret key
// file (armored or binary, unencrypted) to sign with when
// commit.gpgSign is true and gpg.format is openpgp, instead of running
// gpg (for machines without GnuPG). For example:
//
//	gpg --export-secret-keys --armor KEYID > ~/.config/aios/signing.asc  (a key without passphrase)
//	git config aios.signingKeyFile ~/.config/aios/signing.asc
const SigningKeyFileKey = "aios.signingKeyFile"

// signFunc signs a commit's payload and returns the gpgsig header value.
type signFunc func(payload []byte) (string, error)

// signer returns how to sign commits, as git config asks: nil when
// commit.gpgSign is not true. Every way that cannot work fails here with
// ErrSigning and what to do, before anything is written.
func (s *session) signer(now time.Time) (signFunc, string, error) {
	on, err := s.cfg.boolean("commit", "gpgSign", false)
	if err != nil {
		return nil, "", fmt.Errorf("%w: %v", ErrSigning, err)
	}
	if !on {
		return nil, "", nil
	}
	format, _ := s.cfg.get("gpg", "format")
	key, _ := s.cfg.get("user", "signingKey")
	key = strings.TrimSpace(key)
	switch f := strings.ToLower(strings.TrimSpace(format)); f {
	case "ssh":
		sign, err := s.sshSigner(key)
		return sign, "ssh", err
	case "", "openpgp":
		sign, err := s.openpgpSigner(key, now)
		return sign, "openpgp", err
	default:
		return nil, "", fmt.Errorf("%w: gpg.format %q is not supported (use ssh or openpgp, or set commit.gpgSign false for this repository)", ErrSigning, f)
	}
}

// path expands a config path as git does: "~/" is the home directory; a
// relative path is taken from the worktree root, where git runs.
func (s *session) path(p string) string {
	if rest, ok := strings.CutPrefix(p, "~/"); ok {
		if home, err := os.UserHomeDir(); err == nil {
			p = filepath.Join(home, rest)
		}
	}
	if !filepath.IsAbs(p) {
		p = filepath.Join(s.r.workTree, p)
	}
	return p
}

func (s *session) sshSigner(key string) (signFunc, error) {
	if key == "" {
		return nil, fmt.Errorf("%w: gpg.format is ssh but user.signingKey is not set: set it to your private key file (git config user.signingKey ~/.ssh/id_ed25519), or to a public key whose private half is in ssh-agent", ErrSigning)
	}
	// A public key, literal or in a file, names a key in ssh-agent, as
	// for git; a .pub file may also have its private key next to it.
	var pub ssh.PublicKey
	var file string
	var data []byte
	if lit, ok := strings.CutPrefix(key, "key::"); ok || strings.HasPrefix(key, "ssh-") || strings.HasPrefix(key, "ecdsa-") || strings.HasPrefix(key, "sk-") {
		p, _, _, _, err := ssh.ParseAuthorizedKey([]byte(lit))
		if err != nil {
			return nil, fmt.Errorf("%w: user.signingKey is not a valid SSH public key: %v", ErrSigning, err)
		}
		pub = p
	} else {
		file = s.path(key)
		var err error
		if data, err = os.ReadFile(file); err != nil {
			return nil, fmt.Errorf("%w: user.signingKey: %v", ErrSigning, err)
		}
		if p, _, _, _, perr := ssh.ParseAuthorizedKey(data); perr == nil {
			pub = p
		}
	}
	if pub != nil {
		sign, agentErr := agentSigner(pub)
		if agentErr == nil {
			return sign, nil
		}
		priv := strings.TrimSuffix(file, ".pub")
		if file == "" || priv == file {
			return nil, fmt.Errorf("%w: user.signingKey is a public key and ssh-agent cannot sign with it (%v): add the key to the agent (ssh-add), or set user.signingKey to the private key file", ErrSigning, agentErr)
		}
		var err error
		if data, err = os.ReadFile(priv); err != nil {
			return nil, fmt.Errorf("%w: user.signingKey %s is a public key, ssh-agent cannot sign with it (%v) and its private key cannot be read (%v): add the key to the agent (ssh-add), or set user.signingKey to the private key file", ErrSigning, file, agentErr, err)
		}
		file = priv
	}
	raw, err := ssh.ParseRawPrivateKey(data)
	var missing *ssh.PassphraseMissingError
	if errors.As(err, &missing) {
		return nil, fmt.Errorf("%w: the SSH key %s is protected by a passphrase, which aios cannot ask for: add it to ssh-agent (ssh-add) and set user.signingKey to its public key (the .pub file), or set commit.gpgSign false for this repository", ErrSigning, file)
	}
	if err != nil {
		return nil, fmt.Errorf("%w: reading the SSH key %s: %v", ErrSigning, file, err)
	}
	signer, err := ssh.NewSignerFromKey(raw)
	if err != nil {
		return nil, fmt.Errorf("%w: the SSH key %s: %v", ErrSigning, file, err)
	}
	return func(payload []byte) (string, error) { return sshSign(signer, "git", payload) }, nil
}

func (s *session) openpgpSigner(key string, now time.Time) (signFunc, error) {
	file, ok := s.cfg.get("aios", "signingKeyFile")
	if !ok || strings.TrimSpace(file) == "" {
		return s.gpgProgramSigner(key)
	}
	file = s.path(strings.TrimSpace(file))
	data, err := os.ReadFile(file)
	if err != nil {
		return nil, fmt.Errorf("%w: %s: %v", ErrSigning, SigningKeyFileKey, err)
	}
	ring, err := openpgp.ReadArmoredKeyRing(bytes.NewReader(data))
	if err != nil {
		if ring, err = openpgp.ReadKeyRing(bytes.NewReader(data)); err != nil {
			return nil, fmt.Errorf("%w: reading the OpenPGP key %s: %v", ErrSigning, file, err)
		}
	}
	var ent *openpgp.Entity
	for _, e := range ring {
		if e.PrivateKey != nil && matchKey(e, key) {
			ent = e
			break
		}
	}
	if ent == nil {
		what := "no secret key"
		if key != "" {
			what = "no secret key matching user.signingKey " + key
		}
		return nil, fmt.Errorf("%w: %s holds %s", ErrSigning, file, what)
	}
	sk, ok := ent.SigningKey(now)
	if !ok || sk.PrivateKey == nil {
		return nil, fmt.Errorf("%w: the OpenPGP key in %s has no usable signing key (expired, revoked or public only)", ErrSigning, file)
	}
	if sk.PrivateKey.Encrypted {
		return nil, fmt.Errorf("%w: the OpenPGP key in %s is protected by a passphrase, which aios cannot ask for: export a copy without one (gpg --edit-key KEYID passwd, empty passphrase, in a separate GNUPGHOME), or set commit.gpgSign false for this repository", ErrSigning, file)
	}
	return func(payload []byte) (string, error) {
		var b bytes.Buffer
		if err := openpgp.ArmoredDetachSign(&b, ent, bytes.NewReader(payload), nil); err != nil {
			return "", fmt.Errorf("%w: %v", ErrSigning, err)
		}
		return b.String(), nil
	}, nil
}

// matchKey reports whether entity e is the one user.signingKey names: a
// key id or fingerprint (hex, the end of the primary key's or a subkey's
// fingerprint), or text found in a user id. An empty key matches.
func matchKey(e *openpgp.Entity, key string) bool {
	k := strings.ToUpper(strings.TrimSuffix(strings.ReplaceAll(strings.TrimPrefix(strings.TrimPrefix(key, "0x"), "0X"), " ", ""), "!"))
	if k == "" {
		return true
	}
	if isHex(k) && len(k) >= 8 {
		if strings.HasSuffix(fmt.Sprintf("%X", e.PrimaryKey.Fingerprint), k) {
			return true
		}
		for _, sub := range e.Subkeys {
			if strings.HasSuffix(fmt.Sprintf("%X", sub.PublicKey.Fingerprint), k) {
				return true
			}
		}
	}
	for name := range e.Identities {
		if strings.Contains(strings.ToLower(name), strings.ToLower(strings.TrimSpace(key))) {
			return true
		}
	}
	return false
}

func isHex(s string) bool {
	for _, r := range s {
		if !('0' <= r && r <= '9' || 'A' <= r && r <= 'F') {
			return false
		}
	}
	return true
}

// agentSigner signs with the key pub held by the ssh-agent at
// SSH_AUTH_SOCK, as ssh-keygen -Y sign does for a public key. It checks
// now that the agent holds the key, and connects again to sign.
func agentSigner(pub ssh.PublicKey) (signFunc, error) {
	sock := os.Getenv("SSH_AUTH_SOCK")
	if sock == "" {
		return nil, errors.New("SSH_AUTH_SOCK is not set")
	}
	find := func() (ssh.Signer, net.Conn, error) {
		conn, err := net.DialTimeout("unix", sock, 5*time.Second)
		if err != nil {
			return nil, nil, fmt.Errorf("connecting to the agent: %v", err)
		}
		conn.SetDeadline(time.Now().Add(30 * time.Second)) // a hardware key may wait for a touch
		signers, err := agent.NewClient(conn).Signers()
		if err != nil {
			conn.Close()
			return nil, nil, fmt.Errorf("listing the agent's keys: %v", err)
		}
		want := pub.Marshal()
		for _, sg := range signers {
			if bytes.Equal(sg.PublicKey().Marshal(), want) {
				return sg, conn, nil
			}
		}
		conn.Close()
		return nil, nil, fmt.Errorf("the agent does not hold the key %s", ssh.FingerprintSHA256(pub))
	}
	_, conn, err := find()
	if err != nil {
		return nil, err
	}
	conn.Close()
	return func(payload []byte) (string, error) {
		sg, conn, err := find()
		if err != nil {
			return "", fmt.Errorf("%w: ssh-agent: %v", ErrSigning, err)
		}
		defer conn.Close()
		return sshSign(sg, "git", payload)
	}, nil
}

// gpgProgramSigner signs as git does without aios.signingKeyFile: with
// the program gpg.openpgp.program or gpg.program (default gpg), run as
// "PROGRAM --status-fd=2 -bsau KEY", where KEY is user.signingKey or the
// committer's "Name <email>". gpg-agent holds the key and asks for its
// passphrase if it must. Before anything is written it checks that the
// program exists and holds a secret key for KEY.
func (s *session) gpgProgramSigner(key string) (signFunc, error) {
	prog, _ := s.cfg.getSub("gpg", "openpgp", "program")
	if strings.TrimSpace(prog) == "" {
		prog, _ = s.cfg.get("gpg", "program")
	}
	if prog = strings.TrimSpace(prog); prog == "" {
		prog = "gpg"
	}
	help := fmt.Sprintf("install GnuPG, or export an unencrypted secret key to a file and set git config %s to its path, or use SSH signing (gpg.format ssh), or set commit.gpgSign false for this repository", SigningKeyFileKey)
	path, err := exec.LookPath(prog)
	if err != nil {
		return nil, fmt.Errorf("%w: commit.gpgSign is true and the OpenPGP program %q cannot be run (%v): %s", ErrSigning, prog, err, help)
	}
	if key == "" {
		_, committer, err := s.cfg.identities()
		if err != nil {
			return nil, err
		}
		key = committer.name + " <" + committer.email + ">"
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if out, err := exec.CommandContext(ctx, path, "--batch", "--list-secret-keys", "--", key).CombinedOutput(); err != nil {
		return nil, fmt.Errorf("%w: %s holds no secret key for %q (%v: %s): %s", ErrSigning, prog, key, err, clipText(out, 300), help)
	}
	return func(payload []byte) (string, error) {
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute) // gpg-agent may ask for a passphrase
		defer cancel()
		cmd := exec.CommandContext(ctx, path, "--status-fd=2", "-bsau", key)
		cmd.Stdin = bytes.NewReader(payload)
		var stdout, stderr bytes.Buffer
		cmd.Stdout, cmd.Stderr = &stdout, &stderr
		err := cmd.Run()
		if err != nil || !bytes.Contains(stderr.Bytes(), []byte("\n[GNUPG:] SIG_CREATED ")) && !bytes.HasPrefix(stderr.Bytes(), []byte("[GNUPG:] SIG_CREATED ")) {
			return "", fmt.Errorf("%w: %s did not sign (%v): %s", ErrSigning, prog, err, clipText(stderr.Bytes(), 500))
		}
		sig := stdout.String()
		if !strings.HasPrefix(sig, "-----BEGIN PGP SIGNATURE-----") {
			return "", fmt.Errorf("%w: %s wrote no armored signature", ErrSigning, prog)
		}
		return sig, nil
	}, nil
}

// clipText returns b as trimmed text of at most n bytes.
func clipText(b []byte, n int) string {
	t := strings.TrimSpace(string(b))
	if len(t) > n {
		t = t[:n] + "…"
	}
	return t
}
