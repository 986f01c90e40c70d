-- write: the authenticated write load — an enterprise requests a trial, the achievement's
-- institution approves it, the enterprise returns it — over and over, so that every request
-- changes the database and the data does not saturate (a returned trial leaves the pair free).
--
-- $BENCH_WRITE_DATA names a Lua file written by run.sh that returns
--   { enterprises = { {id = N, token = "..."}, ... },
--     institutions = { "token", ... },
--     achievements = { {id = N, institution = index into institutions}, ... } }
-- Each wrk thread drives its own enterprises, so no two threads touch the same pair. A reply
-- says which trial it is about (its id, status, enterprise and achievement), which is how the
-- next step of its cycle is queued; wrk does not say which connection a reply came on.

dofile(os.getenv("BENCH_LUA_DIR") .. "/report.lua")

local counter = 0
function setup(thread)
    counter = counter + 1
    thread:set("thread_index", counter)
end

local data, queue, open, pairs_total, next_pair
local my_enterprises = {}
local enterprise_by_id = {}
local achievement_by_id = {}

function init(args)
    data = dofile(os.getenv("BENCH_WRITE_DATA"))
    local threads = tonumber(os.getenv("BENCH_WRK_THREADS"))
    for i, e in ipairs(data.enterprises) do
        enterprise_by_id[e.id] = e
        if (i - 1) % threads == thread_index - 1 then
            my_enterprises[#my_enterprises + 1] = e
        end
    end
    for _, a in ipairs(data.achievements) do
        achievement_by_id[a.id] = a
    end
    queue, open = {}, {}
    pairs_total = #my_enterprises * #data.achievements
    next_pair = thread_index * 7919 % pairs_total
end

local function json_headers(token)
    return { ["Authorization"] = "Bearer " .. token, ["Content-Type"] = "application/json" }
end

-- The next (enterprise, achievement) pair with no trial of ours in flight.
local function free_pair()
    for _ = 1, pairs_total do
        next_pair = (next_pair + 1) % pairs_total
        local e = my_enterprises[next_pair % #my_enterprises + 1]
        local a = data.achievements[math.floor(next_pair / #my_enterprises) % #data.achievements + 1]
        local key = e.id .. ":" .. a.id
        if not open[key] then
            open[key] = true
            return e, a
        end
    end
    return nil
end

function request()
    local step = table.remove(queue, 1)
    if step ~= nil then
        return wrk.format("POST", "/api/v1/trials/" .. step.trial .. "/" .. step.action,
                          json_headers(step.token), step.body)
    end
    local e, a = free_pair()
    if e == nil then
        return wrk.format("GET", "/healthz")
    end
    return wrk.format("POST", "/api/v1/achievements/" .. a.id .. "/trials", json_headers(e.token),
                      '{"purpose":"在自有产线上验证该成果的关键指标","planned_months":1}')
end

-- A refused step is kept in $BENCH_WRITE_ERRORS (status and problem) for the report to show.
local function note_error(status, body)
    local path = os.getenv("BENCH_WRITE_ERRORS")
    if path ~= nil then
        local out = io.open(path, "a")
        if out ~= nil then
            out:write(status, " ", string.gsub(body, "\n", " "), "\n")
            out:close()
        end
    end
end

function response(status, headers, body)
    if status ~= 200 and status ~= 201 then
        note_error(status, body)
        return
    end
    local trial = tonumber(string.match(body, '"id"%s*:%s*(%d+)'))
    local state = string.match(body, '"status"%s*:%s*"(%a+)"')
    local enterprise = enterprise_by_id[tonumber(string.match(body, '"enterprise_id"%s*:%s*(%d+)'))]
    local achievement = achievement_by_id[tonumber(string.match(body, '"achievement_id"%s*:%s*(%d+)'))]
    if trial == nil or enterprise == nil or achievement == nil then
        return
    end
    if state == "requested" then
        queue[#queue + 1] = { trial = trial, action = "approve", body = "{}",
                              token = data.institutions[achievement.institution] }
    elseif state == "active" then
        queue[#queue + 1] = { trial = trial, action = "return", token = enterprise.token,
                              body = '{"reason":"技术指标未达到预期"}' }
    elseif state == "returned" then
        open[enterprise.id .. ":" .. achievement.id] = nil
    end
end
