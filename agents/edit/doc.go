// Package edit turns a language model's answer into file edits.
//
// A model asked to fix a diagnostic, implement a TODO, write tests or follow
// a free-form instruction answers with an edit in one of two formats:
//
//   - a unified diff (--- a/path, +++ b/path, @@ -l,c +l,c @@ hunks, with or
//     without diff --git headers, /dev/null for creation and deletion);
//   - Aider-style SEARCH/REPLACE blocks: a file name line, then
//     <<<<<<< SEARCH, the current lines, =======, the new lines and
//     >>>>>>> REPLACE.
//
// When the caller allows it ([Options.AllowWholeFile]), a single fenced code
// block holding the complete new file is accepted as well.
//
// [Parse] does the structural work (it finds the edit inside prose and
// Markdown fences, splits it per file and validates paths against
// [Options.Root]); [Apply] locates every hunk or block in the current content
// read from a [Source] and computes the new content of each file. Apply is
// all or nothing: it returns edits only when every hunk and block applied.
//
// Models make formatting mistakes, and the parser and the matcher tolerate
// the usual ones: wrong or missing hunk line numbers and counts, missing
// a/ b/ prefixes, missing "\ No newline" markers, CRLF, fences and prose
// around the edit, 5 to 9 marker characters, a missing file name when the
// caller passes [Options.DefaultPath]. A hunk or SEARCH text is located by
// content, nearest to the line its header states, trying in turn: an exact
// match, a match ignoring trailing whitespace, one ignoring indentation (the
// inserted lines are then re-indented to the file's style, tabs or spaces)
// and one ignoring all whitespace differences; failing those, up to two
// leading and trailing context lines are dropped, like patch --fuzz=2.
//
// Failures are [*Error] values whose [Error.Feedback] tells the model what to
// fix; [RetryPrompt] renders that feedback for the caller's retry loop.
// [UnifiedDiff] renders a unified diff of two versions of a file with a
// linear-space Myers diff.
//
// The package is a leaf: it imports nothing from aios.
package edit
