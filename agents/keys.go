package agents

import (
	"crypto/hkdf"
	"crypto/rand"
	"crypto/sha256"
	"encoding/binary"
	"errors"
	"fmt"

	"github.com/oasisprotocol/curve25519-voi/primitives/ed25519"
)

// Keyring derives each agent's Ed25519 key from one node secret, so that a
// million idle micro agents cost no key material until they first send: a
// key is derived (HKDF-SHA256 over the secret and the agent ID) when the
// agent is registered or first speaks, and never stored outside the
// registry entry that owns it. A Keyring is safe for concurrent use.
type Keyring struct {
	secret [32]byte
}

// NewKeyring returns a Keyring over secret, which must be 32 bytes, or over a
// fresh random secret when secret is nil.
func NewKeyring(secret []byte) (*Keyring, error) {
	k := &Keyring{}
	switch len(secret) {
	case 0:
		if _, err := rand.Read(k.secret[:]); err != nil {
			return nil, fmt.Errorf("keyring: reading random secret: %w", err)
		}
	case 32:
		copy(k.secret[:], secret)
	default:
		return nil, fmt.Errorf("keyring: secret must be 32 bytes, got %d", len(secret))
	}
	return k, nil
}

// KeyPair is one agent's signing key and its verification key.
type KeyPair struct {
	priv     ed25519.PrivateKey
	pub      ed25519.PublicKey
	expanded *ed25519.ExpandedPublicKey // precomputed for fast verification
}

// Derive returns the key pair of agent id.
func (k *Keyring) Derive(id ID) (*KeyPair, error) {
	seed, err := hkdf.Key(sha256.New, k.secret[:], nil, "aios agent key/v1 "+string(id), ed25519.SeedSize)
	if err != nil {
		return nil, fmt.Errorf("keyring: deriving key for %s: %w", id, err)
	}
	priv := ed25519.NewKeyFromSeed(seed)
	pub := ed25519.PublicKey(priv[ed25519.SeedSize:])
	return &KeyPair{priv: priv, pub: pub}, nil
}

// NewKeyPair returns a key pair with a random key, for agents whose identity
// does not come from a Keyring (tests, remote peers).
func NewKeyPair() (*KeyPair, error) {
	pub, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		return nil, err
	}
	return &KeyPair{priv: priv, pub: pub}, nil
}

// PublicKey returns the 32-byte Ed25519 public key.
func (kp *KeyPair) PublicKey() []byte { return kp.pub }

// Expand precomputes the verification tables for kp's public key (about
// 1.5 KiB), which makes each later Verify about 20% cheaper. Keys of
// long-lived agents are expanded; those of micro agents are not.
func (kp *KeyPair) Expand() error {
	if kp.expanded != nil {
		return nil
	}
	e, err := ed25519.NewExpandedPublicKey(kp.pub)
	if err != nil {
		return err
	}
	kp.expanded = e
	return nil
}

// Sign fills m.Signature with kp's signature over m's envelope.
func (kp *KeyPair) Sign(m *Message) {
	var buf [256]byte
	m.Signature = ed25519.Sign(kp.priv, SigningBytes(buf[:0], m))
}

var verifyOpts = &ed25519.Options{Verify: ed25519.VerifyOptionsStdLib}

// Verify reports whether m carries a valid signature by kp.
func (kp *KeyPair) Verify(m *Message) bool {
	if len(m.Signature) != ed25519.SignatureSize {
		return false
	}
	var buf [256]byte
	b := SigningBytes(buf[:0], m)
	if kp.expanded != nil {
		return ed25519.VerifyExpandedWithOptions(kp.expanded, b, m.Signature, verifyOpts)
	}
	return ed25519.VerifyWithOptions(kp.pub, b, m.Signature, verifyOpts)
}

// signingDomain separates aios envelopes from anything else the same key
// could ever sign.
const signingDomain = "aios-acl/1\x00"

// SigningBytes appends the canonical byte form of m's envelope to dst: every
// header field length-prefixed, the timestamps, and the SHA-256 of Content
// (so a large payload is hashed once and never copied). The signature itself
// is excluded.
func SigningBytes(dst []byte, m *Message) []byte {
	dst = append(dst, signingDomain...)
	dst = append(dst, byte(m.Performative))
	for _, s := range [...]string{m.ID, string(m.Sender), string(m.Receiver), m.ConversationID, m.ReplyWith, m.InReplyTo, m.Ontology} {
		dst = binary.AppendUvarint(dst, uint64(len(s)))
		dst = append(dst, s...)
	}
	dst = binary.BigEndian.AppendUint64(dst, uint64(m.IssuedAt))
	dst = binary.BigEndian.AppendUint64(dst, uint64(m.ExpiresAt))
	sum := sha256.Sum256(m.Content)
	return append(dst, sum[:]...)
}

// errNoKey is returned when an agent has no key to sign with.
var errNoKey = errors.New("agent has no signing key")
