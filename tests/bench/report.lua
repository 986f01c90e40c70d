-- report: appends wrk's summary of one run to $BENCH_RESULTS as one JSON line, named by
-- $BENCH_ENDPOINT and $BENCH_SERVER, for report.js. Loaded by every benchmark script.

function done(summary, latency, requests)
    local e = summary.errors
    local socket_errors = e.connect + e.read + e.write
    local seconds = summary.duration / 1e6
    local line = string.format(
        '{"kind":"http","server":"%s","endpoint":"%s","connections":%d,"seconds":%.3f,' ..
        '"requests":%d,"bytes":%d,"rps":%.1f,"p50_ms":%.3f,"p99_ms":%.3f,' ..
        '"errors":%d,"errors_status":%d,"errors_timeout":%d,"errors_socket":%d}\n',
        os.getenv("BENCH_SERVER"), os.getenv("BENCH_ENDPOINT"),
        tonumber(os.getenv("BENCH_CONNECTIONS")), seconds, summary.requests, summary.bytes,
        summary.requests / seconds, latency:percentile(50) / 1000, latency:percentile(99) / 1000,
        socket_errors + e.status + e.timeout, e.status, e.timeout, socket_errors)
    local out = assert(io.open(os.getenv("BENCH_RESULTS"), "a"))
    out:write(line)
    out:close()
end
