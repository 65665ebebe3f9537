/**
 * The store's schema as an ordered list of migrations. Migration i (1-based) moves the database from
 * user_version i - 1 to i; each runs in its own transaction together with the version bump, so a crash leaves
 * the database at the version before or after, never between. Never edit a released migration: add one.
 */
export interface Migration {
  version: number;
  description: string;
  sql: string;
  /**
   * Run with foreign keys off (PRAGMA foreign_keys cannot change inside a transaction, so openStore turns them off
   * before and back on after, and checks PRAGMA foreign_key_check before committing). Needed to rebuild a table
   * that others reference: with them on, DROP TABLE deletes its rows first and cascades into the referencing tables.
   */
  foreignKeysOff?: boolean;
}

const RUN_STATUSES = "'queued','running','finished','failed','interrupted','cancelled'";
/** From migration 6: a paused run (its worker stopped after a checkpoint) stays paused across a restart. */
const RUN_STATUSES_V6 = "'queued','running','paused','finished','failed','interrupted','cancelled'";

export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    description: "projects, base models, datasets and examples, runs and metrics, adapters, chats, comparisons, evaluations",
    sql: `
CREATE TABLE projects (
  id TEXT PRIMARY KEY,
  name TEXT NOT NULL CHECK (length(trim(name)) > 0),
  domain TEXT,
  language TEXT,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL
);

CREATE TABLE base_models (
  id TEXT PRIMARY KEY,
  path TEXT NOT NULL,
  sha256 TEXT NOT NULL CHECK (length(sha256) = 64),
  name TEXT,
  architecture TEXT NOT NULL,
  parameters INTEGER NOT NULL,
  quantization TEXT NOT NULL,
  file_size INTEGER,
  context_length INTEGER,
  added_at TEXT NOT NULL,
  UNIQUE (path, sha256)
);

CREATE TABLE datasets (
  id TEXT PRIMARY KEY,
  project_id TEXT NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
  name TEXT NOT NULL,
  created_at TEXT NOT NULL,
  example_count INTEGER NOT NULL,
  files_json TEXT NOT NULL,
  redaction_json TEXT NOT NULL,
  report_json TEXT
);
CREATE INDEX datasets_project ON datasets(project_id);

CREATE TABLE examples (
  id INTEGER PRIMARY KEY,
  dataset_id TEXT NOT NULL REFERENCES datasets(id) ON DELETE CASCADE,
  example_key TEXT NOT NULL,
  kind TEXT NOT NULL CHECK (kind IN ('chat','document')),
  content_json TEXT NOT NULL,
  source_file TEXT NOT NULL,
  source_line INTEGER,
  source_row INTEGER,
  source_sheet TEXT,
  source_page INTEGER,
  source_chunk INTEGER,
  split TEXT CHECK (split IN ('train','validation','excluded')),
  redactions_json TEXT,
  UNIQUE (dataset_id, example_key)
);

CREATE TABLE runs (
  id TEXT PRIMARY KEY,
  project_id TEXT REFERENCES projects(id) ON DELETE CASCADE,
  base_model_id TEXT REFERENCES base_models(id),
  dataset_id TEXT REFERENCES datasets(id) ON DELETE SET NULL,
  out_dir TEXT NOT NULL UNIQUE,
  config_json TEXT NOT NULL,
  status TEXT NOT NULL CHECK (status IN (${RUN_STATUSES})),
  backend TEXT,
  worker_pid INTEGER,
  step INTEGER NOT NULL DEFAULT 0,
  total_steps INTEGER,
  model_sha256 TEXT,
  data_sha256 TEXT,
  error_json TEXT,
  result_json TEXT,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  started_at TEXT,
  ended_at TEXT
);
CREATE INDEX runs_project ON runs(project_id);
CREATE INDEX runs_status ON runs(status);

CREATE TABLE run_attempts (
  run_id TEXT NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
  attempt INTEGER NOT NULL,
  started_at TEXT NOT NULL,
  ended_at TEXT,
  from_step INTEGER,
  status TEXT CHECK (status IN (${RUN_STATUSES})),
  cause TEXT,
  -- What the out-of-memory step-down changed before this attempt, with its reason.
  change_json TEXT,
  PRIMARY KEY (run_id, attempt)
);

CREATE TABLE run_metrics (
  run_id TEXT NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
  step INTEGER NOT NULL,
  epoch REAL,
  loss REAL,
  val_loss REAL,
  lr REAL,
  grad_norm REAL,
  tokens_per_second REAL,
  peak_rss_mb REAL,
  time TEXT,
  PRIMARY KEY (run_id, step)
);

CREATE TABLE adapters (
  id TEXT PRIMARY KEY,
  project_id TEXT REFERENCES projects(id) ON DELETE CASCADE,
  run_id TEXT REFERENCES runs(id) ON DELETE SET NULL,
  name TEXT NOT NULL,
  created_at TEXT NOT NULL
);
CREATE TABLE adapter_files (
  adapter_id TEXT NOT NULL REFERENCES adapters(id) ON DELETE CASCADE,
  format TEXT NOT NULL,
  path TEXT NOT NULL,
  sha256 TEXT NOT NULL CHECK (length(sha256) = 64),
  bytes INTEGER,
  created_at TEXT NOT NULL,
  PRIMARY KEY (adapter_id, path)
);

CREATE TABLE chats (
  id TEXT PRIMARY KEY,
  project_id TEXT NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
  base_model_id TEXT REFERENCES base_models(id),
  adapter_id TEXT REFERENCES adapters(id) ON DELETE SET NULL,
  title TEXT NOT NULL,
  created_at TEXT NOT NULL
);
CREATE TABLE messages (
  id INTEGER PRIMARY KEY,
  chat_id TEXT NOT NULL REFERENCES chats(id) ON DELETE CASCADE,
  seq INTEGER NOT NULL,
  role TEXT NOT NULL CHECK (role IN ('system','user','assistant')),
  content TEXT NOT NULL,
  created_at TEXT NOT NULL,
  UNIQUE (chat_id, seq)
);

CREATE TABLE comparisons (
  id TEXT PRIMARY KEY,
  project_id TEXT NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
  prompt TEXT NOT NULL,
  -- NULL adapter = the base model alone.
  a_adapter_id TEXT REFERENCES adapters(id) ON DELETE SET NULL,
  b_adapter_id TEXT REFERENCES adapters(id) ON DELETE SET NULL,
  a_output TEXT NOT NULL,
  b_output TEXT NOT NULL,
  -- Blind: the rater sees the two outputs in this order without labels.
  blind INTEGER NOT NULL DEFAULT 1,
  created_at TEXT NOT NULL
);
CREATE TABLE ratings (
  id INTEGER PRIMARY KEY,
  comparison_id TEXT NOT NULL REFERENCES comparisons(id) ON DELETE CASCADE,
  rater TEXT NOT NULL,
  choice TEXT NOT NULL CHECK (choice IN ('a','b','tie','both-bad')),
  note TEXT,
  created_at TEXT NOT NULL,
  UNIQUE (comparison_id, rater)
);

CREATE TABLE evaluations (
  id TEXT PRIMARY KEY,
  project_id TEXT NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
  run_id TEXT REFERENCES runs(id) ON DELETE SET NULL,
  adapter_id TEXT REFERENCES adapters(id) ON DELETE SET NULL,
  kind TEXT NOT NULL,
  metrics_json TEXT NOT NULL,
  created_at TEXT NOT NULL
);
`,
  },
  {
    version: 2,
    description: "indexes for the lists the app shows (examples of a dataset by split, messages of a chat, ratings)",
    sql: `
CREATE INDEX examples_dataset_split ON examples(dataset_id, split);
CREATE INDEX adapters_run ON adapters(run_id);
CREATE INDEX chats_project ON chats(project_id);
CREATE INDEX comparisons_project ON comparisons(project_id);
CREATE INDEX evaluations_project ON evaluations(project_id);
`,
  },
  {
    version: 3,
    description: "the wizard's choices per project, saved prompts, comparisons tied to a run with a reference answer",
    sql: `
ALTER TABLE projects ADD COLUMN model_id TEXT REFERENCES base_models(id) ON DELETE SET NULL;
ALTER TABLE projects ADD COLUMN dataset_id TEXT REFERENCES datasets(id) ON DELETE SET NULL;
CREATE TABLE saved_prompts (
  id TEXT PRIMARY KEY,
  project_id TEXT NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
  text TEXT NOT NULL CHECK (length(trim(text)) > 0),
  created_at TEXT NOT NULL
);
CREATE INDEX saved_prompts_project ON saved_prompts(project_id);
ALTER TABLE comparisons ADD COLUMN run_id TEXT REFERENCES runs(id) ON DELETE SET NULL;
ALTER TABLE comparisons ADD COLUMN reference TEXT;
`,
  },
  {
    version: 4,
    description: "evaluation and sign-off: golden questions, evaluation status, blind A/B pairs, expert sign-offs",
    sql: `
CREATE TABLE golden_questions (
  id TEXT PRIMARY KEY,
  project_id TEXT NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
  question TEXT NOT NULL CHECK (length(trim(question)) > 0),
  reference TEXT,
  created_at TEXT NOT NULL
);
CREATE INDEX golden_questions_project ON golden_questions(project_id);
-- An evaluation runs in the background: its row exists from the start, its metrics_json fills in at the end.
ALTER TABLE evaluations ADD COLUMN status TEXT NOT NULL DEFAULT 'finished' CHECK (status IN ('running','finished','failed'));
ALTER TABLE evaluations ADD COLUMN error TEXT;
CREATE INDEX evaluations_run ON evaluations(run_id);
CREATE TABLE blind_pairs (
  id TEXT PRIMARY KEY,
  evaluation_id TEXT NOT NULL REFERENCES evaluations(id) ON DELETE CASCADE,
  seq INTEGER NOT NULL,
  question TEXT NOT NULL,
  reference TEXT,
  base_answer TEXT NOT NULL,
  tuned_answer TEXT NOT NULL,
  -- Where the rater sees the tuned answer; never sent to the page before the pair is rated.
  tuned_side TEXT NOT NULL CHECK (tuned_side IN ('left','right')),
  choice TEXT CHECK (choice IN ('left','right','tie')),
  comment TEXT,
  rated_at TEXT,
  UNIQUE (evaluation_id, seq)
);
CREATE TABLE sign_offs (
  id TEXT PRIMARY KEY,
  evaluation_id TEXT NOT NULL REFERENCES evaluations(id) ON DELETE CASCADE,
  name TEXT NOT NULL CHECK (length(trim(name)) > 0),
  comment TEXT NOT NULL DEFAULT '',
  signed_at TEXT NOT NULL
);
CREATE INDEX sign_offs_evaluation ON sign_offs(evaluation_id);
`,
  },
  {
    version: 5,
    description: "the adapter's norm per step, so its chart survives a reload and the end of a run",
    sql: `ALTER TABLE run_metrics ADD COLUMN adapter_norm REAL;`,
  },
  {
    version: 6,
    description: "runs and run_attempts accept 'paused', so a paused run is still paused (and resumable) after a restart",
    // SQLite cannot alter a CHECK: both tables are rebuilt (https://sqlite.org/lang_altertable.html, "Making Other
    // Kinds Of Table Schema Changes"): new table, copy, drop, rename, indexes again, foreign keys off meanwhile.
    foreignKeysOff: true,
    sql: `
CREATE TABLE runs_v6 (
  id TEXT PRIMARY KEY,
  project_id TEXT REFERENCES projects(id) ON DELETE CASCADE,
  base_model_id TEXT REFERENCES base_models(id),
  dataset_id TEXT REFERENCES datasets(id) ON DELETE SET NULL,
  out_dir TEXT NOT NULL UNIQUE,
  config_json TEXT NOT NULL,
  status TEXT NOT NULL CHECK (status IN (${RUN_STATUSES_V6})),
  backend TEXT,
  worker_pid INTEGER,
  step INTEGER NOT NULL DEFAULT 0,
  total_steps INTEGER,
  model_sha256 TEXT,
  data_sha256 TEXT,
  error_json TEXT,
  result_json TEXT,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  started_at TEXT,
  ended_at TEXT
);
INSERT INTO runs_v6 (id, project_id, base_model_id, dataset_id, out_dir, config_json, status, backend, worker_pid, step, total_steps, model_sha256, data_sha256, error_json, result_json, created_at, updated_at, started_at, ended_at)
  SELECT id, project_id, base_model_id, dataset_id, out_dir, config_json, status, backend, worker_pid, step, total_steps, model_sha256, data_sha256, error_json, result_json, created_at, updated_at, started_at, ended_at FROM runs;
DROP TABLE runs;
ALTER TABLE runs_v6 RENAME TO runs;
CREATE INDEX runs_project ON runs(project_id);
CREATE INDEX runs_status ON runs(status);

CREATE TABLE run_attempts_v6 (
  run_id TEXT NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
  attempt INTEGER NOT NULL,
  started_at TEXT NOT NULL,
  ended_at TEXT,
  from_step INTEGER,
  status TEXT CHECK (status IN (${RUN_STATUSES_V6})),
  cause TEXT,
  -- What the out-of-memory step-down changed before this attempt, with its reason.
  change_json TEXT,
  PRIMARY KEY (run_id, attempt)
);
INSERT INTO run_attempts_v6 (run_id, attempt, started_at, ended_at, from_step, status, cause, change_json)
  SELECT run_id, attempt, started_at, ended_at, from_step, status, cause, change_json FROM run_attempts;
DROP TABLE run_attempts;
ALTER TABLE run_attempts_v6 RENAME TO run_attempts;
`,
  },
  {
    version: 7,
    description: "drafting question-answer pairs from documents: jobs, their passages (drafted or not), the drafts and their review",
    sql: `
CREATE TABLE draft_jobs (
  id TEXT PRIMARY KEY,
  project_id TEXT NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
  status TEXT NOT NULL CHECK (status IN ('running','paused','interrupted','finished','cancelled','failed')),
  model_path TEXT NOT NULL,
  model_name TEXT NOT NULL,
  model_sha256 TEXT NOT NULL,
  pairs INTEGER NOT NULL CHECK (pairs >= 1),
  -- The documents as copied into the job's folder: [{name, path, sha256}], in the order given.
  files_json TEXT NOT NULL,
  -- Null until the documents are read and split (at the job's first start, or its resume after a restart).
  passages_total INTEGER,
  problems_json TEXT NOT NULL DEFAULT '[]',
  error_json TEXT,
  -- Time spent drafting (for the estimate of the time left).
  drafting_ms INTEGER NOT NULL DEFAULT 0,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL
);
CREATE INDEX draft_jobs_project ON draft_jobs(project_id);

CREATE TABLE draft_passages (
  job_id TEXT NOT NULL REFERENCES draft_jobs(id) ON DELETE CASCADE,
  seq INTEGER NOT NULL,
  file TEXT NOT NULL,
  page INTEGER,
  start_offset INTEGER NOT NULL,
  end_offset INTEGER NOT NULL,
  text TEXT NOT NULL,
  -- Set in the same transaction as the passage's drafts: a passage is drafted once, and none is lost.
  done_at TEXT,
  PRIMARY KEY (job_id, seq)
);

CREATE TABLE drafts (
  id TEXT PRIMARY KEY,
  job_id TEXT NOT NULL REFERENCES draft_jobs(id) ON DELETE CASCADE,
  passage INTEGER NOT NULL,
  question TEXT NOT NULL,
  answer TEXT NOT NULL,
  drafted_question TEXT NOT NULL,
  drafted_answer TEXT NOT NULL,
  status TEXT NOT NULL CHECK (status IN ('pending','accepted','edited','rejected')),
  evidence_json TEXT NOT NULL,
  checks_json TEXT NOT NULL,
  created_at TEXT NOT NULL,
  reviewed_at TEXT
);
CREATE INDEX drafts_job_status ON drafts(job_id, status);
`,
  },
];

/** The schema version this build writes. */
export const SCHEMA_VERSION = MIGRATIONS.at(-1)!.version;
