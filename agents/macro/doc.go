// Package macro holds the kernel's Critic and Memory macro agents. (The
// Interface, Planner and Executor macro agents are the orchestrator itself.)
package macro
