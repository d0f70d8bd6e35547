-- KEYS: streams. ARGV: group, consumer. On close: drops this consumer where it holds nothing (entries it still
-- holds stay pending under its name, to be reclaimed after the visibility timeout).
for _, key in ipairs(KEYS) do
  if #redis.call('XPENDING', key, ARGV[1], '-', '+', 1, ARGV[2]) == 0 then
    redis.call('XGROUP', 'DELCONSUMER', key, ARGV[1], ARGV[2])
  end
end
return 1
