-- Publishes several messages in one call. KEYS: each message's stream. ARGV: per message its job id and level.
for i = 1, #KEYS do
  redis.call('XADD', KEYS[i], '*', 'job', ARGV[2 * i - 1], 'priority', ARGV[2 * i], 'n', '0')
end
return #KEYS
