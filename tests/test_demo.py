"""The demo end to end: `newsprism compare examples/` on the two bundled articles, with the
exact findings a reader of the report relies on."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from newsprism.cli import main as cli_main

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    out = tmp_path_factory.mktemp("demo")
    args = ["compare", str(EXAMPLES), "--format", "json", "-o", str(out / "demo.json")]
    assert cli_main([*args, "--db", str(out / "demo.db"), "-q"]) == 0
    data: dict[str, Any] = json.loads((out / "demo.json").read_text(encoding="utf-8"))
    return data


def _text(data: dict[str, Any], article: str, span: list[int]) -> str:
    texts = {a["id"]: a["text"] for a in data["articles"]}
    return texts[article][span[0] : span[1]]


def test_articles_outlets_and_times(demo: dict[str, Any]) -> None:
    rows = [
        (a["outlet"], a["outlet_id"], a["published"], a["published_source"])
        for a in demo["articles"]
    ]
    assert rows == [
        ("Radio Free Europe/Radio Liberty", "rfe-rl", "2024-10-21T00:00:00+00:00", "sidecar"),
        ("RT", "rt", "2024-10-25T00:00:00+00:00", "sidecar"),
    ]
    first, second = (a["text"] for a in demo["articles"])
    assert "SEE ALSO" not in first and "Despite the Putin-Guterres meeting, scheduled" in first
    assert not second.rstrip().endswith("Credit: RT News")


def _sentences(demo: dict[str, Any], alignment: dict[str, Any]) -> set[tuple[str, int]]:
    """(outlet, sentence index) of each claim of an alignment."""
    outlet = {a["id"]: a["outlet"] for a in demo["articles"]}
    claims = {c["id"]: c for c in demo["claims"]}
    return {(outlet[claims[c]["article"]], claims[c]["sentence"]) for c in alignment["claims"]}


def test_the_meeting_is_shared_and_moves_from_planned_to_held(demo: dict[str, Any]) -> None:
    moved = [a for a in demo["alignments"] if a["status_change"] and a["kind"] == "statement"]
    meeting = moved[0]
    assert (meeting["relation"], meeting["conflicts"]) == ("agreed", [])
    # The shared row says what both report: RT's "who visited Russia for the first time in
    # over two years" is RT's own row, cut from the shared one.
    assert meeting["label"] == (
        "President Vladimir Putin met with United Nations Secretary-General Antonio Guterres"
    )
    # RT tells it over two sentences ("met with", then "spoke with Guterres behind closed
    # doors on Thursday evening"): one row, RT's cell citing both.
    assert _sentences(demo, meeting) == {
        ("Radio Free Europe/Radio Liberty", 0),
        ("RT", 0),
        ("RT", 1),
    }
    assert len(moved) == 1
    reports = [e for e in demo["events"] if e["event"] == meeting["id"]]
    assert [(e["status"], e["published"][:10], e["time"]) for e in reports] == [
        ("planned", "2024-10-21", None),
        ("happened", "2024-10-25", "2024-10-24"),  # "on Thursday evening"
    ]
    texts = [_text(demo, e["article"], e["span"]) for e in reports]
    assert texts[0].startswith("Russian President Vladimir Putin intends to hold a meeting")
    assert texts[1] == (
        "Putin spoke with Guterres behind closed doors on Thursday evening, the final day of "
        "the summit"
    )
    # RT's relative clause ", which saw dozens of world leaders gather in Kazan ..." is RT's
    # own row, cut from the shared one.
    single = [a["label"] for a in demo["alignments"] if a["relation"] == "single"]
    assert "Dozens of world leaders gather in Kazan" in single


def test_a_fact_told_over_two_sentences_is_one_row_citing_both(
    tmp_path: Path, demo: dict[str, Any]
) -> None:
    """The claim matrix gives the meeting one row; RT's cell cites RT's sentences 1 and 2."""
    out = tmp_path / "demo.md"
    args = ["compare", str(EXAMPLES), "--format", "md", "--no-db", "-o", str(out), "-q"]
    assert cli_main(args) == 0
    rows = [line for line in out.read_text("utf-8").splitlines() if "shared fact" in line]
    assert rows == [
        "| President Vladimir Putin met with United Nations Secretary-General Antonio Guterres "
        "| shared fact | ↻ planned [Radio Free Europe/Radio Liberty §1] "
        "| ↻ happened [RT §1] [RT §2] |",
        "| The BRICS summit in Kazan, 22-24 October 2024 | shared fact "
        "| ↻ planned [Radio Free Europe/Radio Liberty §1] [Radio Free Europe/Radio Liberty §2] "
        "| ↻ happened [RT §1] [RT §16] |",
        "| Guterres urged a “just peace” in Ukraine | shared fact "
        "| ✓ [Radio Free Europe/Radio Liberty §5] | ✓ [RT §5] [RT §6] |",
    ]


def test_the_summit_in_kazan_and_its_dates_are_one_shared_setting(demo: dict[str, Any]) -> None:
    """Neither outlet has a sentence about the summit itself, yet both set it: RFE/RL "on the
    sidelines of the BRICS summit in Kazan" and "The October 22-24 summit ...", RT "to attend
    the BRICS Summit in Kazan" and "The three-day BRICS Summit in Kazan ...". One row, the
    summit planned in RFE/RL (written on October 21) and held in RT."""
    settings = [a for a in demo["alignments"] if a["kind"] == "setting"]
    assert [(a["label"], a["relation"], a["status_change"]) for a in settings] == [
        ("The BRICS summit in Kazan, 22-24 October 2024", "agreed", True)
    ]
    summit = settings[0]
    assert _sentences(demo, summit) == {
        ("Radio Free Europe/Radio Liberty", 0),
        ("Radio Free Europe/Radio Liberty", 1),
        ("RT", 0),
        ("RT", 15),
    }
    # The timeline has the summit's dates from RFE/RL, planned, then held in RT.
    reports = [e for e in demo["events"] if e["event"] == summit["id"]]
    assert [(e["status"], e["published"][:10], e["time"]) for e in reports] == [
        ("planned", "2024-10-21", "2024-10-22"),
        ("happened", "2024-10-25", None),
    ]
    # The brief tells what the sentences state, not the setting again.
    assert not any(summit["claims"][0] in s["claims"] for s in demo["brief"])


def test_the_call_for_a_just_peace_is_one_shared_fact(demo: dict[str, Any]) -> None:
    """RFE/RL's "called for a just peace" and RT's "He urged a just peace in Ukraine" (and
    Guterres's own words "We need peace in Ukraine - a just peace" that RT quotes)."""
    shared = [a for a in demo["alignments"] if a["relation"] == "agreed"]
    peace = [a for a in shared if "just peace" in a["label"]]
    assert [a["label"] for a in peace] == [  # "He urged": the person last named
        "Guterres urged a “just peace” in Ukraine",  # RT's "and called for ... Gaza" cut
    ]
    # RFE/RL's sentence 5 with RT's 5 (in RT's words) and 6 (Guterres quoted).
    assert sorted(_sentences(demo, peace[0])) == [
        ("RT", 4),
        ("RT", 5),
        ("Radio Free Europe/Radio Liberty", 4),
    ]


def test_no_words_inside_a_quotation_are_an_outlets_own_fact(demo: dict[str, Any]) -> None:
    """A fact row read from a quotation names its speaker; none of Putin's words ("we live",
    "Families have property", "They fight") is a fact RT asserts or RFE/RL leaves out."""
    claims = {c["id"]: c for c in demo["claims"]}
    direct = [(q["article"], q["span"], q["speaker"]) for q in demo["quotes"] if q["direct"]]
    quoted_rows = 0
    for alignment in demo["alignments"]:
        speakers = set()
        for claim_id in alignment["claims"]:
            claim = claims[claim_id]
            start, end = claim["span"]
            speakers |= {
                speaker
                for article, (q_start, q_end), speaker in direct
                if article == claim["article"] and q_start <= start and end <= q_end
            }
        if len(speakers) == 1 and alignment["relation"] == "single":
            quoted_rows += 1
            assert speakers.pop() in alignment["label"], alignment["label"]
    assert quoted_rows >= 2
    labels = [o["label"] for o in demo["omissions"]]
    for fragment in ("Families — have", "They — fight", "we — live", "take — place"):
        assert not any(fragment in label for label in labels)
    putin = [label for label in labels if label.startswith("Putin (quoted): Families")]
    assert putin == [
        "Putin (quoted): Families, unfortunately, have disagreements, scandals, and divisions of "
        "property."
    ]


def test_brief_leads_with_the_shared_meeting_and_cites_both(demo: dict[str, Any]) -> None:
    """The meeting is told as held, in RT's words; RFE/RL, which wrote before it, is cited
    for reporting it as planned, not for the meeting having happened."""
    first = demo["brief"][0]
    assert first["kind"] == "shared"
    assert first["text"] == (
        "President Vladimir Putin met with United Nations Secretary-General Antonio Guterres; "
        "Radio Free Europe/Radio Liberty had reported it as planned."
    )
    assert {s["article"] for s in first["spans"]} == {a["id"] for a in demo["articles"]}
    cited = {_text(demo, s["article"], s["span"])[:50] for s in first["spans"]}
    assert "Russian President Vladimir Putin intends to hold a" in cited
    assert all(sentence["claims"] for sentence in demo["brief"])


def test_brief_tells_the_plan_once(demo: dict[str, Any]) -> None:
    """RFE/RL's plan is told once, in the lead ("had reported it as planned"). RT's second
    account of the meeting is told in RT's name and cites RT alone, and RFE/RL's planned
    sentence is not told again on its own ("According to RFE/RL, Putin intends to ...")."""
    outlet = {a["id"]: a["outlet"] for a in demo["articles"]}
    second = [s for s in demo["brief"] if "behind closed doors" in s["text"]]
    assert [s["text"] for s in second] == [
        "According to RT, Putin spoke with Guterres behind closed doors on Thursday evening, "
        "the final day of the summit, which saw dozens of world leaders gather in Kazan to "
        "discuss a more democratic and just multipolar world order advocated by the group."
    ]
    assert {outlet[s["article"]] for s in second[0]["spans"]} == {"RT"}
    texts = [sentence["text"] for sentence in demo["brief"]]
    assert sum("had reported it as planned" in text for text in texts) == 1
    assert not any("intends to hold a meeting" in text for text in texts)


def test_a_resolved_pronoun_cites_the_name_in_its_own_outlet(demo: dict[str, Any]) -> None:
    """RT's "He urged a just peace in Ukraine" is told with Guterres's name, cited from RT's
    own sentence that names him, not from RFE/RL's."""
    peace = demo["brief"][1]
    assert peace["text"] == "Antonio Guterres urged a “just peace” in Ukraine."
    outlet = {a["id"]: a["outlet"] for a in demo["articles"]}
    cited = sorted(
        (outlet[s["article"]], _text(demo, s["article"], s["span"])[:40]) for s in peace["spans"]
    )
    assert ("RT", "United Nations Secretary-General Antonio") in cited
    assert not any(text.startswith("Russian President Vladimir Putin") for _, text in cited)


def test_rows_and_brief_read_as_whole_statements(demo: dict[str, Any]) -> None:
    """A row's main clause stands alone only when the sentence goes on at a comma or a
    coordination ("is seen by Moscow as an opportunity" needs "to demonstrate ..."); a
    quotation a row opens is closed; the brief tells no adjunct as a sentence ("Despite the
    Putin-Guterres meeting, scheduled to take place on October 24")."""
    labels = [a["label"] for a in demo["alignments"]]
    summit = [label for label in labels if label.startswith("The October 22-24 summit")]
    assert summit[0].startswith(
        "The October 22-24 summit, which brings together leaders from Brazil, Russia, India, "
        "China, South Africa, and several other countries, is seen by Moscow as an opportunity "
        "to demonstrate that efforts by the West"
    )
    # A quotation the row opens is closed; "In response," tied it to the sentence before,
    # which the row does not show, and "Earlier that day," likewise.
    assert "Putin remarked, “That’s how we live.”" in labels
    assert (
        "Guterres addressed the wide-format BRICS Plus/Outreach panel hosted by Russian leaders, "
        "with numerous foreign dignitaries in attendance"
    ) in labels
    texts = [sentence["text"] for sentence in demo["brief"]]
    assert not any("scheduled to take place on October 24." in text for text in texts)


def test_word_choice_kyiv_and_kiev_and_the_un_chief(demo: dict[str, Any]) -> None:
    outlet = {a["id"]: a["outlet"] for a in demo["articles"]}
    kyiv = {
        (outlet[t["article"]], t["term"]) for t in demo["terms"] if t["term"] in ("Kyiv", "Kiev")
    }
    assert kyiv == {("Radio Free Europe/Radio Liberty", "Kyiv"), ("RT", "Kiev")}
    guterres = [c for c in demo["concepts"] if c["name"] == "Antonio Guterres"]
    words = {m["text"] for m in guterres[0]["mentions"]}
    assert {"UN chief", "Guterres", "United Nations Secretary-General Antonio Guterres"} <= words


def test_quotes_resolve_their_speakers(demo: dict[str, Any]) -> None:
    quotes = {
        (q["speaker"], _text(demo, q["article"], q["span"])[:24], q["direct"])
        for q in demo["quotes"]
    }
    assert ("Guterres", "We need peace in Ukraine", True) in quotes
    assert ("Guterres", "We need peace in Gaza, w", True) in quotes  # "he added"
    assert ("Putin", "That’s how we live. Fami", True) in quotes


def test_loaded_wording_with_scores(demo: dict[str, Any]) -> None:
    loaded = {(item["text"], round(item["score"], 2)) for item in demo["loaded"]}
    assert ("harsh criticism", 0.68) in loaded
    assert ("dangerous precedent", 0.7) in loaded
    assert ("invasion", 0.5) in loaded
    for item in demo["loaded"]:
        assert _text(demo, item["article"], item["span"]) == item["text"]


def test_omissions_point_at_facts_the_other_reports(demo: dict[str, Any]) -> None:
    first_id, second_id = (a["id"] for a in demo["articles"])
    left_out = {o["label"] for o in demo["omissions"] if o["article"] == first_id}
    assert (  # "He also stated ...": the person last named before it is Putin
        "Putin also stated that the UN needs reform to keep pace with global changes and "
        "provide greater representation for developing nations."
    ) in left_out
    assert "Antonio Guterres visited Russia for the first time in over two years" in left_out
    assert (
        "The three-day BRICS Summit in Kazan was attended by high-level delegations from 36 "
        "nations, several international organizations, and the UN chief"
    ) in left_out
    by_rt = {o["label"] for o in demo["omissions"] if o["article"] == second_id}
    assert any(label.startswith("Putin has maintained that Ukraine must cede") for label in by_rt)
    # Shared facts are never listed as left out by either outlet.
    shared = {a["id"] for a in demo["alignments"] if a["relation"] != "single"}
    assert not shared & {o["alignment"] for o in demo["omissions"]}


def test_claims_say_what_they_were_read_from(demo: dict[str, Any]) -> None:
    """A claim's kind: a clause (who did what) or an event word alone ("the summit"). Every
    row of a sentence with a clause leads with a clause; the setting of an occasion cites
    the event words that name it, or the clause that names it (RT's "to attend the BRICS
    Summit in Kazan" and "The three-day BRICS Summit in Kazan was attended by ...")."""
    kinds = {c["id"]: c["kind"] for c in demo["claims"]}
    assert set(kinds.values()) == {"clause", "event"}
    first = [kinds[a["claims"][0]] for a in demo["alignments"] if a["kind"] == "statement"]
    assert first.count("clause") == len(first)
    settings = [a for a in demo["alignments"] if a["kind"] == "setting"]
    assert [kinds[c] for a in settings for c in a["claims"]] == [
        "event",
        "event",
        "clause",
        "clause",
    ]
