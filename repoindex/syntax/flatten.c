#include <stddef.h>
#include <string.h>

#include "flatten.h"

_Static_assert(sizeof(syntax_node) == 32, "syntax_node is 32 bytes");

syntax_lang *syntax_lang_new(const TSLanguage *language, uint32_t kinds, const uint32_t *at, const uint16_t *codes) {
	syntax_lang *l = calloc(1, sizeof *l);
	if (!l) return NULL;
	size_t rows = (size_t)kinds + 2;
	size_t ncodes = at[kinds + 1];
	l->language = language;
	l->kinds = kinds;
	l->at = malloc(rows * sizeof *l->at);
	l->codes = malloc((ncodes ? ncodes : 1) * sizeof *l->codes);
	if (!l->at || !l->codes) {
		free(l->at);
		free(l->codes);
		free(l);
		return NULL;
	}
	memcpy(l->at, at, rows * sizeof *l->at);
	memcpy(l->codes, codes, ncodes * sizeof *l->codes);
	return l;
}

syntax_worker *syntax_worker_new(const syntax_lang *lang) {
	syntax_worker *w = calloc(1, sizeof *w);
	if (!w) return NULL;
	w->parser = ts_parser_new();
	if (!ts_parser_set_language(w->parser, lang->language)) {
		ts_parser_delete(w->parser);
		free(w);
		return NULL;
	}
	ts_parser_set_cancellation_flag(w->parser, &w->cancel);
	return w;
}

void syntax_worker_trim(syntax_worker *w) {
	if (w->cap > SYNTAX_TRIM_NODES) {
		free(w->nodes);
		w->nodes = NULL;
		w->n = w->cap = 0;
	}
	if (w->results_cap > SYNTAX_TRIM_RESULTS) {
		free(w->results);
		w->results = NULL;
		w->nresults = w->results_cap = 0;
	}
}

void syntax_worker_free(syntax_worker *w) {
	if (!w) return;
	ts_parser_set_cancellation_flag(w->parser, NULL);
	ts_parser_delete(w->parser);
	if (w->has_cursor) ts_tree_cursor_delete(&w->cursor);
	if (w->kept) ts_tree_delete(w->kept);
	free(w->nodes);
	free(w->results);
	free(w->path);
	free(w->pending);
	free(w->open);
	free(w);
}

// grow makes room for one more element in *buf of *cap elements of size
// each, holding n; false when memory runs out.
static bool grow(void **buf, uint32_t *cap, uint32_t n, size_t size) {
	if (n < *cap) return true;
	if (*cap > UINT32_MAX / 2) return false;
	uint32_t c = *cap ? *cap * 2 : 1024;
	void *p = realloc(*buf, (size_t)c * size);
	if (!p) return false;
	*buf = p;
	*cap = c;
	return true;
}

static bool grow_path(syntax_worker *w, uint32_t depth) {
	if (depth < w->path_cap) return true;
	uint32_t c = w->path_cap ? w->path_cap * 2 : 64;
	uint32_t *path = realloc(w->path, (size_t)c * sizeof *path);
	if (!path) return false;
	w->path = path;
	uint32_t *pending = realloc(w->pending, (size_t)c * sizeof *pending);
	if (!pending) return false;
	w->pending = pending;
	w->path_cap = c;
	return true;
}

// ask answers the queries of node n (index i, at depth) that lang lists
// for its kind. An answer is a node the walk has yet to reach (a child, or
// for ts_node_named_child a deeper descendant in odd trees): it is opened
// and resolved when visit meets its id.
static bool ask(syntax_worker *w, const syntax_lang *lang, TSNode n, syntax_node *r, uint32_t depth) {
	uint32_t row = r->kind < lang->kinds ? r->kind : lang->kinds;
	uint32_t from = lang->at[row], to = lang->at[row + 1];
	if (from == to || r->child_count == 0) return true;
	r->query = w->nresults;
	for (uint32_t q = from; q < to; q++) {
		if (!grow((void **)&w->results, &w->results_cap, w->nresults, sizeof *w->results)) return false;
		uint32_t slot = w->nresults++;
		uint16_t code = lang->codes[q];
		TSNode a = code ? ts_node_child_by_field_id(n, code) : ts_node_named_child(n, 0);
		if (ts_node_is_null(a)) {
			w->results[slot] = SYNTAX_NULL;
			continue;
		}
		if (!grow((void **)&w->open, &w->open_cap, w->nopen, sizeof *w->open)) return false;
		w->results[slot] = SYNTAX_UNRESOLVED;
		w->open[w->nopen++] = (syntax_open){a.id, slot, depth};
		w->pending[depth]++;
	}
	return true;
}

// visit records the cursor's node at depth.
static bool visit(syntax_worker *w, const syntax_lang *lang, uint32_t depth) {
	if (!grow((void **)&w->nodes, &w->cap, w->n, sizeof *w->nodes) || !grow_path(w, depth)) return false;
	uint32_t i = w->n++;
	w->path[depth] = i;
	w->pending[depth] = 0;
	TSNode n = ts_tree_cursor_current_node(&w->cursor);
	syntax_node *r = &w->nodes[i];
	r->start = ts_node_start_byte(n);
	r->end = ts_node_end_byte(n);
	r->next = 0;
	r->child_count = ts_node_child_count(n);
	r->named_count = r->child_count ? ts_node_named_child_count(n) : 0;
	r->query = SYNTAX_NO_QUERY;
	r->kind = ts_node_symbol(n);
	r->field = depth ? ts_tree_cursor_current_field_id(&w->cursor) : 0;
	r->flags = (ts_node_is_named(n) ? SYNTAX_NAMED : 0) |
		(ts_node_is_missing(n) ? SYNTAX_MISSING : 0) |
		(ts_node_has_error(n) ? SYNTAX_HAS_ERROR : 0);
	memset(r->pad, 0, sizeof r->pad);
	for (uint32_t j = w->nopen; j-- > 0;) {
		syntax_open *o = &w->open[j];
		if (o->id != n.id) continue;
		w->results[o->slot] = (int32_t)i;
		w->pending[o->depth]--;
		*o = w->open[--w->nopen];
	}
	return ask(w, lang, n, r, depth);
}

// leave ends the subtree of the node at depth.
static void leave(syntax_worker *w, uint32_t depth) {
	w->nodes[w->path[depth]].next = w->n;
	if (w->pending[depth] == 0) return;
	for (uint32_t j = w->nopen; j-- > 0;) {
		if (w->open[j].depth != depth) continue;
		w->unresolved++;
		w->open[j] = w->open[--w->nopen];
	}
	w->pending[depth] = 0;
}

// flatten records the visible nodes under root in pre-order, as a tree
// cursor visits them.
static int flatten(syntax_worker *w, const syntax_lang *lang, TSNode root) {
	if (w->has_cursor) {
		ts_tree_cursor_reset(&w->cursor, root);
	} else {
		w->cursor = ts_tree_cursor_new(root);
		w->has_cursor = true;
	}
	TSTreeCursor *c = &w->cursor;
	uint32_t depth = 0;
	if (!visit(w, lang, 0)) return SYNTAX_NO_MEMORY;
	for (;;) {
		if (ts_tree_cursor_goto_first_child(c)) {
			if (!visit(w, lang, ++depth)) return SYNTAX_NO_MEMORY;
			continue;
		}
		for (;;) {
			leave(w, depth);
			if (depth == 0) return SYNTAX_OK;
			if (ts_tree_cursor_goto_next_sibling(c)) {
				if (!visit(w, lang, depth)) return SYNTAX_NO_MEMORY;
				break;
			}
			ts_tree_cursor_goto_parent(c);
			depth--;
		}
	}
}

int syntax_parse(syntax_worker *w, const syntax_lang *lang, const char *src, uint32_t len, bool walk, TSTree *old, bool keep) {
	w->n = 0;
	w->nresults = 0;
	w->nopen = 0;
	w->unresolved = 0;
	TSTree *tree = ts_parser_parse_string(w->parser, old, src, len);
	if (old) ts_tree_delete(old);
	if (!tree) {
		ts_parser_reset(w->parser); // a halted parse would otherwise resume on the next call
		return SYNTAX_NO_TREE;
	}
	int rc = SYNTAX_OK;
	if (walk) rc = flatten(w, lang, ts_tree_root_node(tree));
	if (keep && rc == SYNTAX_OK) {
		if (w->kept) ts_tree_delete(w->kept);
		w->kept = tree;
	} else {
		ts_tree_delete(tree);
	}
	return rc;
}

void syntax_node_layout(uint32_t *out) {
	out[0] = sizeof(syntax_node);
	out[1] = offsetof(syntax_node, start);
	out[2] = offsetof(syntax_node, end);
	out[3] = offsetof(syntax_node, next);
	out[4] = offsetof(syntax_node, child_count);
	out[5] = offsetof(syntax_node, named_count);
	out[6] = offsetof(syntax_node, query);
	out[7] = offsetof(syntax_node, kind);
	out[8] = offsetof(syntax_node, field);
	out[9] = offsetof(syntax_node, flags);
}
