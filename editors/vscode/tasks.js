// @ts-check
'use strict';

// Formatting of the aios.tasks result (agents.TaskRecord as JSON), shared by
// the extension and its end-to-end test. It needs no VS Code API.

/**
 * @param {unknown} ns a duration in nanoseconds
 * @returns {string}
 */
function formatDuration(ns) {
  if (typeof ns !== 'number') {
    return '-';
  }
  if (ns < 1e6) {
    return `${Math.round(ns / 1e3)}µs`;
  }
  if (ns < 1e9) {
    return `${(ns / 1e6).toFixed(1)}ms`;
  }
  return `${(ns / 1e9).toFixed(2)}s`;
}

/**
 * Formats tasks one line each: id, kind, status, duration, then the steps
 * as id(agent status duration).
 * @param {Array<any>} tasks
 * @returns {string[]}
 */
function formatTasks(tasks) {
  const lines = [
    `${'ID'.padEnd(8)} ${'KIND'.padEnd(13)} ${'STATUS'.padEnd(9)} ${'DURATION'.padStart(9)}  STEPS`,
  ];
  for (const t of tasks) {
    const steps = (Array.isArray(t.steps) ? t.steps : []).map((/** @type {any} */ s) => {
      const attempts = typeof s.attempts === 'number' && s.attempts > 1 ? ` x${s.attempts}` : '';
      return `${s.id}(${s.agent} ${s.status} ${formatDuration(s.durationNs)}${attempts})`;
    });
    let line = `${String(t.id).padEnd(8)} ${String(t.kind).padEnd(13)} ${String(t.status).padEnd(9)} ` +
      `${formatDuration(t.durationNs).padStart(9)}  ${steps.join(' ')}`;
    if (t.error) {
      line += `  error: ${String(t.error).replace(/\n/g, ' ')}`;
    }
    lines.push(line);
  }
  return lines;
}

module.exports = { formatDuration, formatTasks };
