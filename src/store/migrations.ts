/**
 * The schema, as an append-only list: migration N brings the database to `user_version` N.
 * Never edit a shipped step; add a new one.
 */
export const MIGRATIONS: readonly string[] = [
  // 1: feeds, what was seen, matched articles with full text, FTS, outbox.
  `
  CREATE TABLE feeds (
    id INTEGER PRIMARY KEY,
    url TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    lang TEXT,
    interval_ms INTEGER,
    origin TEXT NOT NULL DEFAULT 'config' CHECK (origin IN ('config', 'runtime')),
    paused INTEGER NOT NULL DEFAULT 0,
    removed_at TEXT,
    title TEXT,
    etag TEXT,
    last_modified TEXT,
    first_polled_at TEXT,
    last_polled_at TEXT,
    last_success_at TEXT,
    next_poll_at TEXT,
    consecutive_failures INTEGER NOT NULL DEFAULT 0,
    total_failures INTEGER NOT NULL DEFAULT 0,
    last_error_code TEXT,
    last_error TEXT,
    disabled_at TEXT
  );

  CREATE TABLE articles (
    id INTEGER PRIMARY KEY,
    url TEXT NOT NULL,
    canonical_url TEXT NOT NULL UNIQUE,
    content_hash TEXT NOT NULL,
    title TEXT NOT NULL,
    summary TEXT NOT NULL DEFAULT '',
    text TEXT NOT NULL,
    text_source TEXT NOT NULL CHECK (text_source IN ('jsonld', 'dom', 'feed')),
    author TEXT,
    lang TEXT,
    site_name TEXT,
    published_at TEXT,
    first_seen_at TEXT NOT NULL,
    analysis TEXT NOT NULL
  );
  CREATE INDEX articles_by_hash ON articles (content_hash);
  CREATE INDEX articles_by_date ON articles (coalesce(published_at, first_seen_at));

  CREATE TABLE article_sources (
    article_id INTEGER NOT NULL REFERENCES articles (id) ON DELETE CASCADE,
    feed_id INTEGER NOT NULL REFERENCES feeds (id) ON DELETE CASCADE,
    item_url TEXT,
    published_at TEXT,
    seen_at TEXT NOT NULL,
    PRIMARY KEY (article_id, feed_id)
  ) WITHOUT ROWID;
  CREATE INDEX article_sources_by_feed ON article_sources (feed_id);

  -- Every item key a feed has shown, matched or not, so no page is fetched twice.
  CREATE TABLE seen_items (
    feed_id INTEGER NOT NULL REFERENCES feeds (id) ON DELETE CASCADE,
    item_key TEXT NOT NULL,
    article_id INTEGER REFERENCES articles (id) ON DELETE SET NULL,
    seen_at TEXT NOT NULL,
    PRIMARY KEY (feed_id, item_key)
  ) WITHOUT ROWID;

  CREATE TABLE term_hits (
    article_id INTEGER NOT NULL REFERENCES articles (id) ON DELETE CASCADE,
    term_id TEXT NOT NULL,
    count INTEGER NOT NULL,
    snippets TEXT NOT NULL,
    PRIMARY KEY (article_id, term_id)
  ) WITHOUT ROWID;
  CREATE INDEX term_hits_by_term ON term_hits (term_id);

  CREATE TABLE article_topics (
    article_id INTEGER NOT NULL REFERENCES articles (id) ON DELETE CASCADE,
    topic_id TEXT NOT NULL,
    score REAL NOT NULL,
    reasons TEXT NOT NULL,
    PRIMARY KEY (article_id, topic_id)
  ) WITHOUT ROWID;
  CREATE INDEX article_topics_by_topic ON article_topics (topic_id);

  CREATE VIRTUAL TABLE articles_fts USING fts5 (
    title, text,
    content = 'articles', content_rowid = 'id',
    tokenize = 'unicode61 remove_diacritics 2'
  );
  CREATE TRIGGER articles_fts_insert AFTER INSERT ON articles BEGIN
    INSERT INTO articles_fts (rowid, title, text) VALUES (new.id, new.title, new.text);
  END;
  CREATE TRIGGER articles_fts_delete AFTER DELETE ON articles BEGIN
    INSERT INTO articles_fts (articles_fts, rowid, title, text) VALUES ('delete', old.id, old.title, old.text);
  END;
  CREATE TRIGGER articles_fts_update AFTER UPDATE OF title, text ON articles BEGIN
    INSERT INTO articles_fts (articles_fts, rowid, title, text) VALUES ('delete', old.id, old.title, old.text);
    INSERT INTO articles_fts (rowid, title, text) VALUES (new.id, new.title, new.text);
  END;

  -- Deliveries. 'digest-item' and 'email-item' rows wait for the next digest / daily email,
  -- which becomes its own row ('digest', 'email') holding the rendered payload; 'alert' rows are
  -- sent as they come. dedup_key makes "once per article x destination" a constraint.
  CREATE TABLE outbox (
    id INTEGER PRIMARY KEY,
    kind TEXT NOT NULL CHECK (kind IN ('digest-item', 'email-item', 'alert', 'digest', 'email')),
    destination TEXT NOT NULL,
    dedup_key TEXT NOT NULL UNIQUE,
    article_id INTEGER REFERENCES articles (id) ON DELETE CASCADE,
    parent_id INTEGER REFERENCES outbox (id) ON DELETE SET NULL,
    payload TEXT,
    status TEXT NOT NULL DEFAULT 'pending'
      CHECK (status IN ('pending', 'sending', 'sent', 'failed', 'included')),
    attempts INTEGER NOT NULL DEFAULT 0,
    next_attempt_at TEXT,
    parts_sent INTEGER NOT NULL DEFAULT 0,
    message_ids TEXT NOT NULL DEFAULT '[]',
    last_error TEXT,
    created_at TEXT NOT NULL,
    sent_at TEXT
  );
  CREATE INDEX outbox_by_status ON outbox (status, kind);

  CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID;
  `,
];
