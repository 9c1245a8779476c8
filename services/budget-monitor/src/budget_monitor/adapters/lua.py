"""Lua scripts run atomically by Redis. Offsets fit exactly in Lua numbers (< 2^53).

Scripts that move a consumer's position start with the platform's one fence rule
(`chargeback.tracking.FENCE_LUA`): the stored position must be absent or the batch's
first offset; otherwise they change nothing and answer the stored position.
"""

from chargeback.tracking import FENCE_LUA

# KEYS: positions hash, pending alerts hash, n spend hashes, m seen marks, k raised marks
# ARGV: partition, first offset, next offset, seen ttl, spend ttl, n, m, k,
#       n x (expected version, new sub-total), k x (alert id, alert json)
# Returns {1} applied, {0, stored} fenced, {-1} a spend hash changed since it was read.
APPLY_BATCH = (
    FENCE_LUA
    + """
local part = ARGV[1]
local stored = fenced(KEYS[1], part, ARGV[2])
if stored then return {0, stored} end
local n, m, k = tonumber(ARGV[6]), tonumber(ARGV[7]), tonumber(ARGV[8])
for i = 1, n do
  local version = redis.call('HGET', KEYS[2 + i], 'v') or '0'
  if version ~= ARGV[9 + 2 * (i - 1)] then return {-1} end
end
for i = 1, n do
  local key = KEYS[2 + i]
  redis.call('HSET', key, part, ARGV[10 + 2 * (i - 1)])
  redis.call('HINCRBY', key, 'v', 1)
  redis.call('EXPIRE', key, ARGV[5])
end
for j = 1, m do
  redis.call('SET', KEYS[2 + n + j], '1', 'EX', ARGV[4])
end
local base = 9 + 2 * n
for j = 1, k do
  if redis.call('EXISTS', KEYS[2 + n + m + j]) == 0 then
    redis.call('HSETNX', KEYS[2], ARGV[base + 2 * (j - 1)], ARGV[base + 2 * (j - 1) + 1])
  end
end
redis.call('HSET', KEYS[1], part, ARGV[3])
return {1}
"""
)

# KEYS: raised mark, pending alerts hash, recent alerts list
# ARGV: alert id, alert json, raised ttl, recent cap, live channel. Returns 1 if newly raised.
MARK_RAISED = """
local fresh = redis.call('SET', KEYS[1], '1', 'NX', 'EX', ARGV[3])
if fresh then
  redis.call('LPUSH', KEYS[3], ARGV[2])
  redis.call('LTRIM', KEYS[3], 0, tonumber(ARGV[4]) - 1)
  redis.call('PUBLISH', ARGV[5], ARGV[2])
end
redis.call('HDEL', KEYS[2], ARGV[1])
if fresh then return 1 end
return 0
"""

# KEYS: pending alerts hash, k raised marks. ARGV: k x (alert id, alert json).
# Records alerts a sweep found crossed, unless raised or pending already.
RECORD_MISSED = """
local added = 0
for j = 1, #KEYS - 1 do
  if redis.call('EXISTS', KEYS[1 + j]) == 0 then
    added = added + redis.call('HSETNX', KEYS[1], ARGV[2 * j - 1], ARGV[2 * j])
  end
end
return added
"""

# KEYS: positions hash, due zset, n x (job hash, delivered mark)
# ARGV: partition, first offset, next offset, now ms, n x (member, alert json). Queues
# each delivery not done nor queued yet and moves the partition's position behind the
# fence, in one step; an empty partition ('', for alerts just raised) queues only.
# Returns {1, queued} or {0, stored} (fenced: nothing queued).
ENQUEUE = (
    FENCE_LUA
    + """
if ARGV[1] ~= '' then
  local stored = fenced(KEYS[1], ARGV[1], ARGV[2])
  if stored then return {0, stored} end
end
local added = 0
for i = 1, (#KEYS - 2) / 2 do
  local job, done = KEYS[1 + 2 * i], KEYS[2 + 2 * i]
  if redis.call('EXISTS', done) == 0 and redis.call('EXISTS', job) == 0 then
    redis.call('HSET', job, 'body', ARGV[4 + 2 * i], 'attempts', 0, 'created', ARGV[4])
    redis.call('ZADD', KEYS[2], ARGV[4], ARGV[3 + 2 * i])
    added = added + 1
  end
end
if ARGV[1] ~= '' then
  redis.call('HSET', KEYS[1], ARGV[1], ARGV[3])
end
return {1, added}
"""
)

# KEYS: due zset. ARGV: now ms, lease end ms, members. Claims the members still due
# (pushing them to the lease end, so no other worker takes them meanwhile).
CLAIM = """
local got = {}
for i = 3, #ARGV do
  local score = redis.call('ZSCORE', KEYS[1], ARGV[i])
  if score and tonumber(score) <= tonumber(ARGV[1]) then
    redis.call('ZADD', KEYS[1], ARGV[2], ARGV[i])
    table.insert(got, ARGV[i])
  end
end
return got
"""
