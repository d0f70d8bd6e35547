-- KEYS: stream, delayed set. ARGV: group, entryId, consumer, pendingCount, delayMillis, level.
-- Replaces the entry by a new one (at once, or via the delayed set) carrying the deliveries so far.
if not owned(KEYS[1], ARGV[1], ARGV[2], ARGV[3], ARGV[4]) then return 0 end
local e = redis.call('XRANGE', KEYS[1], ARGV[2], ARGV[2])
redis.call('XACK', KEYS[1], ARGV[1], ARGV[2])
redis.call('XDEL', KEYS[1], ARGV[2])
if #e == 0 then return 0 end
local f = fields(e[1][2])
local n = (tonumber(f.n) or 0) + tonumber(ARGV[4])
local delay = tonumber(ARGV[5])
if delay <= 0 then
  redis.call('XADD', KEYS[1], '*', 'job', f.job, 'priority', ARGV[6], 'n', n)
else
  redis.call('ZADD', KEYS[2], nowMillis() + delay, ARGV[6] .. ':' .. n .. ':' .. f.job)
end
return 1
