// End-to-end test of aios in VS Code's protocol role: a client built on
// vscode-languageserver-protocol (the protocol layer of
// vscode-languageclient) that advertises what VS Code advertises for the
// features aios uses: pull diagnostics, codeAction/resolve of edits, work
// done progress.
//
//   node test/e2e.mjs /path/to/aios /abs/path/to/module/file.go
//
// The file must hold a self-assignment (`x = x`). The script pulls the
// "assign" diagnostic, gets and resolves its quick fix, sends the edit as
// VS Code would (incremental didChange), pulls again (no diagnostics), runs
// aios.lint with a progress token and aios.tasks, then shuts the server
// down and expects exit status 0. It exits 1 with the reason on stderr.

import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import { pathToFileURL } from 'node:url';

const require = createRequire(import.meta.url);
const p = require('vscode-languageserver-protocol/node');
const { formatTasks } = require('../tasks.js');

const TIMEOUT_MS = Number(process.env.AIOS_E2E_TIMEOUT_MS) || 30000;
const started = process.hrtime.bigint();
const serverStderr = [];
let exitStatus = ''; // how the server exited, once it has
let serverExited = null; // settles when the server process exits

function say(msg) {
  const s = Number(process.hrtime.bigint() - started) / 1e9;
  process.stdout.write(`e2e ${s.toFixed(2).padStart(6)}s ${msg}\n`);
}

class Failure extends Error {}

function check(cond, msg) {
  if (!cond) {
    throw new Failure(msg);
  }
  return cond;
}

// within fails after ms with what, unless promise settles first.
function within(what, promise, ms = TIMEOUT_MS) {
  let timer;
  const timeout = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Failure(`timed out after ${ms} ms waiting for ${what}`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

// A deferred value, for events the server sends.
function deferred() {
  let resolve;
  const promise = new Promise((r) => { resolve = r; });
  return { promise, resolve };
}

// compare orders LSP positions.
function compare(a, b) {
  return a.line - b.line || a.character - b.character;
}

// offsetAt maps an LSP position (UTF-16, like JS strings) to an index.
function offsetAt(text, pos) {
  let line = 0;
  let i = 0;
  while (line < pos.line) {
    const nl = text.indexOf('\n', i);
    check(nl >= 0, `position ${JSON.stringify(pos)} is past the end of the document`);
    i = nl + 1;
    line++;
  }
  const end = text.indexOf('\n', i);
  const lineEnd = end < 0 ? text.length : end;
  return Math.min(i + pos.character, lineEnd);
}

// applyEdits applies non-overlapping text edits, last first.
function applyEdits(text, edits) {
  const sorted = [...edits].sort((a, b) => compare(b.range.start, a.range.start));
  for (const e of sorted) {
    text = text.slice(0, offsetAt(text, e.range.start)) + e.newText + text.slice(offsetAt(text, e.range.end));
  }
  return text;
}

async function main() {
  const [bin, file] = process.argv.slice(2);
  check(bin && file, 'usage: node test/e2e.mjs AIOS_BINARY GO_FILE');
  const root = dirname(file);
  const uri = pathToFileURL(file).href;
  let text = readFileSync(file, 'utf8');
  check(text.includes('x = x'), `${file} has no self-assignment to fix`);

  const proc = spawn(bin, ['lsp'], { cwd: root, stdio: ['pipe', 'pipe', 'pipe'] });
  const exited = serverExited = new Promise((resolve) => proc.on('exit', (code, signal) => {
    exitStatus = `status ${code} (signal ${signal})`;
    resolve({ code, signal });
  }));
  let exiting = false; // set once shutdown has been answered
  const spawnError = new Promise((_, reject) => proc.on('error', (err) => reject(new Failure(`starting ${bin}: ${err.message}`))));
  spawnError.catch(() => {});
  const died = exited.then(({ code, signal }) => {
    if (!exiting) {
      throw new Failure(`${bin} lsp exited early with status ${code} (signal ${signal})`);
    }
    return new Promise(() => {});
  });
  died.catch(() => {});
  proc.stderr.on('data', (chunk) => serverStderr.push(chunk.toString()));

  const conn = p.createProtocolConnection(new p.StreamMessageReader(proc.stdout), new p.StreamMessageWriter(proc.stdin));
  const pushed = [];
  const log = [];
  conn.onNotification(p.PublishDiagnosticsNotification.type, (params) => pushed.push(params));
  conn.onNotification(p.LogMessageNotification.type, (params) => log.push(`log: ${params.message}`));
  conn.onNotification(p.ShowMessageNotification.type, (params) => log.push(`show: ${params.message}`));
  conn.onRequest(p.WorkDoneProgressCreateRequest.type, () => null);
  conn.listen();
  const request = (what, type, params) => within(what, Promise.race([conn.sendRequest(type, params), spawnError, died]));

  // 1. initialize, as VS Code does for these features.
  const init = await request('initialize', p.InitializeRequest.type, {
    processId: process.pid,
    clientInfo: { name: 'aios-e2e (VS Code protocol role)', version: '1' },
    rootUri: pathToFileURL(root).href,
    workspaceFolders: [{ uri: pathToFileURL(root).href, name: 'e2e' }],
    capabilities: {
      window: { workDoneProgress: true, showMessage: {} },
      workspace: { workspaceFolders: true },
      textDocument: {
        synchronization: { didSave: true, dynamicRegistration: false },
        diagnostic: { dynamicRegistration: false, relatedDocumentSupport: false },
        publishDiagnostics: { relatedInformation: true, versionSupport: true },
        codeAction: {
          dynamicRegistration: false,
          isPreferredSupport: true,
          dataSupport: true,
          resolveSupport: { properties: ['edit'] },
          codeActionLiteralSupport: { codeActionKind: { valueSet: ['', 'quickfix', 'refactor', 'source'] } },
        },
      },
    },
  });
  const caps = init.capabilities;
  check(caps.diagnosticProvider, `no diagnosticProvider for a pull client: ${JSON.stringify(caps)}`);
  check(caps.codeActionProvider && caps.codeActionProvider.resolveProvider, 'code actions are not resolvable');
  const commands = (caps.executeCommandProvider && caps.executeCommandProvider.commands) || [];
  check(commands.includes('aios.tasks') && commands.includes('aios.lint'), `commands: ${commands}`);
  conn.sendNotification(p.InitializedNotification.type, {});
  say(`initialized ${init.serverInfo && init.serverInfo.name} ${init.serverInfo && init.serverInfo.version}`);

  // 2. Open the file and pull its diagnostics.
  let version = 1;
  conn.sendNotification(p.DidOpenTextDocumentNotification.type, {
    textDocument: { uri, languageId: 'go', version, text },
  });
  const report = await request('textDocument/diagnostic', p.DocumentDiagnosticRequest.type, { textDocument: { uri } });
  check(report.kind === 'full', `first report is ${report.kind}, want full`);
  const diag = report.items.find((d) => d.source === 'aios' && d.code === 'assign');
  check(diag, `no aios "assign" diagnostic: ${JSON.stringify(report.items)}`);
  check(text.split('\n')[diag.range.start.line].includes('x = x'), `diagnostic on line ${diag.range.start.line}`);
  say(`pulled: line ${diag.range.start.line + 1}: ${diag.message}`);
  const again = await request('textDocument/diagnostic again', p.DocumentDiagnosticRequest.type,
    { textDocument: { uri }, previousResultId: report.resultId });
  check(again.kind === 'unchanged' && again.resultId === report.resultId,
    `same version pulled again: ${JSON.stringify(again)}, want unchanged ${report.resultId}`);

  // 3. The quick fix: listed without its edit, resolved with it.
  const actions = await request('textDocument/codeAction', p.CodeActionRequest.type, {
    textDocument: { uri }, range: diag.range, context: { diagnostics: [diag], only: ['quickfix'] },
  });
  check(Array.isArray(actions) && actions.length > 0, `no code actions: ${JSON.stringify(actions)}`);
  const action = actions[0];
  check(action.kind === 'quickfix' && !action.edit && action.data,
    `want an unresolved quickfix carrying data: ${JSON.stringify(action)}`);
  const resolved = await request('codeAction/resolve', p.CodeActionResolveRequest.type, action);
  const edits = resolved.edit && resolved.edit.changes && resolved.edit.changes[uri];
  check(Array.isArray(edits) && edits.length > 0, `resolved action has no edit for ${uri}: ${JSON.stringify(resolved)}`);
  const fixed = applyEdits(text, edits);
  check(!fixed.includes('x = x') && fixed.includes('return x * 2'), `the fix gives:\n${fixed}`);
  say(`resolved "${resolved.title}": ${edits.length} edit(s)`);

  // 4. Apply it as VS Code does (incremental changes, last first), pull again.
  const changes = [...edits].sort((a, b) => compare(b.range.start, a.range.start))
    .map((e) => ({ range: e.range, text: e.newText }));
  conn.sendNotification(p.DidChangeTextDocumentNotification.type, {
    textDocument: { uri, version: ++version }, contentChanges: changes,
  });
  text = fixed;
  const after = await request('textDocument/diagnostic after the fix', p.DocumentDiagnosticRequest.type,
    { textDocument: { uri }, previousResultId: report.resultId });
  check(after.kind === 'full' && after.items.length === 0, `after the fix: ${JSON.stringify(after)}`);
  say('diagnostics clear after the fix');

  // 5. aios.lint reports progress on the client's token.
  const token = 'e2e-lint';
  const progress = [];
  const ended = deferred();
  conn.onProgress(p.WorkDoneProgress.type, token, (v) => {
    progress.push(v.kind);
    if (v.kind === 'end') {
      ended.resolve(v);
    }
  });
  const summary = await request('aios.lint', p.ExecuteCommandRequest.type,
    { command: 'aios.lint', arguments: [['./...']], workDoneToken: token });
  check(summary && summary.findings === 0 && Array.isArray(summary.packages) && summary.packages.length === 1,
    `aios.lint: ${JSON.stringify(summary)}`);
  const end = await within('the end of the lint progress', ended.promise);
  check(progress[0] === 'begin', `progress ${progress}, want begin first`);
  say(`aios.lint: ${summary.findings} findings, ${summary.packages.length} package(s); progress ${progress.join(',')} (${end.message})`);

  // 6. aios.tasks lists what ran.
  const tasks = await request('aios.tasks', p.ExecuteCommandRequest.type, { command: 'aios.tasks', arguments: [10] });
  check(Array.isArray(tasks) && tasks.length > 0 && tasks.length <= 10, `aios.tasks: ${JSON.stringify(tasks)}`);
  const kinds = new Set(tasks.map((t) => t.kind));
  check(kinds.has('resolve-fix') && kinds.has('lint'), `task kinds ${[...kinds]}, want resolve-fix and lint`);
  check(tasks.every((t) => typeof t.status === 'string' && Array.isArray(t.steps)), 'malformed task records');
  say(`aios.tasks:\n${formatTasks(tasks).join('\n')}`);

  // 7. A pull client gets no pushed diagnostics.
  check(pushed.length === 0, `diagnostics were pushed to a pull client: ${JSON.stringify(pushed)}`);

  // 8. shutdown, exit, status 0.
  await request('shutdown', p.ShutdownRequest.type, undefined);
  exiting = true;
  conn.sendNotification(p.ExitNotification.type);
  const { code, signal } = await within('the server to exit', exited, 10000);
  check(code === 0, `the server exited with status ${code} (signal ${signal}), want 0`);
  conn.dispose();
  say('server exited 0');
  return log;
}

try {
  await main();
  say('PASS');
  process.exit(0);
} catch (err) {
  process.stderr.write(`e2e FAIL: ${err instanceof Failure ? err.message : err && err.stack || err}\n`);
  if (serverExited) {
    // A failed write usually means the server died: say how, if it did.
    await within('the server to exit', serverExited, 2000).catch(() => {});
  }
  if (exitStatus) {
    process.stderr.write(`the server exited with ${exitStatus}\n`);
  }
  const tail = serverStderr.join('').slice(-8000);
  if (tail) {
    process.stderr.write(`--- aios stderr ---\n${tail}\n`);
  }
  process.exit(1);
}
