// The C half of the flat syntax tree (see flatten.go): one call parses a
// file and records its visible nodes in pre-order, so that Go walks an
// array instead of making cgo calls per node.

#ifndef SYNTAX_FLATTEN_H_
#define SYNTAX_FLATTEN_H_

#include "tsapi.h"

// syntax_node flags.
enum {
	SYNTAX_NAMED = 1,     // ts_node_is_named
	SYNTAX_MISSING = 2,   // ts_node_is_missing
	SYNTAX_HAS_ERROR = 4, // ts_node_has_error
};

// Buffers above these sizes (in elements) are freed between parses
// (syntax_worker_trim).
enum {
	SYNTAX_TRIM_NODES = 1 << 16,
	SYNTAX_TRIM_RESULTS = 1 << 15,
};

// syntax_node.query when the node has no query results.
#define SYNTAX_NO_QUERY UINT32_MAX

// Query results besides node indexes.
enum {
	SYNTAX_NULL = -1,       // tree-sitter returned the null node
	SYNTAX_UNRESOLVED = -2, // the node returned is not in the array (a bug)
};

// syntax_node is one visible node. Its layout is mirrored by the Go type
// node; TestNodeLayout compares them.
typedef struct syntax_node {
	uint32_t start;       // ts_node_start_byte
	uint32_t end;         // ts_node_end_byte
	uint32_t next;        // the index just after the node's subtree
	uint32_t child_count; // ts_node_child_count
	uint32_t named_count; // ts_node_named_child_count
	uint32_t query;       // the index of its first query result, or SYNTAX_NO_QUERY
	TSSymbol kind;        // ts_node_symbol
	TSFieldId field;      // ts_tree_cursor_current_field_id, relative to the parent
	uint8_t flags;        // SYNTAX_NAMED, SYNTAX_MISSING, SYNTAX_HAS_ERROR
	uint8_t pad[3];
} syntax_node;

// syntax_lang is a language with its queries: the look-ups the analysis
// makes on nodes of each kind, answered by the tree-sitter functions
// themselves during the walk. A query code is a field id
// (ts_node_child_by_field_id) or 0 (ts_node_named_child(node, 0)). The
// codes of kind k are codes[at[k]] to codes[at[k+1]-1]; row kinds holds
// those of ERROR nodes. Immutable once made.
typedef struct syntax_lang {
	const TSLanguage *language;
	uint32_t kinds;
	uint32_t *at;    // kinds+2 entries
	uint16_t *codes;
} syntax_lang;

// syntax_open is a query whose answer the walk has not reached yet.
typedef struct syntax_open {
	const void *id; // the TSNode id of the answer
	uint32_t slot;  // in results
	uint32_t depth; // of the node that asked
} syntax_open;

// syntax_worker is a parser with the buffers of its last parse. Not safe
// for concurrent use.
typedef struct syntax_worker {
	TSParser *parser;
	size_t cancel; // the parser's cancellation flag

	// The last parse: nodes in pre-order (nodes[0] is the root) and the
	// answers to their queries (node indexes, SYNTAX_NULL or
	// SYNTAX_UNRESOLVED).
	syntax_node *nodes;
	uint32_t n, cap;
	int32_t *results;
	uint32_t nresults, results_cap;
	uint32_t unresolved;

	// Walk scratch.
	TSTreeCursor cursor;
	bool has_cursor;
	uint32_t *path;    // node index by depth
	uint32_t *pending; // unanswered queries by depth
	uint32_t path_cap;
	syntax_open *open;
	uint32_t nopen, open_cap;

	// The tree of the last parse when it was asked to keep it; the
	// caller takes it (and sets this to NULL).
	TSTree *kept;
} syntax_worker;

// syntax_parse results.
enum {
	SYNTAX_OK = 0,
	SYNTAX_NO_TREE = 1, // cancelled, or tree-sitter failed; the parser is reset
	SYNTAX_NO_MEMORY = 2,
};

syntax_lang *syntax_lang_new(const TSLanguage *language, uint32_t kinds, const uint32_t *at, const uint16_t *codes);
syntax_worker *syntax_worker_new(const syntax_lang *lang);
void syntax_worker_free(syntax_worker *w);
void syntax_worker_trim(syntax_worker *w);
// syntax_parse parses src and, when walk, flattens its tree into w. old,
// when not NULL, is the tree of an earlier version of src already edited
// with ts_tree_edit: tree-sitter then re-parses only what changed.
// syntax_parse takes old (deletes it). When keep and the result is
// SYNTAX_OK, the new tree is left in w->kept for the caller; otherwise it
// is deleted.
int syntax_parse(syntax_worker *w, const syntax_lang *lang, const char *src, uint32_t len, bool walk, TSTree *old, bool keep);
void syntax_node_layout(uint32_t *out);

#endif
