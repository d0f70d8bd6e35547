-- One non-blocking receive attempt, atomic. KEYS: the streams to read, most urgent first.
-- ARGV: group, consumer, minIdleMs, one XAUTOCLAIM cursor per stream, the number of queues, then each queue's key
-- base (its streams are base:<level>, its delayed set base:delayed), then 1 to do the housekeeping (move due
-- delayed messages, reclaim a dead receiver's entries) or 0 to only read new entries: housekeeping costs a few
-- commands per stream, too many for every receive under load.
-- Returns {1, streamIndex, entryId, jobId, priorDeliveries, pendingCount, cursors}
--      or {0, millisUntilNextDelayedIsDue (-1: none), cursors}.
local group, consumer, minIdle = ARGV[1], ARGV[2], ARGV[3]
local nstreams = #KEYS
local nqueues = tonumber(ARGV[4 + nstreams])
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
for i = 1, nstreams do
  -- A dead receiver's entries first (idle past the visibility timeout), then new ones.
  if housekeeping then
    local r = redis.call('XAUTOCLAIM', KEYS[i], group, consumer, minIdle, cursors[i], 'COUNT', 1)
    cursors[i] = r[1]
    local e = r[2][1]
    if e and e[2] then
      local f = fields(e[2])
      local p = redis.call('XPENDING', KEYS[i], group, e[1], e[1], 1)
      return {1, i, e[1], f.job, tonumber(f.n) or 0, p[1][4], cursors}
    end
  end
  local n = redis.call('XREADGROUP', 'GROUP', group, consumer, 'COUNT', 1, 'STREAMS', KEYS[i], '>')
  if n then
    local e2 = n[1][2][1]
    local f = fields(e2[2])
    return {1, i, e2[1], f.job, tonumber(f.n) or 0, 1, cursors}
  end
end
return {0, nextDue, cursors}
