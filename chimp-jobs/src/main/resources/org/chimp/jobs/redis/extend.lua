-- KEYS: stream. ARGV: group, entryId, consumer, pendingCount. XCLAIM ... JUSTID resets the idle time without
-- counting a delivery, so the receipt stays valid.
if not owned(KEYS[1], ARGV[1], ARGV[2], ARGV[3], ARGV[4]) then return 0 end
redis.call('XCLAIM', KEYS[1], ARGV[1], ARGV[3], 0, ARGV[2], 'JUSTID')
return 1
