"""The SQLite schema, as an ordered list of migrations.

``MIGRATIONS[k]`` moves a database from version ``k`` to ``k + 1``; the applied versions are
recorded in ``schema_version``. Never edit a released migration: append a new one.

Articles (and outlets) are shared by every comparison; every other table is keyed by the
comparison (story) id and deleted with it (``ON DELETE CASCADE``), which is how saving a
comparison again replaces its derived rows. ``position`` columns keep list order, so a
comparison reads back exactly as it was saved.
"""

from __future__ import annotations

SCHEMA_V1 = """
CREATE TABLE outlets (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    domains TEXT NOT NULL DEFAULT '[]',   -- JSON list
    aliases TEXT NOT NULL DEFAULT '[]',   -- JSON list
    country TEXT NOT NULL DEFAULT '',
    ownership TEXT NOT NULL DEFAULT 'unknown',
    funding TEXT NOT NULL DEFAULT '',
    kind TEXT NOT NULL DEFAULT ''
);

CREATE TABLE articles (
    id TEXT PRIMARY KEY,
    outlet TEXT NOT NULL DEFAULT '',
    outlet_id TEXT NOT NULL DEFAULT '',
    url TEXT NOT NULL DEFAULT '',
    title TEXT NOT NULL DEFAULT '',
    published TEXT,                        -- ISO 8601, NULL when unknown
    published_source TEXT NOT NULL DEFAULT 'unknown',
    language TEXT NOT NULL DEFAULT '',
    text TEXT NOT NULL,
    source TEXT NOT NULL DEFAULT '',
    notes TEXT NOT NULL DEFAULT '[]',      -- JSON list
    added TEXT NOT NULL
);
CREATE INDEX articles_outlet ON articles(outlet_id);
CREATE INDEX articles_published ON articles(published);

CREATE VIRTUAL TABLE articles_fts USING fts5(
    title, text, content='articles', content_rowid='rowid'
);
CREATE TRIGGER articles_fts_insert AFTER INSERT ON articles BEGIN
    INSERT INTO articles_fts(rowid, title, text) VALUES (new.rowid, new.title, new.text);
END;
CREATE TRIGGER articles_fts_delete AFTER DELETE ON articles BEGIN
    INSERT INTO articles_fts(articles_fts, rowid, title, text)
    VALUES ('delete', old.rowid, old.title, old.text);
END;
CREATE TRIGGER articles_fts_update AFTER UPDATE ON articles BEGIN
    INSERT INTO articles_fts(articles_fts, rowid, title, text)
    VALUES ('delete', old.rowid, old.title, old.text);
    INSERT INTO articles_fts(rowid, title, text) VALUES (new.rowid, new.title, new.text);
END;

CREATE TABLE comparisons (
    id TEXT PRIMARY KEY,                   -- the story id
    title TEXT NOT NULL DEFAULT '',
    created TEXT NOT NULL,                 -- first saved (ISO, UTC)
    updated TEXT NOT NULL,                 -- last saved (ISO, UTC)
    timings TEXT NOT NULL DEFAULT '{}'     -- JSON object
);

CREATE TABLE comparison_articles (
    comparison TEXT NOT NULL REFERENCES comparisons(id) ON DELETE CASCADE,
    position INTEGER NOT NULL,
    article TEXT NOT NULL REFERENCES articles(id),
    PRIMARY KEY (comparison, position),
    UNIQUE (comparison, article)
);
CREATE INDEX comparison_articles_article ON comparison_articles(article);

CREATE TABLE sentences (
    comparison TEXT NOT NULL REFERENCES comparisons(id) ON DELETE CASCADE,
    article TEXT NOT NULL REFERENCES articles(id),
    idx INTEGER NOT NULL,
    start INTEGER NOT NULL,
    "end" INTEGER NOT NULL,
    PRIMARY KEY (comparison, article, idx)
);

CREATE TABLE mentions (
    comparison TEXT NOT NULL REFERENCES comparisons(id) ON DELETE CASCADE,
    id TEXT NOT NULL,
    article TEXT NOT NULL REFERENCES articles(id),
    position INTEGER NOT NULL,
    start INTEGER NOT NULL,
    "end" INTEGER NOT NULL,
    text TEXT NOT NULL,
    label TEXT NOT NULL,
    head TEXT NOT NULL,
    sentence INTEGER NOT NULL,
    concept TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (comparison, id)
);

CREATE TABLE concepts (
    comparison TEXT NOT NULL REFERENCES comparisons(id) ON DELETE CASCADE,
    id TEXT NOT NULL,
    position INTEGER NOT NULL,
    name TEXT NOT NULL,
    kind TEXT NOT NULL,
    PRIMARY KEY (comparison, id)
);

CREATE TABLE concept_mentions (
    comparison TEXT NOT NULL,
    concept TEXT NOT NULL,
    position INTEGER NOT NULL,
    mention TEXT NOT NULL,
    PRIMARY KEY (comparison, concept, position),
    FOREIGN KEY (comparison, concept) REFERENCES concepts(comparison, id) ON DELETE CASCADE
);

CREATE TABLE times (
    comparison TEXT NOT NULL REFERENCES comparisons(id) ON DELETE CASCADE,
    id TEXT NOT NULL,                      -- "<article>:t<k>"
    article TEXT NOT NULL REFERENCES articles(id),
    position INTEGER,                      -- order in the analysis; NULL: only a claim's time
    start INTEGER NOT NULL,
    "end" INTEGER NOT NULL,
    text TEXT NOT NULL,
    value TEXT,
    end_value TEXT,
    granularity TEXT NOT NULL,
    anchored INTEGER NOT NULL,
    PRIMARY KEY (comparison, id)
);

CREATE TABLE quantities (
    comparison TEXT NOT NULL REFERENCES comparisons(id) ON DELETE CASCADE,
    id TEXT NOT NULL,                      -- "<article>:n<k>"
    article TEXT NOT NULL REFERENCES articles(id),
    position INTEGER,                      -- order in the analysis; NULL: only a claim's number
    start INTEGER NOT NULL,
    "end" INTEGER NOT NULL,
    text TEXT NOT NULL,
    value REAL NOT NULL,
    unit TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (comparison, id)
);

CREATE TABLE quotes (
    comparison TEXT NOT NULL REFERENCES comparisons(id) ON DELETE CASCADE,
    id TEXT NOT NULL,
    article TEXT NOT NULL REFERENCES articles(id),
    position INTEGER NOT NULL,
    start INTEGER NOT NULL,
    "end" INTEGER NOT NULL,
    text TEXT NOT NULL,
    speaker TEXT NOT NULL,
    speaker_start INTEGER,
    speaker_end INTEGER,
    speaker_concept TEXT NOT NULL DEFAULT '',
    direct INTEGER NOT NULL,
    sentence INTEGER NOT NULL,
    PRIMARY KEY (comparison, id)
);

CREATE TABLE claims (
    comparison TEXT NOT NULL REFERENCES comparisons(id) ON DELETE CASCADE,
    id TEXT NOT NULL,
    article TEXT NOT NULL REFERENCES articles(id),
    position INTEGER NOT NULL,
    start INTEGER NOT NULL,
    "end" INTEGER NOT NULL,
    sentence INTEGER NOT NULL,
    subject TEXT NOT NULL,
    predicate TEXT NOT NULL,
    object TEXT NOT NULL DEFAULT '',
    subject_concept TEXT NOT NULL DEFAULT '',
    object_concept TEXT NOT NULL DEFAULT '',
    predicate_start INTEGER,
    predicate_end INTEGER,
    time TEXT,                             -- times.id
    place TEXT NOT NULL DEFAULT '',
    status TEXT NOT NULL,
    negated INTEGER NOT NULL,
    attribution TEXT NOT NULL DEFAULT '',
    attribution_concept TEXT NOT NULL DEFAULT '',
    quoted INTEGER NOT NULL,
    PRIMARY KEY (comparison, id),
    FOREIGN KEY (comparison, time) REFERENCES times(comparison, id)
);
CREATE INDEX claims_predicate ON claims(predicate);

CREATE TABLE claim_numbers (
    comparison TEXT NOT NULL,
    claim TEXT NOT NULL,
    position INTEGER NOT NULL,
    quantity TEXT NOT NULL,
    PRIMARY KEY (comparison, claim, position),
    FOREIGN KEY (comparison, claim) REFERENCES claims(comparison, id) ON DELETE CASCADE,
    FOREIGN KEY (comparison, quantity) REFERENCES quantities(comparison, id)
);

CREATE TABLE alignments (
    comparison TEXT NOT NULL REFERENCES comparisons(id) ON DELETE CASCADE,
    id TEXT NOT NULL,
    position INTEGER NOT NULL,
    relation TEXT NOT NULL,
    label TEXT NOT NULL DEFAULT '',
    articles TEXT NOT NULL DEFAULT '[]',   -- JSON list of article ids
    conflicts TEXT NOT NULL DEFAULT '[]',  -- JSON list
    detail TEXT NOT NULL DEFAULT '',
    status_change INTEGER NOT NULL,
    PRIMARY KEY (comparison, id)
);

CREATE TABLE alignment_claims (
    comparison TEXT NOT NULL,
    alignment TEXT NOT NULL,
    position INTEGER NOT NULL,
    claim TEXT NOT NULL,
    PRIMARY KEY (comparison, alignment, position),
    FOREIGN KEY (comparison, alignment) REFERENCES alignments(comparison, id) ON DELETE CASCADE
);
CREATE INDEX alignment_claims_claim ON alignment_claims(comparison, claim);

CREATE TABLE omissions (
    comparison TEXT NOT NULL REFERENCES comparisons(id) ON DELETE CASCADE,
    position INTEGER NOT NULL,
    article TEXT NOT NULL REFERENCES articles(id),
    alignment TEXT NOT NULL,
    reported_by TEXT NOT NULL DEFAULT '[]',  -- JSON list of article ids
    PRIMARY KEY (comparison, position)
);

CREATE TABLE loaded_spans (
    comparison TEXT NOT NULL REFERENCES comparisons(id) ON DELETE CASCADE,
    position INTEGER NOT NULL,
    article TEXT NOT NULL REFERENCES articles(id),
    start INTEGER NOT NULL,
    "end" INTEGER NOT NULL,
    text TEXT NOT NULL,
    score REAL NOT NULL,
    kind TEXT NOT NULL,
    sentence INTEGER NOT NULL,
    PRIMARY KEY (comparison, position)
);

CREATE TABLE term_uses (
    comparison TEXT NOT NULL REFERENCES comparisons(id) ON DELETE CASCADE,
    position INTEGER NOT NULL,
    concept TEXT NOT NULL,
    article TEXT NOT NULL REFERENCES articles(id),
    term TEXT NOT NULL,
    count INTEGER NOT NULL,
    spans TEXT NOT NULL DEFAULT '[]',      -- JSON list of [article, start, end]
    PRIMARY KEY (comparison, position)
);

CREATE TABLE quote_shares (
    comparison TEXT NOT NULL REFERENCES comparisons(id) ON DELETE CASCADE,
    position INTEGER NOT NULL,
    speaker TEXT NOT NULL,
    speaker_concept TEXT NOT NULL DEFAULT '',
    article TEXT NOT NULL REFERENCES articles(id),
    direct INTEGER NOT NULL,
    reported INTEGER NOT NULL,
    characters INTEGER NOT NULL,
    PRIMARY KEY (comparison, position)
);

CREATE TABLE events (
    comparison TEXT NOT NULL REFERENCES comparisons(id) ON DELETE CASCADE,
    position INTEGER NOT NULL,
    event TEXT NOT NULL,                   -- alignments.id
    label TEXT NOT NULL DEFAULT '',
    article TEXT NOT NULL REFERENCES articles(id),
    claim TEXT NOT NULL,
    status TEXT NOT NULL,
    time TEXT,
    granularity TEXT,
    published TEXT,
    PRIMARY KEY (comparison, position)
);

CREATE TABLE brief_sentences (
    comparison TEXT NOT NULL REFERENCES comparisons(id) ON DELETE CASCADE,
    position INTEGER NOT NULL,
    text TEXT NOT NULL,
    kind TEXT NOT NULL,
    claims TEXT NOT NULL DEFAULT '[]',     -- JSON list of claim ids
    spans TEXT NOT NULL DEFAULT '[]',      -- JSON list of [article, start, end]
    PRIMARY KEY (comparison, position)
);
"""

# Version 2: what ingesting sources needs (issue 5). Every URL an article was found at (so a
# URL is fetched once), near-copies linked to the article they copy, the MinHash signature
# and LSH band keys of each article (a persistent LSH index: finding near-copy candidates is
# an indexed lookup, not a scan) and the outcome of each fetched source.
SCHEMA_V2 = """
CREATE TABLE article_urls (
    url TEXT PRIMARY KEY,                  -- normalized (courlan)
    article TEXT NOT NULL REFERENCES articles(id) ON DELETE CASCADE
);
CREATE INDEX article_urls_article ON article_urls(article);

CREATE TABLE article_links (
    article TEXT PRIMARY KEY REFERENCES articles(id) ON DELETE CASCADE,
    original TEXT NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
    kind TEXT NOT NULL DEFAULT 'near_copy',
    similarity REAL NOT NULL               -- estimated Jaccard of word shingles
);
CREATE INDEX article_links_original ON article_links(original);

CREATE TABLE article_minhash (
    article TEXT PRIMARY KEY REFERENCES articles(id) ON DELETE CASCADE,
    signature BLOB NOT NULL                -- uint32 hash values, little-endian
);

CREATE TABLE article_bands (
    band INTEGER NOT NULL,
    key INTEGER NOT NULL,                  -- 63-bit hash of the band's rows
    article TEXT NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
    PRIMARY KEY (band, key, article)
) WITHOUT ROWID;
CREATE INDEX article_bands_article ON article_bands(article);

CREATE TABLE ingest_sources (
    source TEXT PRIMARY KEY,               -- a URL (normalized), feed or file
    status TEXT NOT NULL,                  -- 'ok' or 'failed'
    article TEXT NOT NULL DEFAULT '',
    message TEXT NOT NULL DEFAULT '',
    checked TEXT NOT NULL                  -- ISO, UTC
);
"""

# Version 3: stories (issue 5). Each ingested article is filed under one story; the state of
# the online clusterer lives here so a later run continues the same stories with the same ids:
# the open stories' sums and recent members (``state``, see ``stories.persist``), the online
# document frequencies of hashed words and of names, and a few counters (``story_meta``).
# Closed stories keep their row and membership but no state. User corrections are kept:
# a merged story's id becomes an alias of the story it went into, and split-off articles are
# pinned to their new story (``pinned``), with the two stories kept apart (``story_apart``).
SCHEMA_V3 = """
CREATE TABLE stories (
    id TEXT PRIMARY KEY,
    title TEXT NOT NULL DEFAULT '',
    start TEXT,                            -- ISO 8601 in UTC, NULL when no member is dated
    "end" TEXT,
    status TEXT NOT NULL DEFAULT 'open',   -- 'open', 'closed' or 'merged'
    merged_into TEXT NOT NULL DEFAULT '',
    articles INTEGER NOT NULL DEFAULT 0,   -- members that are not near-copies
    copies INTEGER NOT NULL DEFAULT 0,     -- near-copies filed with their original
    last_joined INTEGER NOT NULL DEFAULT 0, -- story_meta.seq of the last change (LRU order)
    state BLOB,                            -- clusterer state of an open story, else NULL
    created TEXT NOT NULL,                 -- ISO, UTC
    updated TEXT NOT NULL
);
CREATE INDEX stories_status ON stories(status, last_joined);
CREATE INDEX stories_end ON stories("end");

CREATE TABLE story_articles (
    article TEXT PRIMARY KEY REFERENCES articles(id) ON DELETE CASCADE,
    story TEXT NOT NULL REFERENCES stories(id),
    seq INTEGER NOT NULL,                  -- filing order
    copy_of TEXT NOT NULL DEFAULT '',      -- the original when a near-copy
    pinned INTEGER NOT NULL DEFAULT 0      -- placed by a user (split): never moved
);
CREATE INDEX story_articles_story ON story_articles(story, seq);

CREATE TABLE story_aliases (
    alias TEXT PRIMARY KEY,                -- a merged story's id
    story TEXT NOT NULL                    -- the story it now belongs to
);

CREATE TABLE story_apart (
    a TEXT NOT NULL,                       -- two stories a user split: never merged again
    b TEXT NOT NULL,
    PRIMARY KEY (a, b)
) WITHOUT ROWID;

CREATE TABLE story_corrections (
    seq INTEGER PRIMARY KEY,
    kind TEXT NOT NULL,                    -- 'merge' or 'split'
    story TEXT NOT NULL,                   -- the surviving (merge) or new (split) story
    others TEXT NOT NULL DEFAULT '[]',     -- JSON: merged stories, or [split-from story]
    articles TEXT NOT NULL DEFAULT '[]',   -- JSON: moved articles (split)
    at TEXT NOT NULL
);

CREATE TABLE story_df (
    feature INTEGER PRIMARY KEY,           -- hashed word
    count INTEGER NOT NULL
);

CREATE TABLE story_name_df (
    name TEXT PRIMARY KEY,
    count INTEGER NOT NULL
) WITHOUT ROWID;

-- Counts not yet added into story_df / story_name_df: one appended row per filed article
-- (an update of a few hundred rows spread over a large table would make filing slower as
-- the store grows); folded into the tables every few thousand articles.
CREATE TABLE story_df_pending (
    seq INTEGER PRIMARY KEY,               -- the filing that counted them
    words BLOB NOT NULL,                   -- int32 hashed words, little-endian
    names TEXT NOT NULL                    -- JSON list of names
);

CREATE TABLE story_meta (
    key TEXT PRIMARY KEY,                  -- 'documents', 'clock', 'seq'
    value TEXT NOT NULL
);
"""

# Version 4: indexes for the web app's pages (issue 6, ``store.browse``): stories in listing
# order; an outlet's articles by publication time (with the id, so joins need no row), by
# registry id or, for outlets the registry does not know, by name; an article's findings.
SCHEMA_V4 = """
CREATE INDEX stories_listing ON stories(COALESCE("end", updated) DESC, last_joined DESC, id);
CREATE INDEX articles_outlet_published ON articles(outlet_id, published, id);
CREATE INDEX articles_unnamed_outlet ON articles(outlet, published, id) WHERE outlet_id = '';
CREATE INDEX omissions_article ON omissions(article, comparison);
CREATE INDEX term_uses_article ON term_uses(article, comparison);
CREATE INDEX quote_shares_article ON quote_shares(article, comparison);
"""

# Version 5: the story list's walk reads the index alone (issue 6, bench/bench_web.py): the
# listing order with every column the list filters on, so going past the stories a period or
# a deep page skips reads no table row (a 2019 period on 100k articles: 89 -> 15 ms).
SCHEMA_V5 = """
-- Schema v3 gained story_df_pending after it was first committed: a store made in between
-- says version 3 without it.
-- (The same text as in v3, comments included: SQLite keeps it as the table's definition.)
CREATE TABLE IF NOT EXISTS story_df_pending (
    seq INTEGER PRIMARY KEY,               -- the filing that counted them
    words BLOB NOT NULL,                   -- int32 hashed words, little-endian
    names TEXT NOT NULL                    -- JSON list of names
);
CREATE INDEX stories_listed ON stories(
    COALESCE("end", updated) DESC, last_joined DESC, id, start, "end", updated, status, articles,
    copies
);
"""

# Version 6: a claim says what it was read from (issue 13): a clause, or an event word alone
# (until now told apart by its id, "<article>:e<k>", which the backfill still reads).
SCHEMA_V6 = """
ALTER TABLE claims ADD COLUMN kind TEXT NOT NULL DEFAULT 'clause';
UPDATE claims SET kind = 'event' WHERE id LIKE '%:e%' AND id NOT LIKE '%:k%';
"""

# Version 7: a contradicted fact says which of its articles give the differing values (issue
# 13): a third outlet that reports the fact without the value does not contradict it.
SCHEMA_V7 = """
ALTER TABLE alignments ADD COLUMN disputed TEXT NOT NULL DEFAULT '[]';
"""

# Version 8: an alignment says what it holds (issue 13): a fact its sentences state, or the
# setting of an occasion they name (compare/setting.py).
SCHEMA_V8 = """
ALTER TABLE alignments ADD COLUMN kind TEXT NOT NULL DEFAULT 'statement';
"""

# Version 9: a time says which verb it dates (issue 13): "the story published Friday" dates
# the publishing, not the verb of the sentence around it.
SCHEMA_V9 = """
ALTER TABLE times ADD COLUMN verb TEXT NOT NULL DEFAULT '';
"""

# MIGRATIONS[k] takes a database from schema version k to k + 1.
MIGRATIONS: tuple[str, ...] = (
    SCHEMA_V1,
    SCHEMA_V2,
    SCHEMA_V3,
    SCHEMA_V4,
    SCHEMA_V5,
    SCHEMA_V6,
    SCHEMA_V7,
    SCHEMA_V8,
    SCHEMA_V9,
)

SCHEMA_VERSION = len(MIGRATIONS)
