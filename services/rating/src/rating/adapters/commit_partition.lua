-- Apply one partition's rated batch atomically, behind an offset fence.
-- KEYS[1]          offsets hash (field: partition, value: next offset to apply)
-- KEYS[2..n+1]     usage hashes, one per new total (ARGV pairs below)
-- KEYS[n+2..]      identity marks of the events charged by this batch
-- ARGV[1] partition  ARGV[2] batch's first offset  ARGV[3] next offset
-- ARGV[4] mark TTL (s)  ARGV[5] n  ARGV[6..] n pairs: field, exact decimal string
-- Returns {1, next} applied; {0, stored} fenced (the stored offset is not the batch's
-- first: another worker or an earlier run applied it); {-1, key} an identity was charged
-- meanwhile (through another partition): rate the batch again from fresh state.
-- `fenced` is the platform's one fence rule (chargeback.tracking.FENCE_LUA, prepended).
local stored = fenced(KEYS[1], ARGV[1], ARGV[2])
if stored then
  return {0, stored}
end
local n = tonumber(ARGV[5])
for i = n + 2, #KEYS do
  if redis.call('EXISTS', KEYS[i]) == 1 then
    return {-1, KEYS[i]}
  end
end
for i = 1, n do
  redis.call('HSET', KEYS[i + 1], ARGV[4 + 2 * i], ARGV[5 + 2 * i])
end
for i = n + 2, #KEYS do
  redis.call('SET', KEYS[i], ARGV[1] .. ':' .. ARGV[2], 'EX', ARGV[4])
end
redis.call('HSET', KEYS[1], ARGV[1], ARGV[3])
return {1, ARGV[3]}
