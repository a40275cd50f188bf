package agents

import (
	"fmt"
	"strings"
)

// Performative is the communicative act of a FIPA-ACL message.
type Performative uint8

// The FIPA-ACL performatives aios uses.
const (
	Request Performative = iota + 1
	Inform
	Agree
	Refuse
	Failure
	Propose
	AcceptProposal
	RejectProposal
	Cancel
	NotUnderstood
	QueryRef
)

var performativeNames = [...]string{
	Request:        "request",
	Inform:         "inform",
	Agree:          "agree",
	Refuse:         "refuse",
	Failure:        "failure",
	Propose:        "propose",
	AcceptProposal: "accept-proposal",
	RejectProposal: "reject-proposal",
	Cancel:         "cancel",
	NotUnderstood:  "not-understood",
	QueryRef:       "query-ref",
}

func (p Performative) String() string {
	if int(p) < len(performativeNames) && performativeNames[p] != "" {
		return performativeNames[p]
	}
	return fmt.Sprintf("performative(%d)", uint8(p))
}

// Valid reports whether p is a known performative.
func (p Performative) Valid() bool {
	return p >= Request && int(p) < len(performativeNames)
}

// ParsePerformative returns the performative named s (as FIPA spells it).
func ParsePerformative(s string) (Performative, error) {
	for i, n := range performativeNames {
		if n != "" && strings.EqualFold(n, s) {
			return Performative(i), nil
		}
	}
	return 0, fmt.Errorf("unknown performative %q", s)
}

// ID names an agent. Macro and meso agents have fixed names such as
// "macro/planner" or "meso/diagnose"; a micro agent's ID is
// "micro/<kind>/<resource>".
type ID string

// Message is a FIPA-ACL envelope. Content is opaque to the Bus: its encoding
// is fixed by the Ontology (JSON for every ontology aios defines). The Bus
// never copies Content; an in-process Transport passes the same slice to the
// receiver, so a sender must not modify Content after sending.
type Message struct {
	// ID is unique per sender and doubles as the replay-protection nonce.
	ID             string
	Performative   Performative
	Sender         ID
	Receiver       ID
	ConversationID string
	ReplyWith      string
	InReplyTo      string
	Ontology       string
	Content        []byte
	// IssuedAt and ExpiresAt are Unix nanoseconds. A message is rejected
	// after ExpiresAt and when IssuedAt lies too far in the future.
	IssuedAt  int64
	ExpiresAt int64
	// Signature is the sender's Ed25519 signature over the envelope (see
	// SigningBytes). Empty means unsigned, which every Bus rejects.
	Signature []byte
}

// NewReply returns an unsigned reply to m with the given performative,
// addressed back to m's sender, in the same conversation and ontology.
func (m *Message) NewReply(p Performative, content []byte) *Message {
	return &Message{
		Performative:   p,
		Sender:         m.Receiver,
		Receiver:       m.Sender,
		ConversationID: m.ConversationID,
		InReplyTo:      m.ReplyWith,
		Ontology:       m.Ontology,
		Content:        content,
	}
}

func (m *Message) String() string {
	return fmt.Sprintf("%s %s→%s conv=%s onto=%s id=%s (%d bytes)",
		m.Performative, m.Sender, m.Receiver, m.ConversationID, m.Ontology, m.ID, len(m.Content))
}
