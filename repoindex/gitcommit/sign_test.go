package gitcommit

import (
	"bytes"
	"context"
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"encoding/pem"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ProtonMail/go-crypto/openpgp"
	"github.com/ProtonMail/go-crypto/openpgp/armor"
	"github.com/ProtonMail/go-crypto/openpgp/packet"
	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/object"
	"golang.org/x/crypto/ssh"
	"golang.org/x/crypto/ssh/agent"

	gogit "github.com/go-git/go-git/v5"
)

func headCommit(t *testing.T, dir string) *object.Commit {
	t.Helper()
	repo, err := gogit.PlainOpen(dir)
	if err != nil {
		t.Fatal(err)
	}
	c, err := repo.CommitObject(plumbing.NewHash(git(t, dir, "rev-parse", "HEAD")))
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func TestSSHSigning(t *testing.T) {
	if _, err := exec.LookPath("ssh-keygen"); err != nil {
		t.Skip("ssh-keygen is needed by git to verify SSH signatures")
	}
	pub, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	keys := t.TempDir()
	block, err := ssh.MarshalPrivateKey(priv, "test key")
	if err != nil {
		t.Fatal(err)
	}
	keyFile := filepath.Join(keys, "id_ed25519")
	os.WriteFile(keyFile, pem.EncodeToMemory(block), 0o600)
	sshPub, _ := ssh.NewPublicKey(pub)
	os.WriteFile(keyFile+".pub", ssh.MarshalAuthorizedKey(sshPub), 0o644)
	allowed := filepath.Join(keys, "allowed_signers")
	os.WriteFile(allowed, []byte("global@example.com "+string(ssh.MarshalAuthorizedKey(sshPub))), 0o644)

	dir := newRepo(t, map[string]string{"a.txt": "a\n"})
	git(t, dir, "config", "commit.gpgSign", "true")
	git(t, dir, "config", "gpg.format", "ssh")
	git(t, dir, "config", "gpg.ssh.allowedSignersFile", allowed)
	r := openRepo(t, dir)
	for _, key := range []string{keyFile, keyFile + ".pub"} { // a .pub next to its private key works too
		git(t, dir, "config", "user.signingKey", key)
		res := commit(t, r, "feat: signed "+filepath.Base(key), put("a.txt", key))
		if res.Signed != "ssh" {
			t.Errorf("Result.Signed = %q", res.Signed)
		}
		if out, err := gitErr(dir, "verify-commit", "-v", "HEAD"); err != nil {
			t.Fatalf("git verify-commit: %v\n%s", err, out)
		}
		if got := git(t, dir, "log", "-1", "--format=%G?"); got != "G" {
			t.Errorf("%%G? = %q, want G", got)
		}
		if sig := headCommit(t, dir).PGPSignature; !strings.HasPrefix(sig, "-----BEGIN SSH SIGNATURE-----\n") {
			t.Errorf("gpgsig header %q", sig)
		}
	}
	// ssh-keygen itself agrees on the format.
	payload := &plumbing.MemoryObject{}
	c := headCommit(t, dir)
	c.EncodeWithoutSignature(payload)
	rd, _ := payload.Reader()
	cmd := exec.Command("ssh-keygen", "-Y", "verify", "-f", allowed, "-I", "global@example.com", "-n", "git", "-s", "/dev/stdin")
	sigFile := filepath.Join(keys, "sig")
	os.WriteFile(sigFile, []byte(c.PGPSignature), 0o644)
	cmd.Args[len(cmd.Args)-1] = sigFile
	cmd.Stdin = rd
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Errorf("ssh-keygen -Y verify: %v %s", err, out)
	}
	fsck(t, dir)

	// Every way signing cannot work fails, and nothing is committed.
	t.Setenv("SSH_AUTH_SOCK", "")
	encBlock, _ := ssh.MarshalPrivateKeyWithPassphrase(priv, "", []byte("secret"))
	encFile := filepath.Join(keys, "encrypted")
	os.WriteFile(encFile, pem.EncodeToMemory(encBlock), 0o600)
	lonePub := filepath.Join(keys, "lone.pub")
	os.WriteFile(lonePub, ssh.MarshalAuthorizedKey(sshPub), 0o644)
	for _, key := range []string{encFile, filepath.Join(keys, "missing"), "key::" + strings.TrimSpace(string(ssh.MarshalAuthorizedKey(sshPub))), lonePub} {
		git(t, dir, "config", "user.signingKey", key)
		head := git(t, dir, "rev-parse", "HEAD")
		_, err := r.Commit(context.Background(), Request{Files: []File{put("a.txt", "unsigned?")}, Message: "fix: x", Trailers: Trailers{Agent: "coder"}})
		if !errors.Is(err, ErrSigning) {
			t.Errorf("signing key %s: Commit = %v, want ErrSigning", key, err)
		}
		if git(t, dir, "rev-parse", "HEAD") != head || readFile(t, dir, "a.txt") == "unsigned?" {
			t.Errorf("signing key %s: something was committed or written", key)
		}
	}
	git(t, dir, "config", "--unset", "user.signingKey")
	if _, err := r.Commit(context.Background(), Request{Files: []File{put("a.txt", "x")}, Message: "fix: x", Trailers: Trailers{Agent: "coder"}}); !errors.Is(err, ErrSigning) {
		t.Errorf("no signing key: %v", err)
	}
	git(t, dir, "config", "gpg.format", "x509")
	if _, err := r.Commit(context.Background(), Request{Files: []File{put("a.txt", "x")}, Message: "fix: x", Trailers: Trailers{Agent: "coder"}}); !errors.Is(err, ErrSigning) {
		t.Errorf("x509: %v", err)
	}
}

func TestOpenPGPSigning(t *testing.T) {
	cfg := &packet.Config{Algorithm: packet.PubKeyAlgoEdDSA}
	ent, err := openpgp.NewEntity("Global User", "", "global@example.com", cfg)
	if err != nil {
		t.Fatal(err)
	}
	keys := t.TempDir()
	var sec, pub bytes.Buffer
	w, _ := armor.Encode(&sec, openpgp.PrivateKeyType, nil)
	ent.SerializePrivate(w, nil)
	w.Close()
	w, _ = armor.Encode(&pub, openpgp.PublicKeyType, nil)
	ent.Serialize(w)
	w.Close()
	keyFile := filepath.Join(keys, "signing.asc")
	os.WriteFile(keyFile, sec.Bytes(), 0o600)

	dir := newRepo(t, map[string]string{"a.txt": "a\n"})
	git(t, dir, "config", "commit.gpgSign", "true")
	r := openRepo(t, dir)
	// Without a key file, gpg signs, and this test's gpg home has no key.
	gpgHome(t)
	if _, err := r.Commit(context.Background(), Request{Files: []File{put("a.txt", "x")}, Message: "fix: x", Trailers: Trailers{Agent: "coder"}}); !errors.Is(err, ErrSigning) || !strings.Contains(err.Error(), SigningKeyFileKey) {
		t.Errorf("no key file: %v", err)
	}
	git(t, dir, "config", SigningKeyFileKey, keyFile)
	for _, signingKey := range []string{"", ent.PrimaryKey.KeyIdString(), "global@example.com"} {
		if signingKey != "" {
			git(t, dir, "config", "user.signingKey", signingKey)
		}
		res := commit(t, r, "feat: pgp", put("a.txt", "pgp "+signingKey))
		if res.Signed != "openpgp" {
			t.Errorf("Signed = %q", res.Signed)
		}
		signer, err := headCommit(t, dir).Verify(pub.String())
		if err != nil {
			t.Fatalf("Commit.Verify: %v", err)
		}
		if signer.PrimaryKey.KeyId != ent.PrimaryKey.KeyId {
			t.Errorf("signed by %X", signer.PrimaryKey.KeyId)
		}
	}
	if got := git(t, dir, "cat-file", "-p", "HEAD"); !strings.Contains(got, "gpgsig -----BEGIN PGP SIGNATURE-----") {
		t.Errorf("commit object:\n%s", got)
	}
	fsck(t, dir)

	// The gpg binary agrees, when there is one.
	if _, err := exec.LookPath("gpg"); err == nil {
		gnupg := t.TempDir()
		t.Setenv("GNUPGHOME", gnupg)
		imp := exec.Command("gpg", "--batch", "--import")
		imp.Stdin = bytes.NewReader(pub.Bytes())
		if out, err := imp.CombinedOutput(); err != nil {
			t.Logf("gpg --import: %v %s (skipping the gpg check)", err, out)
		} else if out, err := gitErr(dir, "verify-commit", "HEAD"); err != nil {
			t.Errorf("git verify-commit with gpg: %v %s", err, out)
		} else if got := git(t, dir, "log", "-1", "--format=%G?"); got != "G" && got != "U" { // U: good, key not certified as trusted
			t.Errorf("%%G? = %q", got)
		}
		exec.Command("gpgconf", "--kill", "all").Run()
	}

	git(t, dir, "config", "user.signingKey", "DEADBEEFDEADBEEF")
	if _, err := r.Commit(context.Background(), Request{Files: []File{put("a.txt", "x")}, Message: "fix: x", Trailers: Trailers{Agent: "coder"}}); !errors.Is(err, ErrSigning) {
		t.Errorf("key id not in the file: %v", err)
	}
	git(t, dir, "config", "--unset", "user.signingKey")

	// A passphrase-protected key cannot be used.
	enc, _ := openpgp.NewEntity("Global User", "", "global@example.com", cfg)
	if err := enc.EncryptPrivateKeys([]byte("secret"), nil); err != nil {
		t.Fatal(err)
	}
	var encBuf bytes.Buffer
	w, _ = armor.Encode(&encBuf, openpgp.PrivateKeyType, nil)
	enc.SerializePrivateWithoutSigning(w, nil)
	w.Close()
	os.WriteFile(keyFile, encBuf.Bytes(), 0o600)
	head := git(t, dir, "rev-parse", "HEAD")
	if _, err := r.Commit(context.Background(), Request{Files: []File{put("a.txt", "x")}, Message: "fix: x", Trailers: Trailers{Agent: "coder"}}); !errors.Is(err, ErrSigning) {
		t.Errorf("encrypted key: %v", err)
	}
	if git(t, dir, "rev-parse", "HEAD") != head {
		t.Errorf("committed with an unusable key")
	}
}

// ECDSA and RSA keys sign too (RSA with rsa-sha2-512, as ssh-keygen does).
func TestSSHSigningKeyTypes(t *testing.T) {
	if _, err := exec.LookPath("ssh-keygen"); err != nil {
		t.Skip("ssh-keygen is needed by git to verify SSH signatures")
	}
	ec, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	rk, _ := rsa.GenerateKey(rand.Reader, 2048)
	for name, key := range map[string]crypto.Signer{"ecdsa": ec, "rsa": rk} {
		t.Run(name, func(t *testing.T) {
			keys := t.TempDir()
			block, err := ssh.MarshalPrivateKey(key, "")
			if err != nil {
				t.Fatal(err)
			}
			keyFile := filepath.Join(keys, "id")
			os.WriteFile(keyFile, pem.EncodeToMemory(block), 0o600)
			sshPub, _ := ssh.NewPublicKey(key.Public())
			allowed := filepath.Join(keys, "allowed_signers")
			os.WriteFile(allowed, []byte("global@example.com "+string(ssh.MarshalAuthorizedKey(sshPub))), 0o644)
			dir := newRepo(t, map[string]string{"a.txt": "a\n"})
			git(t, dir, "config", "commit.gpgSign", "true")
			git(t, dir, "config", "gpg.format", "ssh")
			git(t, dir, "config", "gpg.ssh.allowedSignersFile", allowed)
			git(t, dir, "config", "user.signingKey", keyFile)
			commit(t, openRepo(t, dir), "feat: signed", put("a.txt", "b\n"))
			if out, err := gitErr(dir, "verify-commit", "HEAD"); err != nil {
				t.Fatalf("git verify-commit: %v\n%s", err, out)
			}
		})
	}
}

// serveAgent runs an in-process ssh-agent holding keys and points
// SSH_AUTH_SOCK at it.
func serveAgent(t *testing.T, keys ...any) {
	t.Helper()
	ring := agent.NewKeyring()
	for _, k := range keys {
		if err := ring.Add(agent.AddedKey{PrivateKey: k}); err != nil {
			t.Fatal(err)
		}
	}
	dir, err := os.MkdirTemp("", "agent") // short: unix socket paths are limited
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	sock := filepath.Join(dir, "s")
	ln, err := net.Listen("unix", sock)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ln.Close() })
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			go func() {
				defer c.Close()
				agent.ServeAgent(ring, c)
			}()
		}
	}()
	t.Setenv("SSH_AUTH_SOCK", sock)
}

// A public signing key signs through ssh-agent, as with git: literal,
// or a .pub file with or without its private key beside it (that one
// protected by a passphrase, which only the agent can use).
func TestSSHSigningWithAgent(t *testing.T) {
	if _, err := exec.LookPath("ssh-keygen"); err != nil {
		t.Skip("ssh-keygen is needed by git to verify SSH signatures")
	}
	pub, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	rsaKey, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	sshPub, _ := ssh.NewPublicKey(pub)
	rsaPub, _ := ssh.NewPublicKey(&rsaKey.PublicKey)
	keys := t.TempDir()
	encBlock, _ := ssh.MarshalPrivateKeyWithPassphrase(priv, "", []byte("secret"))
	os.WriteFile(filepath.Join(keys, "id_ed25519"), pem.EncodeToMemory(encBlock), 0o600)
	os.WriteFile(filepath.Join(keys, "id_ed25519.pub"), ssh.MarshalAuthorizedKey(sshPub), 0o644)
	os.WriteFile(filepath.Join(keys, "lone_rsa.pub"), ssh.MarshalAuthorizedKey(rsaPub), 0o644)
	allowed := filepath.Join(keys, "allowed_signers")
	os.WriteFile(allowed, []byte("global@example.com "+string(ssh.MarshalAuthorizedKey(sshPub))+"global@example.com "+string(ssh.MarshalAuthorizedKey(rsaPub))), 0o644)

	dir := newRepo(t, map[string]string{"a.txt": "a\n"})
	git(t, dir, "config", "commit.gpgSign", "true")
	git(t, dir, "config", "gpg.format", "ssh")
	git(t, dir, "config", "gpg.ssh.allowedSignersFile", allowed)
	r := openRepo(t, dir)
	serveAgent(t, priv, rsaKey)
	for _, key := range []string{
		"key::" + strings.TrimSpace(string(ssh.MarshalAuthorizedKey(sshPub))),
		strings.TrimSpace(string(ssh.MarshalAuthorizedKey(sshPub))),
		filepath.Join(keys, "id_ed25519.pub"),
		filepath.Join(keys, "lone_rsa.pub"),
	} {
		git(t, dir, "config", "user.signingKey", key)
		res := commit(t, r, "feat: signed by the agent", put("a.txt", key))
		if res.Signed != "ssh" {
			t.Errorf("%s: Result.Signed = %q", key, res.Signed)
		}
		if out, err := gitErr(dir, "verify-commit", "-v", "HEAD"); err != nil {
			t.Fatalf("%s: git verify-commit: %v\n%s", key, err, out)
		}
	}
	fsck(t, dir)

	// A key the agent does not hold, or no agent: nothing is committed,
	// and the error says what to do.
	other, _, _ := ed25519.GenerateKey(rand.Reader)
	otherPub, _ := ssh.NewPublicKey(other)
	for _, c := range []struct{ key, sock, want string }{
		{"key::" + strings.TrimSpace(string(ssh.MarshalAuthorizedKey(otherPub))), os.Getenv("SSH_AUTH_SOCK"), "does not hold the key"},
		{filepath.Join(keys, "lone_rsa.pub"), "", "SSH_AUTH_SOCK is not set"},
		{filepath.Join(keys, "id_ed25519.pub"), "", "passphrase"},
	} {
		t.Setenv("SSH_AUTH_SOCK", c.sock)
		git(t, dir, "config", "user.signingKey", c.key)
		head := git(t, dir, "rev-parse", "HEAD")
		_, err := r.Commit(context.Background(), Request{Files: []File{put("a.txt", "unsigned?")}, Message: "fix: x", Trailers: Trailers{Agent: "coder"}})
		if !errors.Is(err, ErrSigning) || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: Commit = %v, want ErrSigning saying %q", c.key, err, c.want)
		}
		if git(t, dir, "rev-parse", "HEAD") != head {
			t.Errorf("%s: something was committed", c.key)
		}
	}
}

// Without aios.signingKeyFile, OpenPGP signing goes through the gpg
// program as with git (gpg-agent keeps the key): by the committer's
// identity, by user.signingKey, and through gpg.program.
func TestOpenPGPSigningWithGPG(t *testing.T) {
	gpg, err := exec.LookPath("gpg")
	if err != nil {
		t.Skip("gpg is not installed (make test installs gnupg)")
	}
	home := gpgHome(t)
	if out, err := exec.Command(gpg, "--batch", "--passphrase", "", "--quick-gen-key", "Global User <global@example.com>", "ed25519", "sign", "never").CombinedOutput(); err != nil {
		t.Fatalf("gpg --quick-gen-key: %v\n%s", err, out)
	}
	fpr := ""
	out, _ := exec.Command(gpg, "--batch", "--with-colons", "--list-secret-keys").Output()
	for _, line := range strings.Split(string(out), "\n") {
		if f := strings.Split(line, ":"); len(f) > 9 && f[0] == "fpr" {
			fpr = f[9]
			break
		}
	}
	if fpr == "" {
		t.Fatalf("no fingerprint in %s", out)
	}
	wrapper := filepath.Join(home, "my-gpg")
	os.WriteFile(wrapper, []byte("#!/bin/sh\nexec "+gpg+" \"$@\"\n"), 0o755)

	dir := newRepo(t, map[string]string{"a.txt": "a\n"})
	git(t, dir, "config", "commit.gpgSign", "true")
	r := openRepo(t, dir)
	for i, c := range []struct{ key, program string }{{"", ""}, {fpr, ""}, {"global@example.com", wrapper}} {
		if c.key != "" {
			git(t, dir, "config", "user.signingKey", c.key)
		}
		if c.program != "" {
			git(t, dir, "config", "gpg.program", c.program)
		}
		res := commit(t, r, fmt.Sprintf("feat: signed by gpg %d", i), put("a.txt", fmt.Sprint(i)))
		if res.Signed != "openpgp" {
			t.Errorf("case %d: Result.Signed = %q", i, res.Signed)
		}
		if out, err := gitErr(dir, "verify-commit", "-v", "HEAD"); err != nil {
			t.Fatalf("case %d: git verify-commit: %v\n%s", i, err, out)
		}
		if got := git(t, dir, "log", "-1", "--format=%G?"); got != "G" {
			t.Errorf("case %d: %%G? = %q, want G", i, got)
		}
	}
	fsck(t, dir)

	// A key gpg does not hold, or a program that does not exist: nothing
	// is committed.
	for _, c := range []struct{ key, program, want string }{
		{"nobody@example.com", wrapper, "no secret key"},
		{fpr, filepath.Join(home, "missing-gpg"), "cannot be run"},
	} {
		git(t, dir, "config", "user.signingKey", c.key)
		git(t, dir, "config", "gpg.program", c.program)
		head := git(t, dir, "rev-parse", "HEAD")
		_, err := r.Commit(context.Background(), Request{Files: []File{put("a.txt", "unsigned?")}, Message: "fix: x", Trailers: Trailers{Agent: "coder"}})
		if !errors.Is(err, ErrSigning) || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s via %s: Commit = %v, want ErrSigning saying %q", c.key, c.program, err, c.want)
		}
		if git(t, dir, "rev-parse", "HEAD") != head {
			t.Errorf("%s: something was committed", c.key)
		}
	}
}

// gpgHome points GNUPGHOME at a new empty directory and stops the
// gpg-agent that gpg starts there when the test ends.
func gpgHome(t *testing.T) string {
	t.Helper()
	home, err := os.MkdirTemp("", "gpg") // short: gpg-agent's socket lives here
	if err != nil {
		t.Fatal(err)
	}
	os.Chmod(home, 0o700)
	t.Setenv("GNUPGHOME", home)
	t.Cleanup(func() {
		cmd := exec.Command("gpgconf", "--kill", "gpg-agent")
		cmd.Env = append(os.Environ(), "GNUPGHOME="+home)
		cmd.Run()
		os.RemoveAll(home)
	})
	return home
}
