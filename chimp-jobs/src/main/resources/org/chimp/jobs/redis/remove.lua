-- KEYS: a queue's streams, then its delayed set. ARGV: group, jobId, entries to scan per stream at most.
-- Best effort: linear in the queue's length, bounded by the scan limit.
local removed = 0
local nstreams = #KEYS - 1
for i = 1, nstreams do
  for _, e in ipairs(redis.call('XRANGE', KEYS[i], '-', '+', 'COUNT', tonumber(ARGV[3]))) do
    if fields(e[2]).job == ARGV[2] then
      redis.call('XACK', KEYS[i], ARGV[1], e[1])
      redis.call('XDEL', KEYS[i], e[1])
      removed = removed + 1
    end
  end
end
for _, m in ipairs(redis.call('ZRANGE', KEYS[#KEYS], 0, -1)) do
  local a = string.find(m, ':', 1, true)
  local b = string.find(m, ':', a + 1, true)
  if string.sub(m, b + 1) == ARGV[2] then
    redis.call('ZREM', KEYS[#KEYS], m)
    removed = removed + 1
  end
end
return removed
