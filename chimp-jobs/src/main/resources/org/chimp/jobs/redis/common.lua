-- Shared by every script (prepended to each). A receipt is only honoured while its entry is still pending for the
-- same consumer with the same delivery count: a reclaim by anyone (XAUTOCLAIM) makes older receipts stale.
local function owned(stream, group, id, consumer, count)
  local p = redis.call('XPENDING', stream, group, id, id, 1)
  return #p > 0 and p[1][2] == consumer and tonumber(p[1][4]) == tonumber(count)
end

local function fields(flat)
  local f = {}
  for i = 1, #flat, 2 do f[flat[i]] = flat[i + 1] end
  return f
end

local function nowMillis()
  local t = redis.call('TIME')
  return tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
end
