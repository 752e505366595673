-- Drives the Fearless language server from headless Neovim 0.7 through Neovim's own LSP client,
-- the way a user would: open a file, read the diagnostics, pick the preferred code action, type.
-- Run by test/editors/neovim.test.ts, which passes everything through the environment and reads
-- the JSON written to FEARLESS_OUT (shape: EditorResult in test/editors/support/harness.ts).
--
-- An error escaping this file would leave headless Neovim waiting for input forever, so all the
-- work happens inside one pcall and every path ends in qall!/cquit.
local out = os.getenv('FEARLESS_OUT')
local result = { errors = {} }
local stage = 'reading the environment'

local function write_result(text)
  local f = assert(io.open(out, 'w'))
  f:write(text)
  f:close()
end

local hard

local function main()
  local function env(name)
    local value = os.getenv(name)
    if not value then error(name .. ' is not set', 0) end
    return value
  end
  local node = env('FEARLESS_NODE')
  local server = env('FEARLESS_SERVER')
  local root = env('FEARLESS_ROOT')
  local file = env('FEARLESS_FILE')
  local rule = env('FEARLESS_RULE')
  local insert_line = tonumber(env('FEARLESS_INSERT_LINE'))
  local insert_text = env('FEARLESS_INSERT_TEXT')
  local step_ms = tonumber(env('FEARLESS_STEP_TIMEOUT_MS'))
  local deadline_ms = tonumber(env('FEARLESS_DEADLINE_MS'))
  env('FEARLESS_OUT')

  -- Every wait below is bounded, but a hang inside Neovim itself would not be. This timer runs on
  -- the event loop, where only fast functions are allowed: hence vim.json and os.exit.
  hard = vim.loop.new_timer()
  hard:start(deadline_ms, 0, function()
    write_result(vim.json.encode({ errors = { ('hard deadline of %d ms passed while %s'):format(deadline_ms, stage) } }))
    os.exit(3)
  end)

  local function wait_for(what, condition)
    stage = 'waiting for ' .. what
    if not vim.wait(step_ms, condition, 10) then error(('timed out after %d ms'):format(step_ms), 0) end
  end

  stage = 'opening ' .. file
  vim.cmd('edit ' .. vim.fn.fnameescape(file))
  local bufnr = vim.api.nvim_get_current_buf()
  vim.bo[bufnr].filetype = 'typescript'

  -- The server publishes once per analysed version; waiting for the buffer's current version
  -- (not just "some diagnostics") is what makes each step read the result of its own edit.
  local published_version
  local client_id = vim.lsp.start_client({
    name = 'fearless',
    cmd = { node, server, '--stdio' },
    root_dir = root,
    handlers = {
      ['textDocument/publishDiagnostics'] = function(e, params, ctx, config)
        vim.lsp.handlers['textDocument/publishDiagnostics'](e, params, ctx, config)
        if vim.uri_to_bufnr(params.uri) == bufnr then published_version = params.version end
      end,
    },
  })
  if not client_id then error('vim.lsp.start_client failed', 0) end
  vim.lsp.buf_attach_client(bufnr, client_id)

  local function analysed()
    wait_for('diagnostics for version ' .. tostring(vim.lsp.util.buf_versions[bufnr]), function()
      return published_version ~= nil and published_version == vim.lsp.util.buf_versions[bufnr]
    end)
    local diagnostics = {}
    for _, d in ipairs(vim.diagnostic.get(bufnr)) do
      if d.source == 'fearless' then
        table.insert(diagnostics, { line = d.lnum, rule = d.code, severity = d.severity })
      end
    end
    return diagnostics
  end

  local function buffer_text()
    local text = table.concat(vim.api.nvim_buf_get_lines(bufnr, 0, -1, true), '\n')
    return vim.bo[bufnr].eol and text .. '\n' or text
  end

  result.opened = analysed()

  local target
  for _, d in ipairs(vim.diagnostic.get(bufnr)) do
    if d.code == rule and (not target or d.lnum < target.lnum) then target = d end
  end
  if not target then error('no ' .. rule .. ' diagnostic to ask code actions for', 0) end

  -- vim.ui.select is Neovim's documented hook for the code action menu: record what it offers and
  -- pick the preferred action, as a user taking the default would.
  local picked = false
  vim.ui.select = function(items, _, on_choice)
    result.actions = {}
    local preferred
    for _, item in ipairs(items) do
      local action = item[2]
      table.insert(result.actions, { title = action.title, kind = action.kind, isPreferred = action.isPreferred == true })
      if action.isPreferred == true and not preferred then preferred = item end
    end
    on_choice(preferred)
    picked = true
  end
  vim.api.nvim_win_set_cursor(0, { target.lnum + 1, target.col })
  vim.lsp.buf.code_action()
  wait_for('the code action menu', function() return picked end)

  result.fixed = { text = buffer_text(), diagnostics = analysed() }

  vim.api.nvim_buf_set_lines(bufnr, insert_line, insert_line, true, { insert_text })
  result.changed = { text = buffer_text(), diagnostics = analysed() }

  stage = 'stopping the client'
  vim.lsp.stop_client(client_id)
  wait_for('client shutdown', function() return vim.lsp.client_is_stopped(client_id) end)
end

local ok, err = pcall(main)
if hard then hard:stop() end
if not ok then table.insert(result.errors, ('%s (while %s)'):format(err, stage)) end
if out then
  write_result(vim.fn.json_encode(result))
else
  io.stderr:write('FEARLESS_OUT is not set\n')
end
vim.cmd(#result.errors == 0 and 'qall!' or 'cquit 1')
