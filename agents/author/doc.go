// Package author holds the agents that write AI edits: Generate asks the
// model for an edit, Parse turns the answer into file edits, and Escalate
// decides what happens to an edit the Critic accepted. With the Retrieve
// agent (agents/knowledge) and the Critic (agents/macro) they make the
// plan of an AI task:
//
//	retrieve → generate → parse → review → escalate
//
// The kernel runs the plan up to three times, feeding what went wrong
// (an answer that holds no usable edit, a Critic veto) into the next
// attempt's prompt.
package author
