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
  // 2: stories across outlets, their comparison keys, story updates in the outbox, trends.
  `
  -- A story is the event several articles report. announced_at is when it was first queued for
  -- a digest or an alert: a later article joining an announced story is an update, not news.
  CREATE TABLE stories (
    id INTEGER PRIMARY KEY,
    created_at TEXT NOT NULL,
    announced_at TEXT
  );
  ALTER TABLE articles ADD COLUMN story_id INTEGER REFERENCES stories (id) ON DELETE SET NULL;
  CREATE INDEX articles_by_story ON articles (story_id);

  -- What analyze/stories.ts compares, so candidates load without parsing the analysis JSON:
  -- at (ms since the epoch), the MinHash signature (64 little-endian uint32), entity ids and
  -- amounts (JSON arrays). Rows from migration 1 get theirs lazily, when a newer article looks
  -- for its story among them (store/stories.ts).
  CREATE TABLE story_keys (
    article_id INTEGER PRIMARY KEY REFERENCES articles (id) ON DELETE CASCADE,
    at INTEGER NOT NULL,
    signature BLOB NOT NULL,
    entities TEXT NOT NULL,
    amounts TEXT NOT NULL
  );
  CREATE INDEX story_keys_by_at ON story_keys (at);

  -- Articles stored before stories existed each become their own story (same id), announced
  -- when any announcement of theirs was queued.
  INSERT INTO stories (id, created_at, announced_at)
    SELECT a.id, a.first_seen_at,
      (SELECT min(o.created_at) FROM outbox o
       WHERE o.article_id = a.id AND o.kind IN ('digest-item', 'email-item', 'alert'))
    FROM articles a;
  UPDATE articles SET story_id = id;

  -- The kind CHECK of migration 1 stays: an update is a 'digest-item' / 'email-item' row whose
  -- story was already announced; its article's sources seen since created_at are what it adds.
  ALTER TABLE outbox ADD COLUMN story_update INTEGER NOT NULL DEFAULT 0
    CHECK (story_update IN (0, 1));

  -- Articles per UTC day of first sight, per watch term, per topic and in all ('articles', ''),
  -- kept by triggers in the transaction that stores the article. Deleting articles (prune)
  -- leaves the counts: a trend is history, not an index of what is still stored.
  CREATE TABLE trend_days (
    kind TEXT NOT NULL CHECK (kind IN ('articles', 'term', 'topic')),
    id TEXT NOT NULL,
    day TEXT NOT NULL,
    n INTEGER NOT NULL,
    PRIMARY KEY (kind, id, day)
  ) WITHOUT ROWID;
  CREATE INDEX trend_days_by_day ON trend_days (day);
  CREATE TRIGGER trend_articles AFTER INSERT ON articles BEGIN
    INSERT INTO trend_days (kind, id, day, n) VALUES ('articles', '', substr(new.first_seen_at, 1, 10), 1)
    ON CONFLICT (kind, id, day) DO UPDATE SET n = n + 1;
  END;
  CREATE TRIGGER trend_terms AFTER INSERT ON term_hits BEGIN
    INSERT INTO trend_days (kind, id, day, n)
      SELECT 'term', new.term_id, substr(first_seen_at, 1, 10), 1 FROM articles WHERE id = new.article_id
    ON CONFLICT (kind, id, day) DO UPDATE SET n = n + 1;
  END;
  CREATE TRIGGER trend_topics AFTER INSERT ON article_topics BEGIN
    INSERT INTO trend_days (kind, id, day, n)
      SELECT 'topic', new.topic_id, substr(first_seen_at, 1, 10), 1 FROM articles WHERE id = new.article_id
    ON CONFLICT (kind, id, day) DO UPDATE SET n = n + 1;
  END;
  INSERT INTO trend_days (kind, id, day, n)
    SELECT 'articles', '', substr(first_seen_at, 1, 10), count(*) FROM articles GROUP BY 3;
  INSERT INTO trend_days (kind, id, day, n)
    SELECT 'term', t.term_id, substr(a.first_seen_at, 1, 10), count(*)
    FROM term_hits t JOIN articles a ON a.id = t.article_id GROUP BY 2, 3;
  INSERT INTO trend_days (kind, id, day, n)
    SELECT 'topic', t.topic_id, substr(a.first_seen_at, 1, 10), count(*)
    FROM article_topics t JOIN articles a ON a.id = t.article_id GROUP BY 2, 3;
  `,
  // 3: an article's date readable from an index by id, so search can check "since" per match
  // without reading the 3 KB row.
  `
  CREATE INDEX articles_date_by_id ON articles (id, coalesce(published_at, first_seen_at));
  `,
  // 4: the indexed words longer than 3 characters, accent-folded, so search can expand a prefix
  // (« souverain ») into the exact words that start with it instead of making FTS5 merge every
  // matching doclist of the index. Kept by store/articles.ts when an article is saved (pruning
  // leaves them: a word no article holds any more costs an empty lookup); filled here from the
  // FTS index itself.
  `
  CREATE TABLE search_terms (id INTEGER PRIMARY KEY, term TEXT NOT NULL UNIQUE);
  CREATE VIRTUAL TABLE temp.search_terms_vocab USING fts5vocab (main, articles_fts, 'row');
  INSERT OR IGNORE INTO search_terms (term)
    SELECT term FROM temp.search_terms_vocab WHERE length(term) > 3 AND term GLOB '*[^0-9]*';
  DROP TABLE temp.search_terms_vocab;
  `,
];
