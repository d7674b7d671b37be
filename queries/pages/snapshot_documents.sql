-- The documents a snapshot was made from, for its manifest: each with its
-- file and the SHA-256 of the bytes read.
SELECT id, coalesce(title, '') AS title, path, content_hash FROM documents ORDER BY id
