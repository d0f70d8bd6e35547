-- One non-blocking receive attempt, atomic. KEYS: the streams to read, most urgent first.
-- ARGV: group, consumer, minIdleMs, one XAUTOCLAIM cursor per stream, the number of queues, then each queue's key
-- base (its streams are base:<level>, its delayed set base:delayed), then the most entries to return, then 1 to
-- do the housekeeping (move due delayed messages, reclaim a dead receiver's entries) or 0 to only read new
-- entries: housekeeping costs a few commands per stream, too many for every receive under load.
-- Returns {count, millisUntilNextDelayedIsDue (-1: none or not looked), cursors, then per entry: streamIndex,
-- entryId, jobId, priorDeliveries, pendingCount}, most urgent first. Decoded by ReceiveReply.java: change both together.
local group, consumer, minIdle = ARGV[1], ARGV[2], ARGV[3]
local nstreams = #KEYS
local nqueues = tonumber(ARGV[4 + nstreams])
local max = tonumber(ARGV[#ARGV - 1])
local housekeeping = ARGV[#ARGV] == '1'
local now = nowMillis()
local nextDue = -1
for q = 1, (housekeeping and nqueues or 0) do
  local base = ARGV[4 + nstreams + q]
  local delayed = base .. ':delayed'
  -- Members are "<level>:<priorDeliveries>:<jobId>"; moving them is atomic with removing them.
  for _, m in ipairs(redis.call('ZRANGEBYSCORE', delayed, '-inf', now, 'LIMIT', 0, 100)) do
    local a = string.find(m, ':', 1, true)
    local b = string.find(m, ':', a + 1, true)
    local level = string.sub(m, 1, a - 1)
    redis.call('XADD', base .. ':' .. level, '*', 'job', string.sub(m, b + 1), 'priority', level,
      'n', string.sub(m, a + 1, b - 1))
    redis.call('ZREM', delayed, m)
  end
  local first = redis.call('ZRANGE', delayed, 0, 0, 'WITHSCORES')
  if #first > 0 then
    local wait = math.max(0, tonumber(first[2]) - now)
    if nextDue < 0 or wait < nextDue then nextDue = wait end
  end
end
local cursors = {}
for i = 1, nstreams do cursors[i] = ARGV[3 + i] end
local out = {0, nextDue, cursors}
local got = 0
local function add(i, id, flat, pending)
  local f = fields(flat)
  local n = #out
  out[n + 1], out[n + 2], out[n + 3], out[n + 4], out[n + 5] = i, id, f.job, tonumber(f.n) or 0, pending
  got = got + 1
end
for i = 1, nstreams do
  if got >= max then break end
  -- A dead receiver's entries first (idle past the visibility timeout), then new ones.
  if housekeeping then
    local r = redis.call('XAUTOCLAIM', KEYS[i], group, consumer, minIdle, cursors[i], 'COUNT', max - got)
    cursors[i] = r[1]
    for _, e in ipairs(r[2]) do
      if e[2] then
        local p = redis.call('XPENDING', KEYS[i], group, e[1], e[1], 1)
        add(i, e[1], e[2], p[1][4])
      end
    end
  end
  if got < max then
    local n = redis.call('XREADGROUP', 'GROUP', group, consumer, 'COUNT', max - got, 'STREAMS', KEYS[i], '>')
    if n then
      for _, e in ipairs(n[1][2]) do add(i, e[1], e[2], 1) end
    end
  end
end
out[1] = got
return out
