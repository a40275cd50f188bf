// Package orchestrator is aios's kernel: it turns each editor or CLI request
// into a task, has the Planner build a DAG of capability steps by rules,
// compiles the DAG (cycles, unknown capabilities and missing inputs are
// rejected before anything runs), and has the Executor run it against the
// agents of the registry over the signed message Bus, with bounded
// parallelism, per-step timeouts, retries and cancellation. Every task and
// its per-step timings are kept for `aios.tasks`.
package orchestrator
