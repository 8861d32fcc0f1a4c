-- wrk script: every connection votes as a seated student, round-robin over the seats in a file,
-- each seat's vote cycling yes -> no -> abstain so that every vote is a change (never a refused no-op).
-- Usage: wrk -s bench/wrk_votes.lua URL -- SEATS_FILE CSRF   (SEATS_FILE: "session_id token" per line)
local threads = {}
local counter = 0

function setup(thread)
  counter = counter + 1
  thread:set("id", counter)
  table.insert(threads, thread)
end

function init(args)
  seats = {}
  local total = 0
  for line in io.lines(args[1]) do
    total = total + 1
    local sid, token = line:match("^(%S+) (%S+)$")
    if (total % tonumber(args[3])) == (id - 1) then
      table.insert(seats, {sid = sid, token = token, turn = 0})
    end
  end
  csrf = args[2]
  next_seat = 1
  statuses = {}
end

local choices = {"yes", "no", "abstain"}

function request()
  local seat = seats[next_seat]
  next_seat = next_seat % #seats + 1
  seat.turn = seat.turn % 3 + 1
  local headers = {
    ["Content-Type"] = "application/x-www-form-urlencoded",
    ["Accept"] = "application/json",
    ["X-CSRF-Token"] = csrf,
    ["Cookie"] = "unsc_csrf=" .. csrf .. "; unsc_seat_" .. seat.sid .. "=" .. seat.token,
  }
  return wrk.format("POST", "/s/" .. seat.sid .. "/vote", headers, "vote=" .. choices[seat.turn])
end

function response(status, headers, body)
  statuses[status] = (statuses[status] or 0) + 1
end

function done(summary, latency, requests)
  local refused = 0
  for _, thread in ipairs(threads) do
    local s = thread:get("statuses")
    for status, n in pairs(s) do
      if status ~= 200 then refused = refused + n end
    end
  end
  io.write(string.format('RESULT {"requests": %d, "seconds": %.3f, "p50_ms": %.2f, "p99_ms": %.2f, "refused": %d, "errors": %d}\n',
    summary.requests, summary.duration / 1e6, latency:percentile(50) / 1000, latency:percentile(99) / 1000,
    refused, summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout + summary.errors.status))
end
