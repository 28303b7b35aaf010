-- wrk script: posts each prepared assertion (one request body per line of BODIES) exactly once.
-- Each wrk thread takes every Nth body, so no ceremony is sent twice; a thread that runs out stops sending
-- new bodies and repeats its last one, which the server refuses (counted by wrk as non-2xx).
-- Usage: BODIES=file wrk -t2 -c8 -d10s -s bench_signin.lua http://localhost:PORT

local bodies_path = os.getenv("BODIES")
local session = {}
for line in io.lines(bodies_path .. ".session") do session[#session + 1] = line end

local threads = {}
local counter = 0

function setup(thread)
    counter = counter + 1
    thread:set("thread_index", counter)
    table.insert(threads, thread)
end

function init(args)
    thread_count = tonumber(os.getenv("THREADS") or "1")
    bodies = {}
    local index = 0
    for line in io.lines(bodies_path) do
        if index % thread_count == thread_index - 1 then bodies[#bodies + 1] = line end
        index = index + 1
    end
    next_body = 1
    exhausted = 0
    wrk.method = "POST"
    wrk.path = "/api/mfa/security-key/verify"
    wrk.headers["Content-Type"] = "application/json"
    wrk.headers["Cookie"] = "kb_session=" .. session[1]
    wrk.headers["X-CSRF-Token"] = session[2]
    wrk.headers["Origin"] = session[3]
end

function request()
    local body = bodies[next_body]
    if next_body < #bodies then next_body = next_body + 1 else exhausted = exhausted + 1 end
    return wrk.format(nil, nil, nil, body)
end

function done(summary, latency, requests)
    local exhausted_total = 0
    for _, thread in ipairs(threads) do exhausted_total = exhausted_total + (thread:get("exhausted") or 0) end
    io.write(string.format("latency p50 %.2f ms, p90 %.2f ms, p99 %.2f ms, max %.2f ms\n",
        latency:percentile(50) / 1000, latency:percentile(90) / 1000, latency:percentile(99) / 1000, latency.max / 1000))
    io.write(string.format("verified %d, non-2xx %d, socket errors %d, bodies exhausted %d\n",
        summary.requests - summary.errors.status, summary.errors.status,
        summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout, exhausted_total))
    io.write(string.format("verifications/s (2xx only): %.0f\n",
        (summary.requests - summary.errors.status) / (summary.duration / 1e6)))
end
