"""Framing: the words each outlet uses for the same concept, and whose quotes get space.

``term_uses`` lists, for every concept that two or more articles mention, or that one
article names (an entity among its mentions) with two or more different words, the words
each article uses for it ("Kyiv" / "Kiev",
"the UN chief" / "Antonio Guterres"), with counts and spans. A mention nested inside a longer
mention of the same concept ("Vladimir Putin" inside "Russian President Vladimir Putin")
counts once, as the longer words.

``quote_balance`` counts, per article and speaker, the direct and reported quotes and the
characters quoted.
"""

from __future__ import annotations

from collections import defaultdict

from newsprism.model import Article, ArticleAnalysis, Concept, Mention, QuoteShare, Span, TermUse


def _concept_rank(concept_id: str) -> tuple[int, str]:
    digits = concept_id[1:]
    return (int(digits), concept_id) if digits.isdigit() else (1 << 30, concept_id)


def _term_key(text: str) -> str:
    return " ".join(text.split()).casefold()


def _outermost(mentions: list[Mention], article_mentions: list[Mention]) -> list[Mention]:
    """Mentions of one concept in one article that stand as words of their own.

    A mention inside a longer mention of the same concept is dropped, and so is an adjective
    of nationality inside any longer mention ("Russian" in "Russian President").
    """
    kept: list[Mention] = []
    for m in sorted(mentions, key=lambda m: (m.start, -m.end, m.id)):
        nested = any(
            o is not m
            and o.start <= m.start
            and m.end <= o.end
            and (o.end - o.start) > (m.end - m.start)
            and (o.concept == m.concept or m.label == "NORP")
            for o in article_mentions
        )
        if not nested:
            kept.append(m)
    return kept


def term_uses(
    articles: list[Article], analyses: list[ArticleAnalysis], concepts: list[Concept]
) -> list[TermUse]:
    """The words each article uses for each shared or variously named concept.

    Sorted by concept (``c0, c1, ...``), then article order, then count (most first), then
    the words. The term shown is the most frequent spelling of the words (case folded when
    grouping); ``spans`` holds every occurrence.
    """
    order = {a.id: k for k, a in enumerate(articles)}
    known = {c.id for c in concepts}
    by_concept: dict[str, dict[str, list[Mention]]] = defaultdict(lambda: defaultdict(list))
    article_mentions = {an.article: an.mentions for an in analyses}
    for analysis in analyses:
        for m in analysis.mentions:
            if m.concept in known:
                by_concept[m.concept][m.article].append(m)
    uses: list[TermUse] = []
    for concept_id in sorted(by_concept, key=_concept_rank):
        per_article = {
            a: kept
            for a, ms in by_concept[concept_id].items()
            if (kept := _outermost(ms, article_mentions[a]))
        }
        forms = {_term_key(m.text) for ms in per_article.values() for m in ms}
        named = any(m.label != "NP" for ms in per_article.values() for m in ms)
        # One article's several words for a plain description ("efforts", "Russia's
        # efforts") are mostly noise; for a named concept they are the outlet's choice.
        if len(per_article) < 2 and (len(forms) < 2 or not named):
            continue
        rows: list[TermUse] = []
        for article_id, ms in per_article.items():
            groups: dict[str, list[Mention]] = defaultdict(list)
            for m in ms:
                groups[_term_key(m.text)].append(m)
            for group in groups.values():
                spellings: dict[str, int] = defaultdict(int)
                for m in group:
                    spellings[m.text] += 1
                term = min(spellings, key=lambda t: (-spellings[t], t))
                rows.append(
                    TermUse(
                        concept=concept_id,
                        article=article_id,
                        term=term,
                        count=len(group),
                        spans=sorted(Span(m.article, m.start, m.end) for m in group),
                    )
                )
        rows.sort(key=lambda u: (order.get(u.article, len(order)), u.article, -u.count, u.term))
        uses.extend(rows)
    return uses


def quote_balance(
    articles: list[Article], analyses: list[ArticleAnalysis], concepts: list[Concept]
) -> list[QuoteShare]:
    """Who is quoted by which article: direct and reported quotes and quoted characters.

    A speaker is its concept (shown by the concept's name) when linked, else the raw speaker
    words ("" when the quote has no speaker). Sorted by article order, then quoted characters
    (most first), then speaker name.
    """
    order = {a.id: k for k, a in enumerate(articles)}
    names = {c.id: c.name for c in concepts}
    shares: dict[tuple[str, str, str], QuoteShare] = {}
    for analysis in analyses:
        for quote in analysis.quotes:
            concept = quote.speaker_concept if quote.speaker_concept in names else ""
            speaker = names[concept] if concept else " ".join(quote.speaker.split())
            key = (quote.article, concept, speaker if not concept else "")
            share = shares.get(key)
            if share is None:
                share = QuoteShare(
                    speaker=speaker,
                    speaker_concept=concept,
                    article=quote.article,
                    direct=0,
                    reported=0,
                    characters=0,
                )
                shares[key] = share
            if quote.direct:
                share.direct += 1
            else:
                share.reported += 1
            share.characters += max(0, quote.end - quote.start)
    return sorted(
        shares.values(),
        key=lambda s: (order.get(s.article, len(order)), s.article, -s.characters, s.speaker),
    )
