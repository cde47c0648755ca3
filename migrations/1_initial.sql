-- Up Migration
-- The PostgreSQL store (src/store/pg): one table per record kind. Each record
-- is kept whole in `doc` (exactly what the storage ports hand out); the columns
-- beside it are the keys, constraints and indexes the ports' reads and guarded
-- writes need, written from the same record in the same statement. `seq` keeps
-- the order records were stored in (lists come back in that order, as on the
-- embedded store). User names sort by code point (COLLATE "C"), as in JavaScript.

CREATE TABLE org (
  one boolean PRIMARY KEY DEFAULT true CHECK (one),
  doc jsonb NOT NULL
);

CREATE TABLE users (
  id text PRIMARY KEY,
  username text COLLATE "C" NOT NULL UNIQUE,
  role text NOT NULL CHECK (role IN ('trainee', 'trainer', 'hr', 'admin')),
  site text NOT NULL,
  department text NOT NULL,
  active boolean NOT NULL,
  seq bigint GENERATED ALWAYS AS IDENTITY,
  doc jsonb NOT NULL
);
CREATE INDEX users_role_username ON users (role, username);
CREATE INDEX users_site ON users (site, username);

CREATE TABLE sessions (
  id_hash text PRIMARY KEY,
  user_id text NOT NULL REFERENCES users (id),
  created_at timestamptz NOT NULL,
  last_seen_at timestamptz NOT NULL,
  seq bigint GENERATED ALWAYS AS IDENTITY,
  doc jsonb NOT NULL
);
CREATE INDEX sessions_user ON sessions (user_id);

CREATE TABLE module_progress (
  user_id text NOT NULL REFERENCES users (id),
  chapter integer NOT NULL CHECK (chapter > 0),
  seq bigint GENERATED ALWAYS AS IDENTITY,
  doc jsonb NOT NULL,
  PRIMARY KEY (user_id, chapter)
);

CREATE TABLE check_attempts (
  id text PRIMARY KEY,
  user_id text NOT NULL REFERENCES users (id),
  chapter integer NOT NULL,
  at timestamptz NOT NULL,
  seq bigint GENERATED ALWAYS AS IDENTITY,
  doc jsonb NOT NULL
);
CREATE INDEX check_attempts_user ON check_attempts (user_id, chapter, seq);

CREATE TABLE scenario_plays (
  id text PRIMARY KEY,
  user_id text NOT NULL REFERENCES users (id),
  scenario_id text NOT NULL,
  ended boolean NOT NULL DEFAULT false,
  step_count integer NOT NULL DEFAULT 0,
  deadline timestamptz,
  seq bigint GENERATED ALWAYS AS IDENTITY,
  doc jsonb NOT NULL
);
CREATE INDEX scenario_plays_user ON scenario_plays (user_id, scenario_id, seq);
-- One open play per person and scenario.
CREATE UNIQUE INDEX scenario_plays_one_open ON scenario_plays (user_id, scenario_id) WHERE NOT ended;

CREATE TABLE scenario_attempts (
  id text PRIMARY KEY,
  user_id text NOT NULL REFERENCES users (id),
  scenario_id text NOT NULL,
  play_id text UNIQUE REFERENCES scenario_plays (id),
  at timestamptz NOT NULL,
  seq bigint GENERATED ALWAYS AS IDENTITY,
  doc jsonb NOT NULL
);
CREATE INDEX scenario_attempts_user ON scenario_attempts (user_id, scenario_id, seq);

CREATE TABLE exam_attempts (
  id text PRIMARY KEY,
  user_id text NOT NULL REFERENCES users (id),
  started_at timestamptz NOT NULL,
  deadline timestamptz NOT NULL,
  submitted boolean NOT NULL DEFAULT false,
  seq bigint GENERATED ALWAYS AS IDENTITY,
  doc jsonb NOT NULL
);
CREATE INDEX exam_attempts_user ON exam_attempts (user_id, seq);
-- One open paper per person.
CREATE UNIQUE INDEX exam_attempts_one_open ON exam_attempts (user_id) WHERE NOT submitted;
CREATE INDEX exam_attempts_open_deadline ON exam_attempts (deadline) WHERE NOT submitted;

CREATE TABLE certificates (
  id text PRIMARY KEY,
  user_id text NOT NULL REFERENCES users (id),
  code text NOT NULL UNIQUE,
  issued_at timestamptz NOT NULL,
  expires_at timestamptz NOT NULL,
  revoked boolean NOT NULL DEFAULT false,
  superseded_by text REFERENCES certificates (id),
  seq bigint GENERATED ALWAYS AS IDENTITY,
  doc jsonb NOT NULL
);
CREATE INDEX certificates_user ON certificates (user_id, seq);
CREATE INDEX certificates_newest ON certificates (issued_at DESC, seq DESC);

CREATE TABLE waivers (
  seq bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  user_id text NOT NULL REFERENCES users (id),
  at timestamptz NOT NULL,
  doc jsonb NOT NULL
);
CREATE INDEX waivers_user ON waivers (user_id, seq);
CREATE INDEX waivers_newest ON waivers (at DESC, seq DESC);

CREATE TABLE audit (
  seq bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  id text NOT NULL UNIQUE,
  at timestamptz NOT NULL,
  actor_id text NOT NULL,
  action text NOT NULL,
  target_id text NOT NULL,
  doc jsonb NOT NULL
);
CREATE INDEX audit_at ON audit (at, seq);
CREATE INDEX audit_actor ON audit (actor_id, seq);
CREATE INDEX audit_target ON audit (target_id, seq);
CREATE INDEX audit_action ON audit (action, seq);

CREATE TABLE cohorts (
  id text PRIMARY KEY,
  trainer_id text NOT NULL REFERENCES users (id),
  trainee_ids text[] NOT NULL,
  created_at timestamptz NOT NULL,
  seq bigint GENERATED ALWAYS AS IDENTITY,
  doc jsonb NOT NULL
);
CREATE INDEX cohorts_trainer ON cohorts (trainer_id, seq);
CREATE INDEX cohorts_trainees ON cohorts USING gin (trainee_ids);

CREATE TABLE live_sessions (
  id text PRIMARY KEY,
  code text NOT NULL,
  cohort_id text NOT NULL,
  ended boolean NOT NULL DEFAULT false,
  revision integer NOT NULL DEFAULT 0,
  seq bigint GENERATED ALWAYS AS IDENTITY,
  doc jsonb NOT NULL
);
-- A join code belongs to one session that has not ended.
CREATE UNIQUE INDEX live_sessions_open_code ON live_sessions (code) WHERE NOT ended;
CREATE INDEX live_sessions_cohort ON live_sessions (cohort_id, seq);

CREATE TABLE observations (
  id text PRIMARY KEY,
  session_id text NOT NULL,
  cohort_id text NOT NULL,
  agent_id text NOT NULL REFERENCES users (id),
  rater_id text NOT NULL REFERENCES users (id),
  at timestamptz NOT NULL,
  seq bigint GENERATED ALWAYS AS IDENTITY,
  doc jsonb NOT NULL,
  -- One score per rater, agent and session.
  UNIQUE (session_id, agent_id, rater_id)
);
CREATE INDEX observations_agent ON observations (agent_id, seq);
CREATE INDEX observations_cohort ON observations (cohort_id, seq);

-- Rate-limit counters (RateLimiterPort), shared by every app server. Times in ms since the epoch.
CREATE TABLE counters (
  key text PRIMARY KEY,
  count integer NOT NULL,
  first bigint NOT NULL,
  last bigint NOT NULL,
  expires bigint NOT NULL
);
CREATE INDEX counters_expires ON counters (expires);

-- Notifier events (NotifierPort): NOTIFY carries the seq only; a listener reads
-- the events after the last one it saw, so it catches up after a reconnect.
CREATE TABLE events (
  seq bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  topic text NOT NULL,
  payload text NOT NULL,
  at timestamptz NOT NULL DEFAULT now()
);

-- Down Migration
DROP TABLE events, counters, observations, live_sessions, cohorts, audit, waivers, certificates, exam_attempts, scenario_attempts, scenario_plays, check_attempts, module_progress, sessions, users, org;
