-- End-to-end test of the aios Neovim plugin against a real aios binary.
--
--   AIOS_E2E_BIN=/path/to/aios AIOS_E2E_FILE=/abs/path/file.go \
--     nvim --headless -u NONE -i NONE -n -c 'luafile editors/nvim/test/e2e.lua'
--
-- The file must contain a self-assignment (`x = x`) that go vet's assign
-- analyzer reports. The script waits for that diagnostic, applies its quick
-- fix (codeAction, then codeAction/resolve), writes the buffer, waits for
-- the diagnostics to clear, checks :AiosTasks and :AiosLint, stops the
-- client and exits 0. On failure it writes the reason to stderr and exits 1.
-- It runs on Neovim 0.7.2 and later.

local TIMEOUT_MS = tonumber(os.getenv('AIOS_E2E_TIMEOUT_MS') or '') or 45000
local started = (vim.uv or vim.loop).hrtime()
local log = {} -- what the server said, replayed on failure

local function elapsed()
  return string.format('%6.2fs', ((vim.uv or vim.loop).hrtime() - started) / 1e9)
end

local function say(msg)
  io.stderr:write('e2e ' .. elapsed() .. ' ' .. msg .. '\n')
  io.stderr:flush()
end

-- failure carries a test failure up to main through error().
local failure = {}

local function fail(msg)
  error(setmetatable({ msg = msg }, failure), 0)
end

local function check(cond, msg)
  if not cond then
    fail(msg)
  end
  return cond
end

-- wait polls cond until it returns a value, failing with what after the
-- deadline.
local function wait(what, cond, timeout_ms)
  local value
  local ok = vim.wait(timeout_ms or TIMEOUT_MS, function()
    value = cond()
    return value ~= nil and value ~= false
  end, 20)
  if not ok then
    fail('timed out after ' .. (timeout_ms or TIMEOUT_MS) .. ' ms waiting for ' .. what)
  end
  return value
end

local function call(client, method, ...)
  if vim.fn.has('nvim-0.11') == 1 then
    return client[method](client, ...)
  end
  return client[method](...)
end

local function aios_diagnostics(bufnr)
  local out = {}
  for _, d in ipairs(vim.diagnostic.get(bufnr)) do
    if d.source == 'aios' then
      table.insert(out, d)
    end
  end
  return out
end

-- to_lsp rebuilds the LSP diagnostic from a vim.diagnostic entry: 0.7
-- keeps only some LSP fields in user_data.lsp, later versions all of them.
-- Columns are bytes; the test file is ASCII, where bytes equal UTF-16 units.
local function to_lsp(d)
  local lsp = (d.user_data and d.user_data.lsp) or {}
  if lsp.range then
    return lsp
  end
  return {
    range = {
      start = { line = d.lnum, character = d.col },
      ['end'] = { line = d.end_lnum or d.lnum, character = d.end_col or d.col },
    },
    severity = d.severity,
    message = d.message,
    source = d.source,
    code = d.code,
    codeDescription = lsp.codeDescription,
    data = lsp.data,
  }
end

-- request sends a request to the buffer's clients and returns the result of
-- client_id, failing on an error or a timeout.
local function request(bufnr, client_id, method, params)
  local results, err = vim.lsp.buf_request_sync(bufnr, method, params, TIMEOUT_MS)
  check(results ~= nil, method .. ' got no answer: ' .. tostring(err))
  local res = results[client_id]
  check(res ~= nil, method .. ': no answer from the aios client')
  if res.err or res.error then
    local e = res.err or res.error
    fail(method .. ' failed: ' .. tostring(e.code) .. ' ' .. tostring(e.message))
  end
  return res.result
end

local ai_main -- defined below main's helpers

local function buffer_text(bufnr)
  return table.concat(vim.api.nvim_buf_get_lines(bufnr, 0, -1, false), '\n')
end

-- ai_main is the AI path (AIOS_E2E_AI=1; the workspace is a git
-- repository whose .aios.json names a model): the AI fix of the diagnostic
-- is offered with its critic score, resolved, applied, accepted (which
-- commits it), and undone with :AiosUndo.
ai_main = function(bufnr, client_id, client, lsp_diag, notes, exit_code)
  local actions = request(bufnr, client_id, 'textDocument/codeAction', {
    textDocument = { uri = vim.uri_from_bufnr(bufnr) },
    range = lsp_diag.range,
    context = { diagnostics = { lsp_diag } },
  })
  local action
  for _, a in ipairs(actions or {}) do
    if a.title:find('^AI: fix') then
      action = a
    end
  end
  check(action, 'no AI fix among the code actions: ' .. vim.inspect(actions))
  check(action.title:find('%(critic [01]%.%d%d%)$'), 'the AI action title carries no critic score: ' .. action.title)
  say('AI code action: ' .. action.title)
  action = request(bufnr, client_id, 'codeAction/resolve', action)
  check(type(action.edit) == 'table', 'the resolved AI action has no edit: ' .. vim.inspect(action))
  vim.lsp.util.apply_workspace_edit(action.edit, client.offset_encoding or 'utf-16')
  check(not buffer_text(bufnr):find('x = x', 1, true), 'the AI edit left "x = x":\n' .. buffer_text(bufnr))
  vim.cmd('silent write')
  local result = request(bufnr, client_id, 'workspace/executeCommand', action.command)
  check(type(result) == 'table' and result.applied and type(result.committed) == 'string' and #result.committed == 40,
    'accepting the AI edit did not commit it: ' .. vim.inspect(result))
  say('accepted and committed ' .. result.committed)

  vim.cmd('AiosUndo')
  local note = wait('the :AiosUndo message', function()
    for _, n in ipairs(notes) do
      if n.msg:find('reverted', 1, true) then
        return n
      end
    end
  end)
  check(note.msg:find(result.committed:sub(1, 12), 1, true), 'undo reverted another commit: ' .. note.msg)
  local disk = table.concat(vim.fn.readfile(vim.api.nvim_buf_get_name(bufnr)), '\n')
  check(disk:find('x = x', 1, true), 'after :AiosUndo the file on disk does not have its old content:\n' .. disk)
  say(note.msg)

  call(client, 'stop')
  wait('the aios server to exit', function()
    return exit_code() ~= nil
  end, 10000)
  check(exit_code() == 0, 'the aios server exited with status ' .. tostring(exit_code()) .. ', want 0')
  say('server exited 0')
end

local function main()
  local bin = check(os.getenv('AIOS_E2E_BIN'), 'AIOS_E2E_BIN is not set')
  local file = check(os.getenv('AIOS_E2E_FILE'), 'AIOS_E2E_FILE is not set')
  check(vim.fn.executable(bin) == 1, 'AIOS_E2E_BIN ' .. bin .. ' is not executable')
  check(vim.fn.filereadable(file) == 1, 'AIOS_E2E_FILE ' .. file .. ' is not readable')
  say('neovim ' .. tostring(vim.version().major) .. '.' .. vim.version().minor .. '.' .. vim.version().patch)

  -- editors/nvim, two levels above this script.
  local script = debug.getinfo(1, 'S').source:gsub('^@', '')
  local plugin_dir = vim.fn.fnamemodify(script, ':p:h:h')
  vim.opt.runtimepath:append(plugin_dir)
  vim.cmd('filetype on') -- -u NONE leaves filetype detection off

  local notes = {}
  vim.notify = function(msg, level)
    table.insert(notes, { msg = msg, level = level })
    table.insert(log, 'notify: ' .. tostring(msg))
  end
  local aios = require('aios')

  -- 0. Misconfiguration and commands without a server fail clearly.
  local ok, err = pcall(aios.setup, { cmd = { bin, 'lsp' }, filetype = { 'go' } })
  check(not ok and tostring(err):find('unknown option filetype', 1, true), 'setup accepted a misspelt option: ' .. tostring(err))
  ok, err = pcall(aios.setup, { cmd = 'aios lsp' })
  check(not ok and tostring(err):find('cmd must be a table', 1, true), 'setup accepted a string cmd: ' .. tostring(err))

  local attached, exit_code = nil, nil
  local function remember(kind)
    return function(_, result)
      if result and result.message then
        table.insert(log, kind .. ': ' .. result.message)
      end
    end
  end
  aios.setup({
    cmd = { bin, 'lsp' },
    init_options = { debounceMs = 50 },
    handlers = {
      ['window/logMessage'] = remember('logMessage'),
      ['window/showMessage'] = remember('showMessage'),
    },
    on_attach = function(client, bufnr)
      attached = { client_id = client.id, bufnr = bufnr }
    end,
    on_exit = function(code)
      exit_code = code
    end,
  })

  vim.cmd('AiosTasks')
  check(#notes > 0 and notes[#notes].msg:find('no aios server is running', 1, true),
    ':AiosTasks without a server did not say so: ' .. vim.inspect(notes))

  vim.cmd('edit ' .. vim.fn.fnameescape(file))
  local bufnr = vim.api.nvim_get_current_buf()
  check(vim.bo[bufnr].filetype == 'go', 'filetype of ' .. file .. ' is "' .. vim.bo[bufnr].filetype .. '", want go')
  wait('the aios client to attach', function()
    return attached
  end)
  check(attached.bufnr == bufnr, 'on_attach for buffer ' .. attached.bufnr .. ', want ' .. bufnr)
  local client_id = attached.client_id
  local client = check(vim.lsp.get_client_by_id(client_id), 'client ' .. client_id .. ' is gone')
  check(client.name == 'aios', 'client name ' .. tostring(client.name))
  check(#aios.clients(bufnr) == 1, 'aios.clients() does not list the attached client')
  say('attached client ' .. client_id .. ' (root ' .. tostring(client.config.root_dir) .. ')')

  -- 1. The vet finding arrives as a pushed diagnostic.
  local diag = wait('the aios "assign" diagnostic', function()
    for _, d in ipairs(aios_diagnostics(bufnr)) do
      if d.code == 'assign' then
        return d
      end
    end
  end)
  check(vim.api.nvim_buf_get_lines(bufnr, diag.lnum, diag.lnum + 1, false)[1]:find('x = x', 1, true),
    'the diagnostic is on line ' .. diag.lnum .. ', which has no "x = x": ' .. diag.message)
  say('diagnostic: line ' .. (diag.lnum + 1) .. ': ' .. diag.message)

  local lsp_diag = to_lsp(diag)
  if os.getenv('AIOS_E2E_AI') == '1' then
    return ai_main(bufnr, client_id, client, lsp_diag, notes, function()
      return exit_code
    end)
  end

  -- 2. Its quick fix: list the action, resolve its edit, apply it.
  local actions = request(bufnr, client_id, 'textDocument/codeAction', {
    textDocument = { uri = vim.uri_from_bufnr(bufnr) },
    range = lsp_diag.range,
    context = { diagnostics = { lsp_diag }, only = { 'quickfix' } },
  })
  check(type(actions) == 'table' and #actions > 0, 'no code actions at the diagnostic: ' .. vim.inspect(actions))
  local action = actions[1]
  check(action.kind == 'quickfix', 'action kind ' .. tostring(action.kind) .. ', want quickfix')
  say('code action: ' .. action.title .. (action.edit and ' (with edit)' or ' (to resolve)'))
  if not action.edit then
    -- Neovim 0.7.2 advertises resolveSupport for edit, so the server sends
    -- the edit only from codeAction/resolve.
    action = request(bufnr, client_id, 'codeAction/resolve', action)
  end
  check(type(action) == 'table' and type(action.edit) == 'table', 'resolved action has no edit: ' .. vim.inspect(action))
  local before = buffer_text(bufnr)
  -- Neovim 0.6 takes (edit), 0.7+ (edit, offset_encoding): the extra
  -- argument is ignored where it is not expected.
  vim.lsp.util.apply_workspace_edit(action.edit, client.offset_encoding or 'utf-16')
  local after = buffer_text(bufnr)
  check(after ~= before, 'applying the edit changed nothing: ' .. vim.inspect(action.edit))
  check(not after:find('x = x', 1, true), 'the buffer still has "x = x" after the fix:\n' .. after)
  vim.cmd('silent write')
  say('applied and wrote the fix')

  -- 3. The diagnostic goes away.
  wait('the aios diagnostics to clear', function()
    return #aios_diagnostics(bufnr) == 0
  end)
  say('diagnostics cleared')

  -- 4. Another file of the same module shares the client.
  local other = vim.fn.fnamemodify(file, ':h') .. '/other.go'
  vim.fn.writefile({ 'package e2e', '', '// Triple returns three times x.', 'func Triple(x int) int {',
    '\treturn 3 * x', '}' }, other)
  vim.cmd('edit ' .. vim.fn.fnameescape(other))
  local other_buf = vim.api.nvim_get_current_buf()
  wait('the second buffer to attach', function()
    return vim.lsp.buf_is_attached(other_buf, client_id)
  end)
  check(#aios.clients() == 1, 'a second file of the same root started another client: ' .. #aios.clients())
  say('second buffer attached to the same client')

  -- 5. :AiosTasks lists the tasks the server ran.
  vim.cmd('AiosTasks')
  local tasks_buf = wait('the aios://tasks buffer', function()
    local b = vim.fn.bufnr('aios://tasks')
    if b ~= -1 and vim.api.nvim_buf_line_count(b) > 2 then
      return b
    end
  end)
  local lines = vim.api.nvim_buf_get_lines(tasks_buf, 0, -1, false)
  local ok_tasks = 0
  for i = 3, #lines do
    check(lines[i]:match('^%S+%s+%S+%s+%S+%s+%S+'), 'malformed task line: ' .. lines[i])
    if lines[i]:match('^%S+%s+%S+%s+ok%s') then
      ok_tasks = ok_tasks + 1
    end
  end
  check(ok_tasks > 0, 'no task with status ok in :AiosTasks:\n' .. table.concat(lines, '\n'))
  say(':AiosTasks listed ' .. (#lines - 2) .. ' tasks:\n' .. table.concat(lines, '\n'))
  vim.cmd('close')

  -- 6. :AiosLint lints the module, which is clean now.
  vim.cmd('AiosLint')
  local note = wait('the :AiosLint summary', function()
    for _, n in ipairs(notes) do
      if n.msg:find('lint', 1, true) then
        return n
      end
    end
  end)
  check(note.msg:find('lint: 0 findings', 1, true), 'unexpected :AiosLint result: ' .. note.msg)
  say(note.msg)

  -- 7. A clean shutdown: shutdown, exit, and the server exits 0.
  call(client, 'stop')
  wait('the aios server to exit', function()
    return exit_code ~= nil
  end, 10000)
  check(exit_code == 0, 'the aios server exited with status ' .. tostring(exit_code) .. ', want 0')
  say('server exited 0')
end

local ok, err = xpcall(main, function(e)
  if getmetatable(e) == failure then
    return e
  end
  return debug.traceback(tostring(e), 2)
end)
if ok then
  say('PASS')
  vim.cmd('qall!')
else
  local msg = getmetatable(err) == failure and err.msg or tostring(err)
  io.stderr:write('e2e FAIL: ' .. msg .. '\n')
  if #log > 0 then
    io.stderr:write('messages from the server and the plugin:\n  ' .. table.concat(log, '\n  ') .. '\n')
  end
  io.stderr:flush()
  vim.cmd('cquit 1')
end
