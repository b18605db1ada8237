-- S1 and S2: anonymous GETs of a list of paths the harness wrote to a Lua file
-- (`return {paths = {...}}`), passed after `--`. Each thread cycles over all of them,
-- starting at its own place.

dofile("common.lua")

local paths
local index

function init(args)
  paths = dofile(args[1]).paths
  index = (thread_number or 0) * math.floor(#paths / 4)
end

function request()
  index = index % #paths + 1
  return wrk.format("GET", paths[index])
end
