-- detail: GET /api/v1/achievements/{id} anonymously, ids spread over the whole table. Only listed
-- achievements are visible to everyone; the seed lists exactly the ids with id % 20 >= 4
-- (tests/bench/seed.sql), and $BENCH_ACHIEVEMENTS says how many ids there are.

dofile(os.getenv("BENCH_LUA_DIR") .. "/report.lua")

local counter = 0
function setup(thread)
    counter = counter + 1
    thread:set("thread_index", counter)
end

local listed

function init(args)
    local count = tonumber(os.getenv("BENCH_ACHIEVEMENTS"))
    listed = math.floor(count / 20) * 16 + math.max(0, count % 20 - 3)
    math.randomseed(thread_index * 7919 + os.time())
end

function request()
    local r = math.random(0, listed - 1)
    local id = math.floor(r / 16) * 20 + 4 + r % 16
    return wrk.format("GET", "/api/v1/achievements/" .. id)
end
