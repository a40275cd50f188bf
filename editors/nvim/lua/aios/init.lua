-- aios: Neovim client for the aios language server.
--
--   require('aios').setup({
--     cmd = { 'aios', 'lsp' },
--     filetypes = { 'go' },
--     root_markers = { 'go.mod', '.git' },
--     init_options = { tests = true, buildFlags = {}, debounceMs = 200 },
--     on_attach = function(client, bufnr) end,
--   })
--
-- Works on Neovim 0.7 (vim.lsp.start_client + vim.lsp.buf_attach_client,
-- one client per root) and on later versions (vim.lsp.start, which reuses
-- the client of the same name and root).

local M = {}

local NAME = 'aios'
local TASKS_BUFFER = 'aios://tasks'

local defaults = {
  cmd = { 'aios', 'lsp' },
  filetypes = { 'go' },
  root_markers = { 'go.mod', '.git' },
  init_options = nil, -- InitOptions of the server: tests, buildFlags, debounceMs
  on_attach = nil, -- function(client, bufnr)
  on_exit = nil, -- function(code, signal, client_id)
  capabilities = nil, -- merged over vim.lsp.protocol.make_client_capabilities()
  handlers = nil, -- LSP handlers for this client only
  cmd_env = nil,
  flags = nil,
}

-- config is the validated configuration of the last setup() call.
local config = nil
-- clients maps a root directory to the client started for it (Neovim 0.7).
local clients = {}

local has_011 = vim.fn.has('nvim-0.11') == 1
local uv = vim.uv or vim.loop

-- call invokes a method of an LSP client object: Neovim 0.11 made them
-- methods (client:request), earlier versions plain functions (client.request).
local function call(client, method, ...)
  if has_011 then
    return client[method](client, ...)
  end
  return client[method](...)
end

local function notify(msg, level)
  vim.notify('aios: ' .. msg, level or vim.log.levels.INFO)
end

local function exists(path)
  return uv.fs_stat(path) ~= nil
end

--- Returns the nearest directory at or above the file's directory that
--- holds one of the root markers, or the file's directory when none does.
---@param fname string absolute file name
---@param markers string[]
---@return string
function M.find_root(fname, markers)
  local start = vim.fn.fnamemodify(fname, ':p:h')
  local dir = start
  while true do
    for _, marker in ipairs(markers) do
      if exists(dir .. '/' .. marker) then
        return dir
      end
    end
    local parent = vim.fn.fnamemodify(dir, ':h')
    if parent == dir then
      return start
    end
    dir = parent
  end
end

local function client_config(root)
  local capabilities = vim.lsp.protocol.make_client_capabilities()
  if config.capabilities then
    capabilities = vim.tbl_deep_extend('force', capabilities, config.capabilities)
  end
  local init_options = config.init_options
  if init_options ~= nil and vim.tbl_isempty(init_options) then
    -- An empty Lua table encodes as a JSON array; the server wants an object.
    init_options = nil
  end
  return {
    name = NAME,
    cmd = config.cmd,
    cmd_env = config.cmd_env,
    root_dir = root,
    workspace_folders = { { uri = vim.uri_from_fname(root), name = root } },
    init_options = init_options,
    capabilities = capabilities,
    handlers = config.handlers,
    flags = config.flags,
    on_attach = config.on_attach,
    on_exit = config.on_exit,
  }
end

-- live returns the client with id, unless it has exited or is stopping.
local function live(id)
  local client = id and vim.lsp.get_client_by_id(id)
  if client == nil or call(client, 'is_stopped') then
    return nil
  end
  return client
end

--- Attaches the aios client of the buffer's root to bufnr, starting the
--- client when the root has none.
---@param bufnr integer
function M.attach(bufnr)
  if config == nil then
    error('aios: call require("aios").setup() first')
  end
  if bufnr == 0 then
    bufnr = vim.api.nvim_get_current_buf()
  end
  if not vim.api.nvim_buf_is_valid(bufnr) or vim.bo[bufnr].buftype ~= '' then
    return
  end
  local fname = vim.api.nvim_buf_get_name(bufnr)
  if fname == '' or fname:match('^%a[%w+.-]*://') then
    return -- not a file on disk
  end
  fname = vim.fn.fnamemodify(fname, ':p')
  local root = M.find_root(fname, config.root_markers)
  if vim.lsp.start then
    vim.lsp.start(client_config(root), { bufnr = bufnr })
    return
  end
  local client = live(clients[root])
  local id = client and client.id
  if id == nil then
    id = vim.lsp.start_client(client_config(root))
    if id == nil then
      notify('could not start ' .. table.concat(config.cmd, ' '), vim.log.levels.ERROR)
      return
    end
    clients[root] = id
  end
  vim.lsp.buf_attach_client(bufnr, id)
end

--- Returns the running aios clients, those attached to bufnr when given.
---@param bufnr integer|nil
---@return table[]
function M.clients(bufnr)
  local out = {}
  local all = vim.lsp.get_clients and vim.lsp.get_clients({ name = NAME }) or vim.lsp.get_active_clients()
  for _, c in pairs(all) do
    if c.name == NAME and not call(c, 'is_stopped') and (bufnr == nil or vim.lsp.buf_is_attached(bufnr, c.id)) then
      table.insert(out, c)
    end
  end
  table.sort(out, function(a, b)
    return a.id < b.id
  end)
  return out
end

-- current returns the aios client of the current buffer, or the only one
-- running, and the buffer; or nil and the reason.
local function current()
  local bufnr = vim.api.nvim_get_current_buf()
  local attached = M.clients(bufnr)
  if #attached > 0 then
    return attached[1], bufnr
  end
  local all = M.clients()
  if #all == 1 then
    return all[1], nil
  end
  if #all == 0 then
    local fts = config and table.concat(config.filetypes, ', ') or 'a configured filetype'
    return nil, 'no aios server is running: open a file of ' .. fts .. ' first'
  end
  return nil, 'several aios servers are running: run the command from a buffer attached to one'
end

--- Runs a workspace/executeCommand on the current buffer's aios client.
--- callback gets an error table ({ message = ... }) when there is no client.
---@param command string e.g. 'aios.tasks'
---@param arguments table|nil
---@param callback function(err, result, client)
function M.execute(command, arguments, callback)
  local client, bufnr = current()
  if client == nil then
    callback({ message = bufnr }, nil, nil)
    return
  end
  local params = { command = command, arguments = arguments }
  call(client, 'request', 'workspace/executeCommand', params, function(err, result)
    callback(err, result, client)
  end, bufnr)
end

local function format_duration(ns)
  if type(ns) ~= 'number' then
    return '-'
  end
  if ns < 1e6 then
    return string.format('%dµs', math.floor(ns / 1e3 + 0.5))
  elseif ns < 1e9 then
    return string.format('%.1fms', ns / 1e6)
  end
  return string.format('%.2fs', ns / 1e9)
end

-- pad_left right-aligns s in width display cells (µ takes two bytes, one cell).
local function pad_left(s, width)
  return string.rep(' ', width - vim.fn.strdisplaywidth(s)) .. s
end

local function str(v)
  if v == nil or v == vim.NIL then
    return ''
  end
  return tostring(v)
end

--- Formats the result of aios.tasks, one line per task: id, kind, status,
--- duration, then its steps as id(agent status duration).
---@param tasks table[] TaskRecords as the server sends them
---@return string[]
function M.format_tasks(tasks)
  local lines = {}
  for _, t in ipairs(tasks) do
    local steps = {}
    for _, s in ipairs(type(t.steps) == 'table' and t.steps or {}) do
      local step = string.format('%s(%s %s %s', str(s.id), str(s.agent), str(s.status), format_duration(s.durationNs))
      if type(s.attempts) == 'number' and s.attempts > 1 then
        step = step .. string.format(' x%d', s.attempts)
      end
      table.insert(steps, step .. ')')
    end
    local line = string.format('%-8s %-13s %-9s %s  %s', str(t.id), str(t.kind), str(t.status),
      pad_left(format_duration(t.durationNs), 9), table.concat(steps, ' '))
    if str(t.error) ~= '' then
      line = line .. '  error: ' .. str(t.error):gsub('\n', ' ')
    end
    table.insert(lines, line)
  end
  return lines
end

-- tasks_buf is the scratch buffer of :AiosTasks, once created.
local tasks_buf = nil

-- show_tasks fills the scratch buffer aios://tasks with lines and shows it
-- in a window, reusing the buffer and its window when they exist.
local function show_tasks(lines)
  local buf = tasks_buf
  if buf == nil or not vim.api.nvim_buf_is_valid(buf) then
    buf = vim.api.nvim_create_buf(false, true)
    tasks_buf = buf
    vim.api.nvim_buf_set_name(buf, TASKS_BUFFER)
    vim.bo[buf].buftype = 'nofile'
    vim.bo[buf].bufhidden = 'hide'
    vim.bo[buf].swapfile = false
    vim.bo[buf].filetype = 'aiostasks'
    vim.api.nvim_buf_set_keymap(buf, 'n', 'q', '<cmd>close<CR>', { noremap = true, silent = true })
  end
  vim.bo[buf].modifiable = true
  vim.api.nvim_buf_set_lines(buf, 0, -1, false, lines)
  vim.bo[buf].modifiable = false
  vim.bo[buf].modified = false
  if vim.fn.bufwinid(buf) == -1 then
    vim.cmd('botright split')
    vim.api.nvim_win_set_buf(0, buf)
  end
  return buf
end

--- Shows the most recent tasks of the server in the scratch buffer
--- aios://tasks.
---@param limit integer|nil how many tasks (the server's default: 20)
---@param on_done function|nil called with the buffer number, or nil on error
function M.tasks(limit, on_done)
  local args = limit and { limit } or nil
  M.execute('aios.tasks', args, function(err, result, client)
    local buf = nil
    if err then
      notify('tasks: ' .. str(err.message), vim.log.levels.ERROR)
    else
      local tasks = type(result) == 'table' and result or {}
      local lines = {
        string.format('aios tasks of %s (most recent first, %d)', str(client.config.root_dir), #tasks),
        string.format('%-8s %-13s %-9s %9s  %s', 'ID', 'KIND', 'STATUS', 'DURATION', 'STEPS'),
      }
      vim.list_extend(lines, M.format_tasks(tasks))
      buf = show_tasks(lines)
    end
    if on_done then
      on_done(buf)
    end
  end)
end

--- Lints packages (default ./...) with the aios.lint command; the findings
--- arrive as diagnostics of their files.
---@param patterns string[]|nil package patterns
---@param on_done function|nil called with (err, summary)
function M.lint(patterns, on_done)
  local args = (patterns and #patterns > 0) and { patterns } or nil
  M.execute('aios.lint', args, function(err, result)
    if err then
      notify('lint failed: ' .. str(err.message), vim.log.levels.ERROR)
    elseif type(result) == 'table' then
      notify(string.format('lint: %d findings in %d files, %d packages (task %s)', result.findings or 0,
        result.files or 0, type(result.packages) == 'table' and #result.packages or 0, str(result.task)))
    end
    if on_done then
      on_done(err, result)
    end
  end)
end

--- Runs an AI task (aios.task) on the current buffer: the critic checks
--- the result, which the server applies (asking first when the escalation
--- policy wants a human decision).
---@param instruction string
---@param on_done function|nil called with (err, result)
function M.task(instruction, on_done)
  local args = { { instruction = instruction, file = vim.uri_from_bufnr(0) } }
  M.execute('aios.task', args, function(err, result)
    if err then
      notify('task failed: ' .. str(err.message), vim.log.levels.ERROR)
    elseif type(result) == 'table' then
      local what = result.accepted and (result.applied and 'applied' or 'not applied') or 'vetoed by the critic'
      if result.committed and result.committed ~= '' then
        what = what .. ', committed ' .. result.committed:sub(1, 12)
      end
      notify(string.format('task %s: %s (critic %.2f, %s)', str(result.task), what, result.score or 0, str(result.tier)))
    end
    if on_done then
      on_done(err, result)
    end
  end)
end

--- Reverts the last AI commit (aios.undo).
function M.undo()
  M.execute('aios.undo', nil, function(err, result)
    if err then
      notify('undo refused: ' .. str(err.message), vim.log.levels.WARN)
    elseif type(result) == 'table' then
      notify('reverted ' .. str(result.Reverted):sub(1, 12) .. ': ' .. str(result.Message):gsub('\n.*', ''))
      vim.cmd('checktime')
    end
  end)
end

--- Searches the workspace index (aios.search) and lists the chunks in the
--- quickfix list.
---@param query string
function M.search(query)
  M.execute('aios.search', { { query = query, file = vim.uri_from_bufnr(0) } }, function(err, result)
    if err then
      notify('search failed: ' .. str(err.message), vim.log.levels.ERROR)
      return
    end
    local root = M.find_root(vim.api.nvim_buf_get_name(0), config.root_markers) or vim.fn.getcwd()
    local items = {}
    for _, it in ipairs((type(result) == 'table' and result.Items) or {}) do
      table.insert(items, {
        filename = root .. '/' .. it.Path,
        lnum = it.StartLine,
        text = string.format('%s %.4f', it.Symbol ~= '' and it.Symbol or it.Kind, it.Scores and it.Scores.Rerank or 0),
      })
    end
    vim.fn.setqflist({}, ' ', { title = 'aios search: ' .. query, items = items })
    vim.cmd('copen')
  end)
end

-- option types; vim.validate changed its signature in 0.11, so check here.
local option_types = {
  cmd = 'table',
  filetypes = 'table',
  root_markers = 'table',
  init_options = 'table?',
  on_attach = 'function?',
  on_exit = 'function?',
  capabilities = 'table?',
  handlers = 'table?',
  cmd_env = 'table?',
  flags = 'table?',
}

local function validate(opts)
  for key, want in pairs(option_types) do
    local optional = want:sub(-1) == '?'
    local typ = optional and want:sub(1, -2) or want
    local v = opts[key]
    if not (type(v) == typ or (optional and v == nil)) then
      error(string.format('aios: option %s must be a %s, got %s', key, typ, type(v)), 3)
    end
  end
  for key in pairs(opts) do
    if option_types[key] == nil then
      error('aios: unknown option ' .. tostring(key), 3)
    end
  end
  if #opts.cmd == 0 then
    error('aios: cmd is empty', 3)
  end
end

--- Configures aios: attaches it to buffers of the configured filetypes
--- (already open ones included) and defines :AiosTasks, :AiosLint, :AiosTask,
--- :AiosUndo and :AiosSearch.
---@param opts table|nil
function M.setup(opts)
  opts = vim.tbl_extend('force', defaults, opts or {})
  validate(opts)
  if vim.fn.executable(opts.cmd[1]) ~= 1 then
    notify(opts.cmd[1] .. ' is not executable: install aios or set cmd', vim.log.levels.WARN)
  end
  config = opts

  local group = vim.api.nvim_create_augroup('aios', { clear = true })
  vim.api.nvim_create_autocmd('FileType', {
    group = group,
    pattern = opts.filetypes,
    callback = function(args)
      M.attach(args.buf)
    end,
    desc = 'aios: attach the language server',
  })

  vim.api.nvim_create_user_command('AiosTasks', function(cmd)
    local limit = nil
    if cmd.args ~= '' then
      limit = tonumber(cmd.args)
      if limit == nil then
        notify(':AiosTasks takes an optional number of tasks, got ' .. cmd.args, vim.log.levels.ERROR)
        return
      end
    end
    M.tasks(limit)
  end, { nargs = '?', desc = 'aios: show recent tasks' })

  vim.api.nvim_create_user_command('AiosLint', function(cmd)
    M.lint(cmd.fargs)
  end, { nargs = '*', desc = 'aios: lint packages (default ./...)' })

  vim.api.nvim_create_user_command('AiosTask', function(cmd)
    M.task(cmd.args)
  end, { nargs = '+', desc = 'aios: run an AI task on this buffer' })

  vim.api.nvim_create_user_command('AiosUndo', function()
    M.undo()
  end, { nargs = 0, desc = 'aios: revert the last AI commit' })

  vim.api.nvim_create_user_command('AiosSearch', function(cmd)
    M.search(cmd.args)
  end, { nargs = '+', desc = 'aios: search the workspace index' })

  local ft = {}
  for _, f in ipairs(opts.filetypes) do
    ft[f] = true
  end
  for _, buf in ipairs(vim.api.nvim_list_bufs()) do
    if vim.api.nvim_buf_is_loaded(buf) and ft[vim.bo[buf].filetype] then
      M.attach(buf)
    end
  end
end

return M
