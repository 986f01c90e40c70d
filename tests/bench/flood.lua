-- flood: what the hostile probe sent to stall the API — sign-ups with a taken e-mail and
-- sign-ins with wrong passwords, each from an address of its own (X-Forwarded-For, which the
-- daemon trusts from loopback) — run beside a signed-in read to measure that read. Its own
-- replies (409, 401, 503) are the point, not results: run.sh sends its report to /dev/null.
--
-- $BENCH_FLOOD_EMAIL: an e-mail that is taken.

dofile(os.getenv("BENCH_LUA_DIR") .. "/report.lua")

local counter = 0
function setup(thread)
    counter = counter + 1
    thread:set("thread_index", counter)
end

local n = 0
local taken

function init(args)
    taken = os.getenv("BENCH_FLOOD_EMAIL")
end

function request()
    n = n + 1
    local address = string.format("10.%d.%d.%d", thread_index, math.floor(n / 250) % 250,
                                  n % 250 + 1)
    local headers = { ["Content-Type"] = "application/json", ["X-Forwarded-For"] = address }
    if n % 2 == 0 then
        local body = string.format(
            '{"email":"flood%d-%d@bench.example","password":"wrong-password-%d"}',
            thread_index, n, n)
        return wrk.format("POST", "/api/v1/session", headers, body)
    end
    local body = string.format(
        '{"name":"洪水测试有限公司","credit_code":"91330106MA2CF8K371","province":"ZJ",' ..
        '"scale":"small","contact_name":"测试","email":"%s","password":"flood-password-2026"}',
        taken)
    return wrk.format("POST", "/api/v1/enterprises", headers, body)
end
