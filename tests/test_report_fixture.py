"""A realistic comparison built by hand (two short articles on the 2024 Putin–Guterres meeting),
shared by the report and store tests until the pipeline produces one.

Every span is found in the text by its words, so the fixture cannot drift from its text; the
tests assert the resulting numbers literally.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta, timezone

from newsprism.model import (
    Alignment,
    Article,
    ArticleAnalysis,
    BriefSentence,
    Claim,
    Comparison,
    Concept,
    EventReport,
    LoadedSpan,
    Mention,
    Omission,
    Outlet,
    Quantity,
    Quote,
    QuoteShare,
    Sentence,
    Span,
    TermUse,
    TimeExpr,
)

TEXT_MT = (
    "Russian President Vladimir Putin intends to meet UN Secretary-General Antonio Guterres "
    "in Kazan on October 24, aide Yury Ushakov said on October 21. "
    "Leaders from 32 nations are expected at the BRICS summit.\n"
    "Guterres has called Russia's invasion of Ukraine a “dangerous precedent”, "
    "a view shared in Kyiv."
)
TEXT_RT = (
    "President Vladimir Putin met Antonio Guterres in Kazan on Thursday. "
    "Delegations from 36 nations attended the summit.\n"
    "“We need peace in Ukraine – a just peace,” Guterres said. "
    "Guterres faced harsh criticism from the Kiev regime for accepting Putin's invitation."
)

OUTLETS = {
    "moscowtimes": Outlet(
        id="moscowtimes",
        name="The Moscow Times",
        domains=["themoscowtimes.com"],
        country="NL",
        ownership="private",
        funding="independent, reader donations",
        kind="exile",
    ),
    "rt": Outlet(
        id="rt",
        name="RT",
        domains=["rt.com"],
        country="RU",
        ownership="state",
        funding="Russian federal budget",
        kind="broadcaster",
    ),
}


def find(text: str, phrase: str, nth: int = 0) -> tuple[int, int]:
    """The [start, end) of the nth occurrence of ``phrase`` in ``text``."""
    start = -1
    for _ in range(nth + 1):
        start = text.index(phrase, start + 1)
    return start, start + len(phrase)


def sentences(article: str, text: str) -> list[Sentence]:
    out = []
    for index, match in enumerate(re.finditer(r"[^\s].*?(?:[.!?](?=\s|$)|$)", text)):
        out.append(Sentence(article, index, match.start(), match.end()))
    return out


def sentence_of(sents: list[Sentence], start: int) -> int:
    return next(s.index for s in sents if s.start <= start < s.end)


def build_comparison() -> Comparison:
    """Two articles, four aligned facts (agreed with a status change, contradicted, two
    single), two omissions, three concepts, two quotes, one loaded span, a planned ->
    happened event and a two-sentence brief."""
    mt, rt = "mt0001", "rt0002"
    msk = timezone(timedelta(hours=3))
    art_mt = Article(
        id=mt,
        text=TEXT_MT,
        title="Putin to meet UN chief Guterres at BRICS summit",
        outlet="The Moscow Times",
        outlet_id="moscowtimes",
        url="https://www.themoscowtimes.com/2024/10/21/putin-guterres",
        published=datetime(2024, 10, 21, 9, 30, tzinfo=UTC),
        published_source="metadata",
        source="examples/moscowtimes.txt",
        notes=["removed 1 'SEE ALSO' line"],
    )
    art_rt = Article(
        id=rt,
        text=TEXT_RT,
        title="Putin meets Guterres in Kazan",
        outlet="RT",
        outlet_id="rt",
        url="https://www.rt.com/russia/606000-putin-guterres-kazan/",
        published=datetime(2024, 10, 25, 9, 0, tzinfo=msk),
        published_source="html",
        source="examples/rt.txt",
    )
    s_mt, s_rt = sentences(mt, TEXT_MT), sentences(rt, TEXT_RT)

    def mention(
        art: str,
        text: str,
        sents: list[Sentence],
        k: int,
        phrase: str,
        label: str,
        head: str,
        concept: str,
        nth: int = 0,
    ) -> Mention:
        s, e = find(text, phrase, nth)
        return Mention(
            f"{art}:m{k}", art, s, e, phrase, label, head, sentence_of(sents, s), concept
        )

    mentions_mt = [
        mention(mt, TEXT_MT, s_mt, 0, "Vladimir Putin", "PERSON", "putin", "c2"),
        mention(mt, TEXT_MT, s_mt, 1, "Antonio Guterres", "PERSON", "guterres", "c0"),
        mention(mt, TEXT_MT, s_mt, 2, "Guterres", "PERSON", "guterres", "c0", nth=1),
        mention(mt, TEXT_MT, s_mt, 3, "Kyiv", "GPE", "kyiv", "c1"),
    ]
    mentions_rt = [
        mention(rt, TEXT_RT, s_rt, 0, "Vladimir Putin", "PERSON", "putin", "c2"),
        mention(rt, TEXT_RT, s_rt, 1, "Antonio Guterres", "PERSON", "guterres", "c0"),
        mention(rt, TEXT_RT, s_rt, 2, "Kiev", "GPE", "kiev", "c1"),
    ]

    def time(art: str, text: str, phrase: str, value: str) -> TimeExpr:
        s, e = find(text, phrase)
        return TimeExpr(art, s, e, phrase, value, None, "day", True)

    t_mt_24 = time(mt, TEXT_MT, "October 24", "2024-10-24")
    t_mt_21 = time(mt, TEXT_MT, "October 21", "2024-10-21")
    t_rt_thu = time(rt, TEXT_RT, "Thursday", "2024-10-24")

    def qty(art: str, text: str, phrase: str, value: float) -> Quantity:
        s, e = find(text, phrase)
        return Quantity(art, s, e, phrase, value, "nations")

    n_mt, n_rt = qty(mt, TEXT_MT, "32 nations", 32.0), qty(rt, TEXT_RT, "36 nations", 36.0)

    def claim(
        art: str,
        sents: list[Sentence],
        k: int,
        index: int,
        subject: str,
        predicate: str,
        verb: str,
        text: str,
        **kw: object,
    ) -> Claim:
        sent = sents[index]
        ps, pe = find(text, verb)
        return Claim(
            id=f"{art}:k{k}",
            article=art,
            start=sent.start,
            end=sent.end,
            sentence=index,
            subject=subject,
            predicate=predicate,
            predicate_start=ps,
            predicate_end=pe,
            **kw,
        )  # type: ignore[arg-type]

    claims_mt = [
        claim(
            mt,
            s_mt,
            0,
            0,
            "Vladimir Putin",
            "meet",
            "meet",
            TEXT_MT,
            object="Antonio Guterres",
            subject_concept="c2",
            object_concept="c0",
            time=t_mt_24,
            place="Kazan",
            status="planned",
            attribution="Yury Ushakov",
        ),
        claim(
            mt,
            s_mt,
            1,
            1,
            "Leaders",
            "expect",
            "expected",
            TEXT_MT,
            numbers=[n_mt],
            status="planned",
        ),
        claim(
            mt,
            s_mt,
            2,
            2,
            "Guterres",
            "call",
            "called",
            TEXT_MT,
            object="Russia's invasion of Ukraine",
            subject_concept="c0",
        ),
    ]
    claims_rt = [
        claim(
            rt,
            s_rt,
            0,
            0,
            "Vladimir Putin",
            "meet",
            "met",
            TEXT_RT,
            object="Antonio Guterres",
            subject_concept="c2",
            object_concept="c0",
            time=t_rt_thu,
            place="Kazan",
        ),
        claim(rt, s_rt, 1, 1, "Delegations", "attend", "attended", TEXT_RT, numbers=[n_rt]),
        claim(
            rt,
            s_rt,
            2,
            3,
            "Guterres",
            "face",
            "faced",
            TEXT_RT,
            object="harsh criticism",
            subject_concept="c0",
        ),
    ]

    qs, qe = find(TEXT_MT, "dangerous precedent")
    quote_mt = Quote(
        f"{mt}:q0",
        mt,
        qs,
        qe,
        "dangerous precedent",
        "Guterres",
        *find(TEXT_MT, "Guterres", 1),
        "c0",
        True,
        2,
    )
    qs, qe = find(TEXT_RT, "We need peace in Ukraine – a just peace,")
    quote_rt = Quote(
        f"{rt}:q0",
        rt,
        qs,
        qe,
        TEXT_RT[qs:qe],
        "Guterres",
        *find(TEXT_RT, "Guterres", 1),
        "c0",
        True,
        2,
    )

    ls, le = find(TEXT_RT, "Kiev regime")
    loaded_rt = LoadedSpan(rt, ls, le, "Kiev regime", 0.81, "label", 3)

    analyses = [
        ArticleAnalysis(
            mt, s_mt, mentions_mt, [t_mt_24, t_mt_21], [n_mt], [quote_mt], claims_mt, []
        ),
        ArticleAnalysis(
            rt, s_rt, mentions_rt, [t_rt_thu], [n_rt], [quote_rt], claims_rt, [loaded_rt]
        ),
    ]
    alignments = [
        Alignment(
            "a1",
            "agreed",
            [f"{mt}:k0", f"{rt}:k0"],
            [mt, rt],
            "Putin — meet — Guterres",
            status_change=True,
        ),
        Alignment(
            "a2",
            "contradicted",
            [f"{mt}:k1", f"{rt}:k1"],
            [mt, rt],
            "Nations at the BRICS summit",
            conflicts=["number"],
            detail="32 nations vs 36 nations",
            disputed=sorted([mt, rt]),
        ),
        Alignment("a3", "single", [f"{mt}:k2"], [mt], "Guterres — call — invasion a precedent"),
        Alignment("a4", "single", [f"{rt}:k2"], [rt], "Guterres — face — criticism"),
    ]
    omissions = [Omission(rt, "a3", [mt]), Omission(mt, "a4", [rt])]
    concepts = [
        Concept("c0", "Antonio Guterres", "PERSON", [f"{mt}:m1", f"{mt}:m2", f"{rt}:m1"]),
        Concept("c1", "Kyiv", "GPE", [f"{mt}:m3", f"{rt}:m2"]),
        Concept("c2", "Vladimir Putin", "PERSON", [f"{mt}:m0", f"{rt}:m0"]),
    ]
    terms = [
        TermUse("c1", mt, "Kyiv", 1, [Span(mt, *find(TEXT_MT, "Kyiv"))]),
        TermUse("c1", rt, "Kiev", 1, [Span(rt, *find(TEXT_RT, "Kiev"))]),
    ]
    balance = [
        QuoteShare("Antonio Guterres", "c0", mt, 1, 0, len("dangerous precedent")),
        QuoteShare("Antonio Guterres", "c0", rt, 1, 0, len(quote_rt.text)),
    ]
    events = [
        EventReport(
            "a1",
            "Putin — meet — Guterres",
            mt,
            f"{mt}:k0",
            "planned",
            "2024-10-24",
            "day",
            "2024-10-21T09:30:00+00:00",
        ),
        EventReport(
            "a1",
            "Putin — meet — Guterres",
            rt,
            f"{rt}:k0",
            "happened",
            "2024-10-24",
            "day",
            "2024-10-25T09:00:00+03:00",
        ),
    ]
    brief = [
        BriefSentence(
            "Vladimir Putin met Antonio Guterres in Kazan on 24 October.",
            [f"{mt}:k0", f"{rt}:k0"],
            [
                Span(mt, claims_mt[0].start, claims_mt[0].end),
                Span(rt, claims_rt[0].start, claims_rt[0].end),
            ],
            "shared",
        ),
        BriefSentence(
            "The outlets differ on how many nations took part: 32 or 36.",
            [f"{mt}:k1", f"{rt}:k1"],
            [
                Span(mt, claims_mt[1].start, claims_mt[1].end),
                Span(rt, claims_rt[1].start, claims_rt[1].end),
            ],
            "contradicted",
        ),
    ]
    return Comparison(
        articles=[art_mt, art_rt],
        analyses=analyses,
        concepts=concepts,
        alignments=alignments,
        omissions=omissions,
        terms=terms,
        loaded=[loaded_rt],
        quote_balance=balance,
        events=events,
        brief=brief,
        story="",
        timings={"analyze": 1.25, "compare": 0.5},
    )
