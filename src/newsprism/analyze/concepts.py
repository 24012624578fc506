"""Concept linking: group mentions across the articles of a story, whatever words each uses.

Rules, applied in order over all mentions of the story (union-find):

1. names: entity mentions (and proper-noun phrases the entity recogniser missed) are keyed by
   a normalised name (ASCII, lower case, no dots, honorifics and possessives dropped, shipped
   variants such as Kiev -> kyiv or U.S. -> united states applied); equal keys join;
2. spelling and transliteration variants join when every word pair has the same consonant
   skeleton and a close spelling (Zelenskiy / Zelensky, Mahmud / Mahmoud Abbas), or a very close
   spelling alone; an acronym joins the name it abbreviates (UN -> United Nations);
3. partial names join the full name that ends (or starts) with them: Guterres -> Antonio
   Guterres, Mr. Kim -> Kim Jong Un; with several candidates, the one in the same article wins;
4. titles and descriptions: a noun phrase around a name ("UN Secretary-General Antonio
   Guterres", "its leader, Kim Jong-un") joins the name and teaches the story that role
   (head word and modifiers, e.g. "secretary general" + {un}); a description without a name
   ("the UN chief", "the Russian president", "the dictator") joins the holder of a compatible
   role (same or synonymous head, modifiers covered by what the story says of the holder),
   preferring holders named in the same article;
5. "the committee" joins the nearest organisation named before it in the same article whose
   name ends in that word ("Democratic National Committee");
6. other noun phrases join those with the same head word in the story ("the deal", "the Iran
   deal"; or the same normalised words, per settings), a noun phrase that spells a name joins
   it ("the BRICS summit" = "BRICS Summit"), demonyms join their country ("Russian" ->
   Russia) and, if the settings say so, capitals theirs ("Moscow" -> Russia).

Embeddings are not used: on single head words MiniLM's cosine does not separate synonyms
from related words (deal/agreement 0.43, campaign/election 0.68).

Then quotes and claims take the concepts of the mentions their speaker, subject, object and
attribution overlap, or whose words they match.
"""

from __future__ import annotations

import json
import re
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

from rapidfuzz.distance import Indel
from unidecode import unidecode

from newsprism.model import Article, ArticleAnalysis, Concept, Mention
from newsprism.settings import ConceptSettings

NAME_LABELS = frozenset(
    {"PERSON", "ORG", "GPE", "NORP", "LOC", "FAC", "EVENT", "PRODUCT", "WORK_OF_ART", "LAW"}
)
PLACE_LABELS = frozenset({"GPE", "LOC"})
PERSON_PRONOUNS = frozenset({"he", "she", "him", "her"})
# Kinds in tie order when a concept's mentions carry several entity labels.
KIND_ORDER = ("GPE", "PERSON", "ORG", "NORP", "LOC", "FAC", "EVENT", "LAW", "PRODUCT")
_STOP = frozenset({"the", "a", "an", "of", "and", "s", "for", "in", "on", "at", "to", "its"})
_VOWELS = re.compile(r"[aeiouy]")


@dataclass(frozen=True)
class AliasData:
    names: dict[str, str]
    demonyms: dict[str, str]
    capitals: dict[str, str]
    role_groups: tuple[frozenset[str], ...]
    honorifics: tuple[str, ...]  # longest first


@lru_cache(maxsize=1)
def alias_data() -> AliasData:
    """The shipped alias table (``newsprism/data/aliases.json``), loaded once."""
    raw = json.loads(
        resources.files("newsprism").joinpath("data/aliases.json").read_text(encoding="utf-8")
    )
    honorifics = sorted(raw["honorifics"], key=lambda h: (-len(h.split()), h))
    return AliasData(
        names=dict(raw["names"]),
        demonyms=dict(raw["demonyms"]),
        capitals=dict(raw["capitals"]),
        role_groups=tuple(frozenset(group) for group in raw["roles"]),
        honorifics=tuple(honorifics),
    )


@lru_cache(maxsize=65536)
def normalise(text: str) -> str:
    """ASCII, lower case, no dots or possessives, hyphens as spaces, single spaces."""
    text = unidecode(text).lower()
    text = re.sub(r"'s\b|'\B", "", text)
    text = re.sub(r"(?<=\b[a-z])\.(?=[a-z]\b)", "", text)  # u.s. -> us., c.i.a -> cia
    text = text.replace(".", "")
    text = re.sub(r"[^a-z0-9]+", " ", text)
    return " ".join(text.split())


def _drop_leading(words: list[str], phrases: Iterable[str]) -> list[str]:
    changed = True
    while changed and words:
        changed = False
        for phrase in phrases:
            parts = phrase.split()
            if len(parts) < len(words) and words[: len(parts)] == parts:
                words = words[len(parts) :]
                changed = True
                break
    return words


def name_key(text: str, aliases: AliasData) -> str:
    """The normalised name a mention is grouped by ("Mr. Kim's" -> "kim")."""
    norm = normalise(text)
    if norm in aliases.names:
        return aliases.names[norm]
    words = norm.split()
    if words and words[0] == "the":
        words = words[1:]
    words = _drop_leading(words, aliases.honorifics)
    key = " ".join(words)
    return aliases.names.get(key, key)


NAME_SUFFIXES = frozenset({"jr", "sr", "ii", "iii", "iv"})


def _surname(words: list[str]) -> str:
    """The last word of a name's key that is no suffix: "jesse jackson jr" -> "jackson"."""
    end = len(words)
    while end > 1 and words[end - 1] in NAME_SUFFIXES:
        end -= 1
    return words[end - 1]


def _skeleton(word: str) -> str:
    return word[:1] + _VOWELS.sub("", word[1:]).replace("h", "")


def _word_variant(a: str, b: str, settings: ConceptSettings) -> bool:
    if a == b:
        return True
    if min(len(a), len(b)) < settings.min_variant_chars or a[0] != b[0]:
        return False
    if len(a) == len(b) and a[:-1] == b[:-1]:  # Maria / Mario: another person
        return False
    similarity = Indel.normalized_similarity(a, b)
    if _skeleton(a) == _skeleton(b) and similarity >= settings.skeleton_similarity:
        return True
    return similarity >= settings.spelling_similarity


def _name_variant(a: str, b: str, settings: ConceptSettings) -> bool:
    wa, wb = a.split(), b.split()
    return len(wa) == len(wb) and all(
        _word_variant(x, y, settings) for x, y in zip(wa, wb, strict=True)
    )


def _initials_variant(a: str, b: str) -> bool:
    """One name with and without middle initials: "susan e rice" / "susan rice", "jesse l
    jackson jr" / "jesse jackson jr" (the same given name, surname and suffix, every other
    word of the longer a single letter)."""
    wa, wb = a.split(), b.split()
    tails = [[w for w in words[1:] if w in NAME_SUFFIXES] for words in (wa, wb)]
    if tails[0] != tails[1]:
        return False  # Jesse Jackson Jr. is not Jesse L. Jackson, his father
    short, long = sorted(
        ([w for w in wa if w not in NAME_SUFFIXES], [w for w in wb if w not in NAME_SUFFIXES]),
        key=len,
    )
    if len(short) < 2 or len(short) == len(long) or short[0] != long[0] or short[-1] != long[-1]:
        return False
    rest = iter(long)
    extra = [w for w in short if w not in rest]  # short must be a subsequence of long
    if extra:
        return False
    return all(len(w) == 1 for w in long if w not in short)


def _acronym(key: str) -> str:
    words = [w for w in key.split() if w not in _STOP]
    return "".join(w[0] for w in words) if len(words) >= 2 else ""


class _Groups:
    """Union-find over mention indices; the smaller index is the root (stable ids)."""

    def __init__(self, n: int) -> None:
        self.parent = list(range(n))

    def find(self, i: int) -> int:
        while self.parent[i] != i:
            self.parent[i] = self.parent[self.parent[i]]
            i = self.parent[i]
        return i

    def union(self, i: int, j: int) -> None:
        a, b = self.find(i), self.find(j)
        if a != b:
            self.parent[max(a, b)] = min(a, b)


def _role_words(text: str, aliases: AliasData) -> tuple[str, frozenset[str]]:
    """Split a role phrase into its head ("secretary general") and modifier words ({"un"})."""
    norm = normalise(text)
    for demonym in sorted(aliases.demonyms, key=lambda d: -len(d)):
        norm = re.sub(rf"\b{re.escape(demonym)}\b", aliases.demonyms[demonym], norm)
    words = [w for w in norm.split() if w not in _STOP]
    if not words:
        return "", frozenset()
    heads = sorted({h for group in aliases.role_groups for h in group}, key=lambda h: -len(h))
    joined = " ".join(words)
    for head in heads:
        if joined == head or joined.endswith(" " + head):
            rest = joined[: len(joined) - len(head)].split()
            return head, frozenset(_expand_modifiers(rest, aliases))
    return words[-1], frozenset(_expand_modifiers(words[:-1], aliases))


def _expand_modifiers(words: list[str], aliases: AliasData) -> set[str]:
    out: set[str] = set()
    for word in words:
        out.add(word)
        out.update(aliases.names.get(word, word).split())
    return out


def _heads_compatible(a: str, b: str, aliases: AliasData) -> bool:
    if a == b or a.rstrip("s") == b.rstrip("s"):
        return True
    return any(a in group and b in group for group in aliases.role_groups)


def _is_role_head(head: str, aliases: AliasData, settings: ConceptSettings) -> bool:
    return head in settings.actor_heads or any(head in group for group in aliases.role_groups)


def _contains(outer: Mention, inner: Mention) -> bool:
    return outer.start <= inner.start and inner.end <= outer.end and outer is not inner


def link_concepts(
    articles: list[Article], analyses: list[ArticleAnalysis], settings: ConceptSettings
) -> list[Concept]:
    """Group the mentions of a story's articles into concepts; set every ``.concept`` field.

    Sets ``Mention.concept`` for every mention, ``Quote.speaker_concept``, and
    ``Claim.subject_concept`` / ``object_concept`` / ``attribution_concept`` where they can be
    resolved, and returns the concepts numbered ``c0, c1, ...`` by first appearance (article
    order, then offset).
    """
    aliases = alias_data()
    order = {a.id: k for k, a in enumerate(articles)}
    by_article = {an.article: an for an in analyses}
    texts = {a.id: a.text for a in articles}
    mentions: list[Mention] = sorted(
        (m for an in analyses for m in an.mentions),
        key=lambda m: (order.get(m.article, len(order)), m.start, -m.end, m.id),
    )
    n = len(mentions)
    groups = _Groups(n)
    index_of = {id(m): i for i, m in enumerate(mentions)}

    # Nesting: which mentions sit inside which, per article.
    per_article: dict[str, list[int]] = defaultdict(list)
    for i, m in enumerate(mentions):
        per_article[m.article].append(i)

    inner_cache: dict[int, list[int]] = {}

    def inner_names(i: int) -> list[int]:
        if i not in inner_cache:
            outer = mentions[i]
            inner_cache[i] = [
                j
                for j in per_article[outer.article]
                if _contains(outer, mentions[j]) and mentions[j].label in NAME_LABELS
            ]
        return inner_cache[i]

    # 1. names -----------------------------------------------------------------------------
    is_name = [False] * n
    keys = [""] * n
    for i, m in enumerate(mentions):
        proper = m.label in NAME_LABELS or (
            m.label == "NP"
            and m.text[:1].isupper()
            and not inner_names(i)
            and _looks_proper(m.text)
        )
        if proper:
            key = name_key(m.text, aliases)
            if key and not key.isdigit() and not _title_only(key, aliases, settings):
                is_name[i], keys[i] = True, key
    first_with_key: dict[str, int] = {}
    for i in range(n):
        if is_name[i]:
            if keys[i] in first_with_key:
                groups.union(first_with_key[keys[i]], i)
            else:
                first_with_key[keys[i]] = i

    # 2. variants and acronyms -----------------------------------------------------------------
    distinct = sorted(first_with_key, key=lambda k: first_with_key[k])
    for x, a in enumerate(distinct):
        for b in distinct[x + 1 :]:
            if _name_variant(a, b, settings) or _initials_variant(a, b):
                groups.union(first_with_key[a], first_with_key[b])
    for key in distinct:
        short = _acronym(key)
        if short and short in first_with_key:
            groups.union(first_with_key[key], first_with_key[short])

    # 3. partial names -> full person names ------------------------------------------------
    person_votes: Counter[int] = Counter()
    for i in range(n):
        if is_name[i] and mentions[i].label == "PERSON":
            person_votes[groups.find(i)] += 1
    full_names: list[tuple[list[str], int]] = [
        (keys[first_with_key[k]].split(), first_with_key[k])
        for k in distinct
        if len(k.split()) >= 2 and person_votes[groups.find(first_with_key[k])] > 0
    ]
    place_names: list[tuple[list[str], int]] = [
        (k.split(), first_with_key[k])
        for k in distinct
        if len(k.split()) >= 2 and mentions[first_with_key[k]].label in PLACE_LABELS
    ]
    for i in range(n):
        if not is_name[i] or len(keys[i].split()) != 1:
            continue
        if mentions[i].label == "NORP" and normalise(mentions[i].text) in aliases.demonyms:
            continue
        word = keys[i]
        if mentions[i].label in PLACE_LABELS:  # "the North" -> North Korea
            candidates = {groups.find(j) for words, j in place_names if words[0] == word}
            surnamed = candidates
        else:
            surnamed = {
                groups.find(j)
                for words, j in full_names
                if _word_variant(_surname(words), word, settings)
            }
            candidates = surnamed | {groups.find(j) for words, j in full_names if words[0] == word}
        if not candidates:
            continue
        if any(groups.find(j) == groups.find(i) for _, j in full_names):
            # Every "Jackson" of the story is one group (step 1): once it stands for one full
            # name it joins no second, or "Sandra Jackson" and "Jesse Jackson Jr." would
            # become one person through it.
            continue
        article = mentions[i].article
        in_article = [j for j in per_article[article] if groups.find(j) in candidates]
        named_at = {groups.find(j): mentions[j].start for j in reversed(in_article)}
        # A surname before a given name ("Trump" is Donald Trump, not the headline's "Trump
        # Hates"), then the person the article names first: "Jackson" after "Jesse Jackson
        # Jr. ... his wife, Sandra Jackson" is Jesse Jackson Jr. (a second person of that
        # name is named in full), though Sandra's full name may come up more often.
        best = min(
            candidates,
            key=lambda root: (
                root not in surnamed,
                named_at.get(root, len(texts.get(article, ""))),
                -person_votes[root],
                root,
            ),
        )
        groups.union(best, i)

    # 4. titles, appositions and descriptions ------------------------------------------------
    roles: list[tuple[str, frozenset[str], int, str]] = []  # head, modifiers, mention, article
    resolved: set[int] = set()  # descriptions already tied to a name
    for i, m in enumerate(mentions):
        if m.label != "NP":
            continue
        names = [
            j for j in inner_names(i) if mentions[j].label == "PERSON" or mentions[j].head == m.head
        ]
        people = [j for j in names if mentions[j].label == "PERSON"]
        holder = next((j for j in names if mentions[j].head == m.head), None)
        if len(people) > 1:  # "President X and leader Y" describes no one person
            holder = None
        if holder is not None:
            groups.union(holder, i)
            resolved.add(i)
            inner = mentions[holder]
            rest = (
                texts[m.article][m.start : inner.start] + " " + texts[m.article][inner.end : m.end]
            )
            head, mods = _role_words(rest, aliases)
            if head and mentions[holder].label == "PERSON":
                roles.append((head, mods, holder, m.article))
    # Appositions: "its leader, Kim Jong-un" / "Kim Jong-un, the North Korean leader,".
    for article, idxs in per_article.items():
        text = texts.get(article, "")
        for p, q in zip(idxs, idxs[1:], strict=False):
            first, second = mentions[p], mentions[q]
            gap = text[first.end : second.start]
            if gap.strip() != "," or _contains(first, second):
                continue
            for desc, name in ((first, second), (second, first)):
                if (
                    desc.label == "NP"
                    and name.label == "PERSON"
                    and not inner_names(index_of[id(desc)])
                    and _is_role_head(desc.head, aliases, settings)
                ):
                    head, mods = _role_words(desc.text, aliases)
                    groups.union(index_of[id(name)], index_of[id(desc)])
                    resolved.add(index_of[id(desc)])
                    roles.append((head, mods, index_of[id(name)], article))
    # What the story says of each holder: all role modifiers and heads, per group.
    holder_mods: dict[int, set[str]] = defaultdict(set)
    holder_heads: dict[int, set[str]] = defaultdict(set)
    for head, mods, j, _article in roles:
        root = groups.find(j)
        holder_mods[root].update(mods)
        holder_heads[root].add(head)
    mention_count: Counter[int] = Counter(groups.find(i) for i in range(n))
    # The words of each holder's names ("north korea" is not a name word of Kim; "kim" is).
    holder_names: dict[int, set[str]] = defaultdict(set)
    for i in range(n):
        if is_name[i] and groups.find(i) in holder_heads:
            holder_names[groups.find(i)].update(keys[i].split())
    for i, m in enumerate(mentions):
        if m.label != "NP" or is_name[i] or i in resolved:
            continue
        if any(mentions[j].label == "PERSON" for j in inner_names(i)):
            continue
        if not _is_role_head(m.head, aliases, settings) or not holder_heads:
            continue
        head, mods = _role_words(m.text, aliases)
        if not head or _plural(m):  # "world leaders" stands for no one person
            continue
        same_article = {groups.find(j) for j in per_article[m.article]}
        holders = [
            root
            for root, heads in holder_heads.items()
            if any(_heads_compatible(head, h, aliases) for h in heads)
            and mods <= holder_mods[root] | holder_names[root]
        ]
        if not settings.resolve_bare_roles and not mods:
            holders = []
        if holders:
            best = min(
                holders,
                key=lambda root: (
                    head not in holder_heads[root],  # the same title before a synonym
                    groups.find(root) not in same_article,
                    -mention_count[root],
                    root,
                ),
            )
            groups.union(best, i)

    # Definite descriptions of organisations: "the committee" after "Democratic National
    # Committee" in the same article takes the nearest such name before it.
    if settings.head_matches_name:
        for i, m in enumerate(mentions):
            if m.label != "NP" or is_name[i] or i in resolved or groups.find(i) != i:
                continue
            if _plural(m) or inner_names(i) or len(normalise(m.text).split()) > 2:
                continue
            before = [
                j
                for j in per_article[m.article]
                if j < i
                and is_name[j]
                and mentions[j].label in {"ORG", "NORP", "FAC", "EVENT", "LAW"}
                and len(keys[j].split()) >= 2
                and keys[j].split()[-1] == m.head
            ]
            if before:
                groups.union(before[-1], i)
                resolved.add(i)

    # 5. other noun phrases and demonyms -------------------------------------------------------
    phrase_first: dict[str, int] = {}
    for i, m in enumerate(mentions):
        if is_name[i] or groups.find(i) != i or m.label != "NP":
            continue
        named = name_key(m.text, aliases)
        if named in first_with_key:  # "the BRICS summit" = the entity "BRICS Summit"
            groups.union(first_with_key[named], i)
        key = _phrase_key(m.text, settings)
        if not key:
            continue
        if key in phrase_first:
            groups.union(phrase_first[key], i)
        else:
            phrase_first[key] = i
    if settings.join_capitals:
        for i, m in enumerate(mentions):
            if is_name[i] and m.label in PLACE_LABELS:
                country = aliases.capitals.get(keys[i])
                if country and country in first_with_key:
                    groups.union(first_with_key[country], i)
    if settings.join_demonyms:
        for i, m in enumerate(mentions):
            if m.label == "NORP":
                place = aliases.demonyms.get(normalise(m.text))
                if place and place in first_with_key:
                    groups.union(first_with_key[place], i)

    concepts = _build_concepts(mentions, groups, is_name)
    _link_quotes_and_claims(articles, by_article, mentions)
    return concepts


def _plural(m: Mention) -> bool:
    words = normalise(m.text).split()
    return bool(words) and words[-1] != m.head and words[-1].endswith("s")


def _title_only(key: str, aliases: AliasData, settings: ConceptSettings) -> bool:
    """Whether a capitalised phrase is only a title ("President", "Secretary-General")."""
    return (
        key in aliases.honorifics
        or key in settings.actor_heads
        or any(key in group for group in aliases.role_groups)
    )


def _looks_proper(text: str) -> bool:
    words = [w for w in re.split(r"[\s-]+", text) if w[:1].isalpha()]
    return bool(words) and all(w[:1].isupper() for w in words)


def _phrase_key(text: str, settings: ConceptSettings) -> str:
    words = [w for w in normalise(text).split() if w not in _STOP]
    if not words:
        return ""
    if settings.phrase_key == "head":
        return words[-1].rstrip("s")
    return " ".join(w.rstrip("s") if k == len(words) - 1 else w for k, w in enumerate(words))


def _build_concepts(mentions: list[Mention], groups: _Groups, is_name: list[bool]) -> list[Concept]:
    aliases = alias_data()
    places = set(aliases.capitals) | set(aliases.capitals.values()) | set(aliases.demonyms.values())
    members: dict[int, list[int]] = defaultdict(list)
    for i in range(len(mentions)):
        members[groups.find(i)].append(i)
    concepts: list[Concept] = []
    for k, root in enumerate(sorted(members)):
        idxs = members[root]
        cid = f"c{k}"
        for i in idxs:
            mentions[i].concept = cid
        labels = Counter(mentions[i].label for i in idxs if mentions[i].label != "NP")
        if labels:
            kind = min(
                labels,
                key=lambda lab: (
                    -labels[lab],
                    KIND_ORDER.index(lab) if lab in KIND_ORDER else len(KIND_ORDER),
                    lab,
                ),
            )
        else:
            kind = "NP"
        names = [mentions[i].text for i in idxs if is_name[i] and mentions[i].label != "NORP"]
        if names:  # the most complete proper name
            counts = Counter(names)
            name = min(counts, key=lambda t: (-len(t.split()), -counts[t], names.index(t)))
        else:  # the words used most, the plainest on a tie ("efforts", not "Russia's efforts")
            pool = [mentions[i].text for i in idxs]
            counts = Counter(pool)
            name = min(counts, key=lambda t: (-counts[t], len(t.split()), pool.index(t)))
        # A full name's own label beats the votes of its short forms ("Guterres" as ORG).
        named = [i for i in idxs if mentions[i].text == name and mentions[i].label != "NP"]
        if named and len(name.split()) > 1:
            kind = mentions[named[0]].label
        if normalise(name) in places:  # a known capital or country, whatever the tagger said
            kind = "GPE"
        concepts.append(
            Concept(id=cid, name=name, kind=kind, mentions=[mentions[i].id for i in idxs])
        )
    return concepts


def _best_overlap(start: int, end: int, candidates: list[Mention]) -> Mention | None:
    best: Mention | None = None
    best_key: tuple[int, int, int] = (0, 0, 0)
    for m in candidates:
        overlap = min(end, m.end) - max(start, m.start)
        if overlap <= 0:
            continue
        key = (overlap, 1 if m.label != "NP" else 0, -(m.end - m.start))
        if best is None or key > best_key:
            best, best_key = m, key
    return best


def _concept_for_words(
    words: str, article_mentions: list[Mention], before: int | None = None
) -> str:
    """The concept whose mention in this article matches ``words`` best, or ''."""
    norm = normalise(words)
    if not norm:
        return ""
    if norm in PERSON_PRONOUNS and before is not None:
        people = [m for m in article_mentions if m.label == "PERSON" and m.start < before]
        return people[-1].concept if people else ""
    exact = [m for m in article_mentions if normalise(m.text) == norm]
    if exact:
        return exact[0].concept
    # A short form of a name the article gives in full ("Guterres" -> "Antonio Guterres").
    fuller = [
        m
        for m in article_mentions
        if m.label != "NP" and f" {norm} " in f" {normalise(m.text)} " and len(norm) > 2
    ]
    if fuller:
        fuller.sort(key=lambda m: (m.label != "PERSON", m.start))
        return fuller[0].concept
    padded = f" {norm} "
    inside = [
        m for m in article_mentions if normalise(m.text) and f" {normalise(m.text)} " in padded
    ]
    if inside:
        # The head of an English phrase comes last: prefer the mention ending the words. In
        # an apposition the person is the head, whichever side ("Representative Robert W.
        # Goodlatte, Republican of Virginia", "His wife, Sandra Jackson").
        apposition = "," in words
        inside.sort(
            key=lambda m: (
                apposition and m.label != "PERSON",
                not padded.endswith(f" {normalise(m.text)} "),
                -len(m.text),
                m.start,
            )
        )
        return inside[0].concept
    return ""


def _link_quotes_and_claims(
    articles: list[Article],
    by_article: dict[str, ArticleAnalysis],
    mentions: list[Mention],
) -> None:
    """Set the speaker, subject, object and attribution concepts of quotes and claims."""
    per_article: dict[str, list[Mention]] = defaultdict(list)
    for m in mentions:
        per_article[m.article].append(m)
    for article in articles:
        analysis = by_article.get(article.id)
        if analysis is None:
            continue
        own = per_article[article.id]
        for quote in analysis.quotes:
            concept = ""
            if quote.speaker_start is not None and quote.speaker_end is not None:
                hit = _best_overlap(quote.speaker_start, quote.speaker_end, own)
                concept = hit.concept if hit else ""
            if not concept and quote.speaker:
                concept = _concept_for_words(
                    quote.speaker,
                    own,
                    quote.speaker_start if quote.speaker_start is not None else quote.start,
                )
            quote.speaker_concept = concept
        for claim in analysis.claims:
            local = [m for m in own if claim.start <= m.start and m.end <= claim.end] or own

            claim.subject_concept = _resolve(claim.subject, local, own, claim.start)
            claim.object_concept = _resolve(claim.object, local, own, claim.start)
            claim.attribution_concept = _resolve(claim.attribution, local, own, claim.start)


def _resolve(words: str, local: list[Mention], own: list[Mention], at: int) -> str:
    """The concept of a claim's words: among the claim's own mentions, else the article's."""
    if not words:
        return ""
    return _concept_for_words(words, local, at) or _concept_for_words(words, own, at)
