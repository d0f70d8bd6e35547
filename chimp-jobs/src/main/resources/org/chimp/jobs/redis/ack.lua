-- Acknowledges several entries in one call. KEYS: each entry's stream. ARGV: group, then per entry its id,
-- consumer and pending count. Returns how many were acknowledged; stale receipts are skipped.
local group = ARGV[1]
local acked = 0
for i = 1, #KEYS do
  local id = ARGV[3 * i - 1]
  if owned(KEYS[i], group, id, ARGV[3 * i], ARGV[3 * i + 1]) then
    redis.call('XACK', KEYS[i], group, id)
    redis.call('XDEL', KEYS[i], id)
    acked = acked + 1
  end
end
return acked
