-- search_distinct: GET /api/v1/achievements?q=<term> with Cache-Control: no-cache, a different
-- term each request, walking the list in $BENCH_TERMS (one term per line, from bench_terms) from
-- a different place in each thread, so that every request runs its SQL for a term as visitors
-- type them.

dofile(os.getenv("BENCH_LUA_DIR") .. "/report.lua")

local counter = 0
function setup(thread)
    counter = counter + 1
    thread:set("thread_index", counter)
end

local paths = {}
local next_path = 1

local function encode(text)
    return (text:gsub("[^%w%-%._~]", function(c) return string.format("%%%02X", c:byte()) end))
end

function init(args)
    for term in io.lines(os.getenv("BENCH_TERMS")) do
        if term ~= "" then
            paths[#paths + 1] = "/api/v1/achievements?q=" .. encode(term)
        end
    end
    next_path = 1 + (thread_index * 997) % #paths
end

function request()
    local path = paths[next_path]
    next_path = next_path % #paths + 1
    return wrk.format("GET", path, { ["Cache-Control"] = "no-cache" })
end
