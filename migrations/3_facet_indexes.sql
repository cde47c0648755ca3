-- Up Migration
-- The HR filter lists (ReportsPort.traineeFacets: sites, departments, hire
-- months of the trainees) read as loose index scans over person_facts, which
-- holds exactly the trainees: a handful of index probes per distinct value
-- instead of a pass over every user's document (177 ms at 100,000 people
-- for the hire months alone, 1 ms this way). person_facts_site already exists.
CREATE INDEX person_facts_department ON person_facts (department);
CREATE INDEX person_facts_hire_month ON person_facts ((left(hire_date, 7)));

-- The cohort list of the same form wants names only: a column beside the
-- document (kept by tables.ts like the others), so 4,000 cohorts are 4,000
-- short strings, not 4.7 MB of documents with their member lists.
ALTER TABLE cohorts ADD COLUMN name text;
UPDATE cohorts SET name = doc->>'name';
ALTER TABLE cohorts ALTER COLUMN name SET NOT NULL;

-- Down Migration
ALTER TABLE cohorts DROP COLUMN name;
DROP INDEX person_facts_hire_month;
DROP INDEX person_facts_department;
