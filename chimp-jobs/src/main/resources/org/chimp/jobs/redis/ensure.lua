-- KEYS: a queue's streams. ARGV: group, idle millis after which a consumer with nothing pending is forgotten.
-- Creates the streams and the group from the start (entries published before the group existed count), and
-- drops consumers of dead broker instances once their entries were reclaimed.
for _, key in ipairs(KEYS) do
  local ok, err = pcall(redis.call, 'XGROUP', 'CREATE', key, ARGV[1], '0', 'MKSTREAM')
  if not ok and not string.find(tostring(err), 'BUSYGROUP', 1, true) then return redis.error_reply(tostring(err)) end
  for _, c in ipairs(redis.call('XINFO', 'CONSUMERS', key, ARGV[1])) do
    local f = fields(c)
    if tonumber(f.pending) == 0 and tonumber(f.idle) > tonumber(ARGV[2]) then
      redis.call('XGROUP', 'DELCONSUMER', key, ARGV[1], f.name)
    end
  end
end
return 1
