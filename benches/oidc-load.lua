-- wrk script for benches/oidc-load.sh. One scenario per run, chosen by the first script argument:
--
--   wrk ... URL -- get                      GET the URL's path
--   wrk ... URL -- client_credentials AUTH  POST /token grant_type=client_credentials, AUTH = "Basic …" header value
--   wrk ... URL -- refresh_token AUTH FILE  POST /token grant_type=refresh_token; FILE holds one refresh token a line
--
-- Every response is checked, not just counted: a request is good only if its status is 2xx and, for the token
-- endpoint, the body carries an access token (and, for refresh_token, a new refresh token). Anything else is
-- counted as bad and reported beside the rate, so a fast stream of errors cannot pass for throughput.
--
-- refresh_token: a refresh token works once (rotation) and a reused one revokes its whole family, so every
-- connection must present the newest token of a chain that nobody else is using. wrk gives no per-connection
-- state in Lua, but each thread runs its connections one request at a time each, and calls response() before
-- it asks request() for that connection's next request. So each thread keeps a pool of chains (as many as it has
-- connections): request() takes a chain's newest token out of the pool, response() puts the rotated token back.
-- A chain is never presented twice concurrently and never with an old token. If a chain breaks (an error answer,
-- a dropped connection) it is gone: the connection that finds the pool empty sends a token that cannot work, and
-- that request is counted as bad — losses show up in the error column instead of disappearing.
-- wrk 4.1 calls request() once more on thread 0, after init() and before any connection opens, to check the
-- script (script_verify_request) and throws that request away; so each thread is given one chain more than it has
-- connections (oidc-load.sh makes CONNECTIONS + THREADS chains). An unused spare changes nothing.

local counter = 0
local threads = {}

function setup(thread)
   thread:set("thread_index", counter)
   counter = counter + 1
   table.insert(threads, thread)
end

local mode
local fixed_request
local pool = {}
good = 0
bad = 0
statuses = ""
first_bad = ""
local seen = {}

local function form_post(auth, body)
   return wrk.format("POST", "/token", {
      ["Authorization"] = auth,
      ["Content-Type"] = "application/x-www-form-urlencoded",
      ["Accept"] = "application/json",
   }, body)
end

function init(args)
   mode = args[1]
   if mode == "get" then
      fixed_request = wrk.format("GET", wrk.path, { ["Accept"] = "application/json" })
   elseif mode == "client_credentials" then
      fixed_request = form_post(args[2], "grant_type=client_credentials")
   elseif mode == "refresh_token" then
      auth = args[2]
      -- Threads share the file: thread i takes lines i+1, i+1+n, … where n is the number of threads.
      local n = tonumber(args[4])
      local index = 0
      for line in io.lines(args[3]) do
         if line ~= "" then
            if index % n == thread_index then
               table.insert(pool, line)
            end
            index = index + 1
         end
      end
   else
      error("unknown scenario: " .. tostring(mode))
   end
end

function request()
   if fixed_request then
      return fixed_request
   end
   local token = table.remove(pool) or "broken-chain"
   return form_post(auth, "grant_type=refresh_token&refresh_token=" .. token)
end

local function note_bad(status, body)
   bad = bad + 1
   if first_bad == "" then
      first_bad = tostring(status) .. " " .. string.sub(body or "", 1, 300)
   end
   if not seen[status] then
      seen[status] = true
      statuses = statuses .. tostring(status) .. " "
   end
end

function response(status, headers, body)
   if status < 200 or status > 299 then
      note_bad(status, body)
      return
   end
   if mode == "get" then
      good = good + 1
   elseif mode == "client_credentials" then
      if string.find(body, '"access_token":"', 1, true) then
         good = good + 1
      else
         note_bad(status, body)
      end
   else
      local rotated = string.match(body, '"refresh_token":"([^"]+)"')
      if rotated and string.find(body, '"access_token":"', 1, true) then
         table.insert(pool, rotated)
         good = good + 1
      else
         note_bad(status, body)
      end
   end
end

function done(summary, latency, requests)
   local total_good, total_bad, codes = 0, 0, ""
   for _, thread in ipairs(threads) do
      total_good = total_good + thread:get("good")
      total_bad = total_bad + thread:get("bad")
      codes = codes .. thread:get("statuses")
      if thread:get("first_bad") ~= "" then
         io.write("FIRST_BAD " .. thread:get("first_bad"):gsub("\n", " ") .. "\n")
      end
   end
   local e = summary.errors
   local seconds = summary.duration / 1e6
   -- One line for oidc-load.sh to parse; the socket errors are added to the bad answers there.
   io.write(string.format(
      "RESULT requests=%d good=%d bad=%d socket_errors=%d timeouts=%d seconds=%.2f rps=%.1f good_rps=%.1f " ..
      "p50_ms=%.2f p90_ms=%.2f p99_ms=%.2f max_ms=%.2f bad_statuses=%s\n",
      summary.requests, total_good, total_bad, e.connect + e.read + e.write, e.timeout, seconds,
      summary.requests / seconds, total_good / seconds,
      latency:percentile(50) / 1000, latency:percentile(90) / 1000, latency:percentile(99) / 1000,
      latency.max / 1000, (codes == "" and "-" or (codes:gsub(" $", ""):gsub(" ", ",")))))
end
