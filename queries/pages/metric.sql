-- One metric's head: name, display unit, source and review note. $1: metric id.
SELECT name, display_unit, source, review FROM metrics WHERE id = $1
