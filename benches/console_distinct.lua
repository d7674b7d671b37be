-- wrk script for benches/console.sh: each request asks about another
-- document, so answers are computed, not served from the cache.
math.randomseed(os.time())
request = function()
  local doc = string.format("report-%04d", math.random(1, 1000))
  local path = "/api/sql?sql=SELECT%20status%2C%20count(*)%20AS%20n%20FROM%20targets%20WHERE%20doc_id%20%3D%20%27" .. doc .. "%27%20GROUP%20BY%201"
  return wrk.format("GET", path)
end
