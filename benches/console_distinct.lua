-- wrk script for benches/console.sh: every request is another statement
-- (another document, and a number of its own), so each answer is computed,
-- never served from the cache.
math.randomseed(os.time())
counter = 0
request = function()
  counter = counter + 1
  local doc = string.format("report-%04d", math.random(1, 1000))
  local path = "/api/sql?sql=SELECT%20status%2C%20count(*)%20AS%20n%2C%20" .. counter .. math.random(1, 1000000) ..
    "%20AS%20k%20FROM%20targets%20WHERE%20doc_id%20%3D%20%27" .. doc .. "%27%20GROUP%20BY%201"
  return wrk.format("GET", path)
end
