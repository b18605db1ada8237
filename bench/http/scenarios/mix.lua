-- S3: signed-in readers. Every request carries the next token in rotation; about one
-- request in ten writes: a favorite, a comment, taking a favorite back, or a new article
-- (written as a draft, then published by its author on a later request).
--
-- The data file, passed after `--`, returns {users = {{token, username, quoted}}, slugs}:
-- `quoted` is the username percent-encoded for paths.

dofile("common.lua")

local users, slugs, token_of
local turn, write_turn = 0, 0
local drafts = {}  -- {slug, token} written and waiting to be published

-- Eighteen reads and two writes ("write") per cycle of twenty.
local schedule = {
  "feed", "list", "article", "comments", "profile", "list", "feed", "favorited", "article",
  "write",
  "feed", "list", "article", "comments", "by_author", "list", "feed", "profile", "article",
  "write",
}
local writes = {"favorite", "comment", "unfavorite", "create"}

local article_json = '{"article":{"title":"A benchmark article","description":"Written ' ..
  'under load","body":"Some *Markdown* words.\\n\\nA second paragraph with a [link]' ..
  '(https://example.org).","tagList":["benchmark"],"status":"draft"}}'
local comment_json = '{"comment":{"body":"A comment written under load."}}'

function init(args)
  local data = dofile(args[1])
  users, slugs = data.users, data.slugs
  token_of = {}
  for _, user in ipairs(users) do
    token_of[user.username] = user.token
  end
  turn = (thread_number or 0) * 7
  math.randomseed(1 + (thread_number or 0))
end

local function pick(list)
  return list[math.random(#list)]
end

local function page()
  return "limit=10&offset=" .. 10 * math.random(0, 4)
end

local function send(method, path, token, body)
  local headers = {["Authorization"] = "Token " .. token}
  if body then
    headers["Content-Type"] = "application/json"
  end
  return wrk.format(method, path, headers, body)
end

local function write(token)
  write_turn = write_turn + 1
  local kind = writes[(write_turn - 1) % #writes + 1]
  local slug = pick(slugs)
  if kind == "favorite" then
    return send("POST", "/api/articles/" .. slug .. "/favorite", token)
  elseif kind == "unfavorite" then
    return send("DELETE", "/api/articles/" .. slug .. "/favorite", token)
  elseif kind == "comment" then
    return send("POST", "/api/articles/" .. slug .. "/comments", token, comment_json)
  end
  return send("POST", "/api/articles", token, article_json)
end

function request()
  if #drafts > 0 then
    local draft = table.remove(drafts, 1)
    return send("POST", "/api/articles/" .. draft.slug .. "/publish", draft.token, "{}")
  end
  turn = turn + 1
  local user = users[turn % #users + 1]
  local kind = schedule[turn % #schedule + 1]
  if kind == "feed" then
    return send("GET", "/api/articles/feed?" .. page(), user.token)
  elseif kind == "list" then
    return send("GET", "/api/articles?" .. page(), user.token)
  elseif kind == "favorited" then
    return send("GET", "/api/articles?limit=10&favorited=" .. pick(users).quoted, user.token)
  elseif kind == "by_author" then
    return send("GET", "/api/articles?limit=10&author=" .. pick(users).quoted, user.token)
  elseif kind == "article" then
    return send("GET", "/api/articles/" .. pick(slugs), user.token)
  elseif kind == "comments" then
    return send("GET", "/api/articles/" .. pick(slugs) .. "/comments", user.token)
  elseif kind == "profile" then
    return send("GET", "/api/profiles/" .. pick(users).quoted, user.token)
  end
  return write(user.token)
end

function response(status, headers, body)
  count_status(status)
  -- Only a new article comes back as a draft: publish it, as its author.
  if status == 201 and body and body:find('"status":"draft"', 1, true) then
    local slug = body:match('"slug":"([^"]+)"')
    local author = body:match('"author":{"username":"([^"]+)"')
    if slug and author and token_of[author] then
      table.insert(drafts, {slug = slug, token = token_of[author]})
    end
  end
end
