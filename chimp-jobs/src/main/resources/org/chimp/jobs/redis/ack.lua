-- KEYS: stream. ARGV: group, entryId, consumer, pendingCount. 1 if acknowledged, 0 for a stale receipt.
if not owned(KEYS[1], ARGV[1], ARGV[2], ARGV[3], ARGV[4]) then return 0 end
redis.call('XACK', KEYS[1], ARGV[1], ARGV[2])
redis.call('XDEL', KEYS[1], ARGV[2])
return 1
