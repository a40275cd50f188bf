// Package escalate decides what happens to a candidate edit that passed
// the Critic: applied and committed automatically, offered to the user, or
// held for an explicit human decision.
//
// Tiers:
//
//   - Tier 3 (routine): score >= Policy.Tier3MinScore, a small diff (at most
//     Policy.SmallDiffLines added plus deleted lines), tests ran and passed,
//     and no Tier 1 rule fired. Applied now, and committed when
//     Policy.AutoApply is on (and Policy.AutoCommit, which DefaultPolicy
//     sets); with auto-apply off it is offered like Tier 2.
//   - Tier 1 (risky): a large diff (more than Policy.LargeDiffLines lines),
//     a deleted file, a touched file matching Policy.SensitivePatterns (CI,
//     security, dependency and build files by default), any safety finding,
//     a confidence below Policy.MinConfidence, or a touched file holding
//     uncommitted user changes. Held for an explicit human decision and never
//     committed automatically, not even once accepted.
//   - Tier 2: everything else. Offered as a code action; committed when the
//     user accepts it if Policy.AutoCommit is on.
//
// A candidate whose score is below the Critic's threshold (or not a number)
// is not a candidate: Decide returns the Vetoed tier, which neither applies,
// offers nor asks, with the reason "vetoed by the critic".
//
// Every Decision lists the reasons of every rule that fired. Paths are
// matched with [Match], a glob matcher with ** support.
//
// The package is a leaf: pure logic, no I/O, no imports from aios.
package escalate
