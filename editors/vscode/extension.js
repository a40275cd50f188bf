// @ts-check
'use strict';

// The aios extension: starts `aios lsp` for Go files through
// vscode-languageclient. Diagnostics (pulled, since VS Code supports
// textDocument/diagnostic), quick fixes with codeAction/resolve and progress
// come from the language client. aios.lint is a server command that the
// client registers itself; aios.showTasks shows the aios.tasks result.

const vscode = require('vscode');
const { LanguageClient } = require('vscode-languageclient/node');
const { formatTasks } = require('./tasks');

/** @type {LanguageClient | undefined} */
let client;
/** @type {vscode.OutputChannel | undefined} */
let tasksChannel;

function settings() {
  const cfg = vscode.workspace.getConfiguration('aios');
  return {
    path: cfg.get('path', 'aios') || 'aios',
    initializationOptions: {
      tests: cfg.get('tests', true),
      buildFlags: cfg.get('buildFlags', []),
    },
  };
}

/**
 * @param {any} summary the aios.lint result
 */
function showLintSummary(summary) {
  if (!summary || typeof summary !== 'object') {
    return;
  }
  const packages = Array.isArray(summary.packages) ? summary.packages.length : 0;
  vscode.window.showInformationMessage(
    `aios lint: ${summary.findings} findings in ${summary.files} files, ${packages} packages (task ${summary.task})`);
}

function createClient() {
  const s = settings();
  /** @type {import('vscode-languageclient/node').ServerOptions} */
  const serverOptions = { command: s.path, args: ['lsp'] };
  /** @type {import('vscode-languageclient/node').LanguageClientOptions} */
  const clientOptions = {
    documentSelector: [{ scheme: 'file', language: 'go' }],
    initializationOptions: s.initializationOptions,
    outputChannelName: 'aios',
    middleware: {
      // aios.lint is registered by the client from the server's
      // executeCommandProvider; show its summary when it returns.
      executeCommand: async (command, args, next) => {
        const result = await next(command, args);
        if (command === 'aios.lint') {
          showLintSummary(result);
        }
        return result;
      },
    },
  };
  return new LanguageClient('aios', 'aios', serverOptions, clientOptions);
}

async function startClient() {
  client = createClient();
  try {
    await client.start();
  } catch (err) {
    const path = settings().path;
    vscode.window.showErrorMessage(
      `aios: could not start "${path} lsp" (setting aios.path): ${err instanceof Error ? err.message : err}`);
  }
}

async function stopClient() {
  const c = client;
  client = undefined;
  if (c && c.needsStop()) {
    await c.stop();
  }
}

async function showTasks() {
  if (!client || !client.isRunning()) {
    vscode.window.showErrorMessage('aios: the language server is not running; open a Go file first.');
    return;
  }
  try {
    const tasks = await client.sendRequest('workspace/executeCommand', { command: 'aios.tasks', arguments: [] });
    if (!tasksChannel) {
      tasksChannel = vscode.window.createOutputChannel('aios tasks');
    }
    tasksChannel.clear();
    const list = Array.isArray(tasks) ? tasks : [];
    tasksChannel.appendLine(`aios tasks (most recent first, ${list.length})`);
    for (const line of formatTasks(list)) {
      tasksChannel.appendLine(line);
    }
    tasksChannel.show(true);
  } catch (err) {
    vscode.window.showErrorMessage(`aios.tasks failed: ${err instanceof Error ? err.message : err}`);
  }
}

// runTask asks for an instruction and runs it as an AI task (aios.task) on
// the active file: the critic checks the result and the server applies it
// with workspace/applyEdit (asking first when the escalation policy wants
// a human decision).
async function runTask() {
  if (!client || !client.isRunning()) {
    vscode.window.showErrorMessage('aios: the language server is not running; open a Go file first.');
    return;
  }
  const instruction = await vscode.window.showInputBox({ prompt: 'aios: what should change?', ignoreFocusOut: true });
  if (!instruction) {
    return;
  }
  const editor = vscode.window.activeTextEditor;
  const args = { instruction };
  if (editor) {
    args.file = editor.document.uri.toString();
  }
  try {
    const r = await client.sendRequest('workspace/executeCommand', { command: 'aios.task', arguments: [args] });
    if (!r || !r.accepted) {
      vscode.window.showWarningMessage(`aios: the critic vetoed every candidate (${(r && r.reasons || []).join('; ')})`);
      return;
    }
    const committed = r.committed ? `, committed ${r.committed.slice(0, 12)}` : '';
    vscode.window.showInformationMessage(
      `aios: ${r.applied ? 'applied' : 'not applied'} (critic ${r.score.toFixed(2)}, ${r.tier})${committed}`);
  } catch (err) {
    vscode.window.showErrorMessage(`aios.task failed: ${err instanceof Error ? err.message : err}`);
  }
}

/**
 * @param {vscode.ExtensionContext} context
 */
async function activate(context) {
  context.subscriptions.push(
    vscode.commands.registerCommand('aios.showTasks', showTasks),
    vscode.commands.registerCommand('aios.runTask', runTask),
    vscode.workspace.onDidChangeConfiguration(async (e) => {
      if (!e.affectsConfiguration('aios')) {
        return;
      }
      const choice = await vscode.window.showInformationMessage(
        'aios settings changed: restart the language server to apply them.', 'Restart');
      if (choice === 'Restart') {
        await stopClient();
        await startClient();
      }
    }),
    { dispose: () => tasksChannel && tasksChannel.dispose() },
  );
  await startClient();
}

function deactivate() {
  return stopClient();
}

module.exports = { activate, deactivate };
