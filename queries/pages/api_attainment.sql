-- Every target against its actual, worst first (`/api/attainment`).
SELECT * FROM attainment
