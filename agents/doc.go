// Package agents is the runtime of aios's agent kernel: the FIPA-ACL message
// envelope, Ed25519 signing and verification, the Bus that carries messages
// between agents over a swappable Transport, and the three-tier Agent Registry.
//
// Agents never call each other directly. A sender builds a Message through its
// Port, the Bus signs it with the sender's key, the Transport carries it to the
// node where the receiver lives, and the receiving Bus verifies signature,
// expiry and freshness before the receiver's handler sees it. Replies travel
// the same way. Rejected messages are counted per reason (see Stats).
//
// Tiers: Macro agents (Interface, Planner, Executor, Critic, Memory) run the
// kernel; Meso agents offer capabilities (diagnose, quickfix, ...); Micro
// agents exist per resource (one per document or file), are spawned lazily on
// first use and reaped when idle. The Bus refuses a message from a Macro agent
// to a Micro agent: a Meso agent aggregates its micro agents.
package agents
