-- Up Migration
-- The HR dashboard's read model: one row per trainee with what the dashboard
-- counts about them, so its figures are one aggregate over person_facts
-- (src/store/pg/dashboard.ts) instead of every record of every person moved to
-- the app server. The rules are those of src/hr (factsOf in facts.ts,
-- dashboardTally in dashboard.ts, latestCertificate/certificateStatus in
-- src/certification) and must stay equal to them: test/contract/hr-dashboard.test.ts
-- compares both stores' dashboards. Only what does not depend on the time is
-- kept here; valid/expired, overdue and expiring soon are decided by the query
-- from its `now`. Sums stay exact (means are rounded once, in meanOf).
--
-- Kept current by triggers on every table it reads: each change recomputes the
-- rows of the people it touched from the base tables (a handful of index
-- lookups per person). Bulk loads may switch the triggers off
-- (SET session_replication_role = replica) and call refresh_all_person_facts() once.

-- No foreign key to users: store:copy and restore TRUNCATE the store's tables
-- together (a key would refuse that); a person's row goes when they do
-- (refresh_person_facts_of) and with a TRUNCATE (person_facts_truncated).
CREATE TABLE person_facts (
  user_id text PRIMARY KEY,
  site text NOT NULL,
  department text NOT NULL,
  -- The user's hireDate as stored (YYYY-MM-DD); the hire-month filter is a prefix match, as startsWith.
  hire_date text,
  active boolean NOT NULL,
  cohort_ids text[] NOT NULL,
  -- Earliest due date of the person's cohorts (YYYY-MM-DD; compared as strings, as in JavaScript).
  due_date text COLLATE "C",
  -- Started anything: a module, a role-play, a submitted exam.
  started boolean NOT NULL,
  -- The current certificate: the newest not superseded (the first of equal issuedAt), revoked or expired included.
  has_certificate boolean NOT NULL,
  cert_issued_at text COLLATE "C",
  -- As stored (expiring soon compares the ISO strings) and as a time (expired compares times).
  cert_expires text COLLATE "C",
  cert_expires_at timestamptz,
  cert_revoked boolean,
  -- The best submitted exam (the first of equal best percents): its per-category percents.
  has_exam boolean NOT NULL,
  exam_law numeric,
  exam_process numeric,
  exam_cases numeric,
  exam_professionalism numeric,
  -- Best attempt per scenario (highest overall, the earliest of equal ones): how many scenarios, and the sums of their dimension scores.
  scenario_n integer NOT NULL,
  scenario_calmness numeric NOT NULL,
  scenario_empathy numeric NOT NULL,
  scenario_solution numeric NOT NULL,
  -- Observed rubric scores (agent_id): how many, and the sums of rubricToPercent of each (src/live/rubric.ts).
  observed_n integer NOT NULL,
  observed_calmness numeric NOT NULL,
  observed_empathy numeric NOT NULL,
  observed_solution numeric NOT NULL
);
CREATE INDEX person_facts_site ON person_facts (site);
CREATE INDEX person_facts_cohorts ON person_facts USING gin (cohort_ids);

-- rubricToPercent: Math.round(((x - 1) / 4) * 100), in doubles as JavaScript
-- computes it (Math.round is floor(x + 0.5)).
CREATE FUNCTION rubric_to_percent(x float8) RETURNS float8 LANGUAGE sql IMMUTABLE PARALLEL SAFE
  RETURN floor(((x - 1) / 4) * 100 + 0.5);

-- Every trainee's facts, computed from the base tables (the one statement of
-- the rules; refreshes select from it by user_id, each lateral part an index
-- lookup). Its columns are person_facts' in order (INSERT … SELECT *).
CREATE VIEW person_facts_source AS
SELECT
  u.id AS user_id,
  u.site,
  u.department,
  u.doc->>'hireDate' AS hire_date,
  u.active,
  coalesce(co.ids, '{}') AS cohort_ids,
  co.due AS due_date,
  (EXISTS (SELECT 1 FROM module_progress m WHERE m.user_id = u.id)
    OR EXISTS (SELECT 1 FROM scenario_attempts a WHERE a.user_id = u.id)
    OR ex.r IS NOT NULL) AS started,
  cert.doc IS NOT NULL AS has_certificate,
  cert.doc->>'issuedAt' AS cert_issued_at,
  cert.doc->>'expiresAt' AS cert_expires,
  cert.expires_at AS cert_expires_at,
  cert.revoked AS cert_revoked,
  ex.r IS NOT NULL AS has_exam,
  (ex.r->'byCategory'->'law'->>'percent')::numeric AS exam_law,
  (ex.r->'byCategory'->'process'->>'percent')::numeric AS exam_process,
  (ex.r->'byCategory'->'cases'->>'percent')::numeric AS exam_cases,
  (ex.r->'byCategory'->'professionalism'->>'percent')::numeric AS exam_professionalism,
  sc.n AS scenario_n,
  coalesce(sc.calmness, 0) AS scenario_calmness,
  coalesce(sc.empathy, 0) AS scenario_empathy,
  coalesce(sc.solution, 0) AS scenario_solution,
  ob.n AS observed_n,
  coalesce(ob.calmness, 0) AS observed_calmness,
  coalesce(ob.empathy, 0) AS observed_empathy,
  coalesce(ob.solution, 0) AS observed_solution
FROM users u
-- Cohorts the person is in now; an empty due date counts as none (as `c.dueDate &&`).
LEFT JOIN LATERAL (
  SELECT array_agg(c.id ORDER BY c.seq) AS ids, min(nullif(c.doc->>'dueDate', '') COLLATE "C") AS due
  FROM cohorts c WHERE c.trainee_ids @> ARRAY[u.id]
) co ON true
-- bestExam: the first of the submitted attempts with the highest percent.
LEFT JOIN LATERAL (
  SELECT e.doc->'result' AS r FROM exam_attempts e
  WHERE e.user_id = u.id AND jsonb_typeof(e.doc->'result') = 'object'
  ORDER BY (e.doc->'result'->>'percent')::numeric DESC, e.seq
  LIMIT 1
) ex ON true
-- latestCertificate: not superseded, the greatest issuedAt (as strings), the first of equal ones.
LEFT JOIN LATERAL (
  SELECT c.doc, c.expires_at, c.revoked FROM certificates c
  WHERE c.user_id = u.id AND c.superseded_by IS NULL
  ORDER BY c.doc->>'issuedAt' COLLATE "C" DESC, c.seq
  LIMIT 1
) cert ON true
-- bestPerScenario: per scenario the highest overall, then the earliest `at` (as strings), then the first stored.
LEFT JOIN LATERAL (
  SELECT count(*)::integer AS n, sum(b.calmness) AS calmness, sum(b.empathy) AS empathy, sum(b.solution) AS solution
  FROM (
    SELECT DISTINCT ON (a.scenario_id)
      (a.doc->'scores'->>'calmness')::numeric AS calmness,
      (a.doc->'scores'->>'empathy')::numeric AS empathy,
      (a.doc->'scores'->>'solution')::numeric AS solution
    FROM scenario_attempts a WHERE a.user_id = u.id
    ORDER BY a.scenario_id, (a.doc->'scores'->>'overall')::numeric DESC, a.doc->>'at' COLLATE "C", a.seq
  ) b
) sc ON true
LEFT JOIN LATERAL (
  SELECT count(*)::integer AS n,
    sum(rubric_to_percent((o.doc->>'calmness')::float8))::numeric AS calmness,
    sum(rubric_to_percent((o.doc->>'empathy')::float8))::numeric AS empathy,
    sum(rubric_to_percent((o.doc->>'solution')::float8))::numeric AS solution
  FROM observations o WHERE o.agent_id = u.id
) ob ON true
WHERE u.role = 'trainee';

-- Recomputes these people's rows (people who are no longer trainees lose theirs).
-- Each person's refresh is serialised by a lock on their users row held to the
-- end of the transaction, taken before reading: of two transactions changing
-- one person's records, the later one recomputes after the earlier has
-- committed (READ COMMITTED reads afresh per statement), so neither's change
-- is lost. Under REPEATABLE READ the upsert of a row changed meanwhile is a
-- serialisation failure, which Db.tx retries. A row lock, not an advisory
-- lock: a load of 100,000 people in one transaction would exhaust the lock
-- table; FOR NO KEY UPDATE does not conflict with the key-share locks that
-- inserting a person's records takes on the same row.
CREATE FUNCTION refresh_person_facts_of(uids text[]) RETURNS void LANGUAGE plpgsql AS $$
DECLARE
  ids text[] := ARRAY(SELECT DISTINCT x FROM unnest(uids) x WHERE x IS NOT NULL);
BEGIN
  IF cardinality(ids) = 0 THEN RETURN; END IF;
  -- In one order, so two transactions refreshing the same people do not deadlock each other.
  PERFORM 1 FROM users u WHERE u.id = ANY (ids) ORDER BY u.id FOR NO KEY UPDATE;
  -- Planned afresh each time (EXECUTE), not a plan cached when the tables were
  -- small: a bulk load with the triggers on would keep scanning whole tables.
  EXECUTE 'DELETE FROM person_facts f WHERE f.user_id = ANY ($1)
    AND NOT EXISTS (SELECT 1 FROM users u WHERE u.id = f.user_id AND u.role = ''trainee'')' USING ids;
  EXECUTE 'INSERT INTO person_facts SELECT * FROM person_facts_source s WHERE s.user_id = ANY ($1)
  ON CONFLICT (user_id) DO UPDATE SET
    site = EXCLUDED.site, department = EXCLUDED.department, hire_date = EXCLUDED.hire_date, active = EXCLUDED.active,
    cohort_ids = EXCLUDED.cohort_ids, due_date = EXCLUDED.due_date, started = EXCLUDED.started,
    has_certificate = EXCLUDED.has_certificate, cert_issued_at = EXCLUDED.cert_issued_at, cert_expires = EXCLUDED.cert_expires,
    cert_expires_at = EXCLUDED.cert_expires_at, cert_revoked = EXCLUDED.cert_revoked,
    has_exam = EXCLUDED.has_exam, exam_law = EXCLUDED.exam_law, exam_process = EXCLUDED.exam_process,
    exam_cases = EXCLUDED.exam_cases, exam_professionalism = EXCLUDED.exam_professionalism,
    scenario_n = EXCLUDED.scenario_n, scenario_calmness = EXCLUDED.scenario_calmness,
    scenario_empathy = EXCLUDED.scenario_empathy, scenario_solution = EXCLUDED.scenario_solution,
    observed_n = EXCLUDED.observed_n, observed_calmness = EXCLUDED.observed_calmness,
    observed_empathy = EXCLUDED.observed_empathy, observed_solution = EXCLUDED.observed_solution' USING ids;
END $$;

CREATE FUNCTION refresh_person_facts(uid text) RETURNS void LANGUAGE sql
  BEGIN ATOMIC SELECT refresh_person_facts_of(ARRAY[uid]); END;

-- Every trainee's row at once (after a bulk load with the triggers off): one set-based statement.
CREATE FUNCTION refresh_all_person_facts() RETURNS void LANGUAGE plpgsql AS $$
BEGIN
  DELETE FROM person_facts;
  INSERT INTO person_facts SELECT * FROM person_facts_source;
END $$;

-- Statement triggers: one refresh per statement for every person its rows
-- touch (a batch insert of a thousand attempts is one refresh of their people).
-- TG_ARGV[0] is the expression naming the person (people) of a row.
CREATE FUNCTION person_facts_changed() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  ids text[] := '{}';
  part text[];
BEGIN
  IF TG_OP IN ('INSERT', 'UPDATE') THEN
    EXECUTE format('SELECT ARRAY(SELECT %s FROM new_rows)', TG_ARGV[0]) INTO part;
    ids := ids || part;
  END IF;
  IF TG_OP IN ('DELETE', 'UPDATE') THEN
    EXECUTE format('SELECT ARRAY(SELECT %s FROM old_rows)', TG_ARGV[0]) INTO part;
    ids := ids || part;
  END IF;
  PERFORM refresh_person_facts_of(ids);
  RETURN NULL;
END $$;

-- TRUNCATE fires no row or delete triggers: recompute everyone (nobody, when users went too).
CREATE FUNCTION person_facts_truncated() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM refresh_all_person_facts();
  RETURN NULL;
END $$;

-- Row triggers for updates that rarely matter (WHEN is checked before anything runs).
CREATE FUNCTION person_facts_row_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM refresh_person_facts_of(ARRAY[OLD.user_id, NEW.user_id]);
  RETURN NULL;
END $$;

CREATE TRIGGER person_facts_ins AFTER INSERT ON users REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION person_facts_changed('id');
CREATE TRIGGER person_facts_upd AFTER UPDATE ON users REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION person_facts_changed('id');
CREATE TRIGGER person_facts_del AFTER DELETE ON users REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION person_facts_changed('id');

-- Module progress counts only as "has any": opening a module again (an update) changes nothing here.
CREATE TRIGGER person_facts_ins AFTER INSERT ON module_progress REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION person_facts_changed('user_id');
CREATE TRIGGER person_facts_upd AFTER UPDATE ON module_progress FOR EACH ROW WHEN (OLD.user_id IS DISTINCT FROM NEW.user_id) EXECUTE FUNCTION person_facts_row_changed();
CREATE TRIGGER person_facts_del AFTER DELETE ON module_progress REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION person_facts_changed('user_id');

CREATE TRIGGER person_facts_ins AFTER INSERT ON scenario_attempts REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION person_facts_changed('user_id');
CREATE TRIGGER person_facts_upd AFTER UPDATE ON scenario_attempts REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION person_facts_changed('user_id');
CREATE TRIGGER person_facts_del AFTER DELETE ON scenario_attempts REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION person_facts_changed('user_id');

-- An exam paper is updated at every saved answer; only its result matters here.
CREATE TRIGGER person_facts_ins AFTER INSERT ON exam_attempts REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION person_facts_changed('user_id');
CREATE TRIGGER person_facts_upd AFTER UPDATE ON exam_attempts FOR EACH ROW
  WHEN (OLD.user_id IS DISTINCT FROM NEW.user_id OR OLD.doc->'result' IS DISTINCT FROM NEW.doc->'result') EXECUTE FUNCTION person_facts_row_changed();
CREATE TRIGGER person_facts_del AFTER DELETE ON exam_attempts REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION person_facts_changed('user_id');

CREATE TRIGGER person_facts_ins AFTER INSERT ON certificates REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION person_facts_changed('user_id');
CREATE TRIGGER person_facts_upd AFTER UPDATE ON certificates REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION person_facts_changed('user_id');
CREATE TRIGGER person_facts_del AFTER DELETE ON certificates REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION person_facts_changed('user_id');

CREATE TRIGGER person_facts_ins AFTER INSERT ON observations REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION person_facts_changed('agent_id');
CREATE TRIGGER person_facts_upd AFTER UPDATE ON observations REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION person_facts_changed('agent_id');
CREATE TRIGGER person_facts_del AFTER DELETE ON observations REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION person_facts_changed('agent_id');

-- A cohort change (members, due date) touches everyone in it before and after.
CREATE TRIGGER person_facts_ins AFTER INSERT ON cohorts REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION person_facts_changed('unnest(trainee_ids)');
CREATE TRIGGER person_facts_upd AFTER UPDATE ON cohorts REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION person_facts_changed('unnest(trainee_ids)');
CREATE TRIGGER person_facts_del AFTER DELETE ON cohorts REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION person_facts_changed('unnest(trainee_ids)');

CREATE TRIGGER person_facts_truncate AFTER TRUNCATE ON users FOR EACH STATEMENT EXECUTE FUNCTION person_facts_truncated();
CREATE TRIGGER person_facts_truncate AFTER TRUNCATE ON module_progress FOR EACH STATEMENT EXECUTE FUNCTION person_facts_truncated();
CREATE TRIGGER person_facts_truncate AFTER TRUNCATE ON scenario_attempts FOR EACH STATEMENT EXECUTE FUNCTION person_facts_truncated();
CREATE TRIGGER person_facts_truncate AFTER TRUNCATE ON exam_attempts FOR EACH STATEMENT EXECUTE FUNCTION person_facts_truncated();
CREATE TRIGGER person_facts_truncate AFTER TRUNCATE ON certificates FOR EACH STATEMENT EXECUTE FUNCTION person_facts_truncated();
CREATE TRIGGER person_facts_truncate AFTER TRUNCATE ON observations FOR EACH STATEMENT EXECUTE FUNCTION person_facts_truncated();
CREATE TRIGGER person_facts_truncate AFTER TRUNCATE ON cohorts FOR EACH STATEMENT EXECUTE FUNCTION person_facts_truncated();

-- Down Migration
DROP TRIGGER person_facts_truncate ON users;
DROP TRIGGER person_facts_truncate ON module_progress;
DROP TRIGGER person_facts_truncate ON scenario_attempts;
DROP TRIGGER person_facts_truncate ON exam_attempts;
DROP TRIGGER person_facts_truncate ON certificates;
DROP TRIGGER person_facts_truncate ON observations;
DROP TRIGGER person_facts_truncate ON cohorts;
DROP TRIGGER person_facts_ins ON users; DROP TRIGGER person_facts_upd ON users; DROP TRIGGER person_facts_del ON users;
DROP TRIGGER person_facts_ins ON module_progress; DROP TRIGGER person_facts_upd ON module_progress; DROP TRIGGER person_facts_del ON module_progress;
DROP TRIGGER person_facts_ins ON scenario_attempts; DROP TRIGGER person_facts_upd ON scenario_attempts; DROP TRIGGER person_facts_del ON scenario_attempts;
DROP TRIGGER person_facts_ins ON exam_attempts; DROP TRIGGER person_facts_upd ON exam_attempts; DROP TRIGGER person_facts_del ON exam_attempts;
DROP TRIGGER person_facts_ins ON certificates; DROP TRIGGER person_facts_upd ON certificates; DROP TRIGGER person_facts_del ON certificates;
DROP TRIGGER person_facts_ins ON observations; DROP TRIGGER person_facts_upd ON observations; DROP TRIGGER person_facts_del ON observations;
DROP TRIGGER person_facts_ins ON cohorts; DROP TRIGGER person_facts_upd ON cohorts; DROP TRIGGER person_facts_del ON cohorts;
DROP FUNCTION person_facts_row_changed(), person_facts_truncated(), person_facts_changed(), refresh_all_person_facts(), refresh_person_facts(text), refresh_person_facts_of(text[]);
DROP VIEW person_facts_source;
DROP FUNCTION rubric_to_percent(float8);
DROP TABLE person_facts;
