"""Online story clustering on short reports written here: joins, separations, ids, window."""

from __future__ import annotations

from datetime import UTC, datetime

from newsprism.model import Article
from newsprism.settings import StorySettings
from newsprism.stories import StoryClusterer
from newsprism.stories.features import extract_features, find_names

TURKEY_1 = (
    "A magnitude 7.8 earthquake struck southern Turkey near Gaziantep before dawn on Monday, "
    "killing more than 2,300 people in Turkey and neighbouring Syria. Rescuers in "
    "Kahramanmaras and Hatay dug through collapsed apartment blocks in freezing rain, and "
    "President Erdogan declared seven days of national mourning."
)
TURKEY_2 = (
    "The death toll from Monday's 7.8 magnitude quake in Turkey and Syria rose above 2,300 as "
    "rescuers searched the rubble in Gaziantep, Kahramanmaras and Hatay. Erdogan announced "
    "seven days of mourning while aid agencies appealed for tents and blankets."
)
TURKEY_3 = (
    "Rescuers pulled survivors from collapsed apartment blocks in Kahramanmaras and Hatay on "
    "Tuesday, a day after the 7.8 magnitude earthquake near Gaziantep. The death toll in Turkey "
    "and Syria passed 5,000, and Erdogan said seven days of national mourning had begun."
)
MOROCCO = (
    "A magnitude 6.8 earthquake hit Morocco's High Atlas mountains late on Friday, killing at "
    "least 800 people near Marrakesh. Villages around Al Haouz and Taroudant were flattened, "
    "and King Mohammed VI ordered the army to help rescuers reach the mountain roads."
)
BUDGET = (
    "The European Parliament approved the 2024 budget of the European Union on Wednesday after "
    "late talks in Strasbourg, with more money for research and for migration control. "
    "Members from Germany and France disagreed over farm subsidies."
)


def article(aid: str, text: str, title: str = "", day: str | None = None) -> Article:
    published = datetime.fromisoformat(day).replace(tzinfo=UTC) if day else None
    return Article(id=aid, text=text, title=title, published=published)


def test_same_event_joins_and_id_stays_the_first_articles() -> None:
    clusterer = StoryClusterer(StorySettings())
    first = clusterer.add(article("t1", TURKEY_1, "Huge quake kills thousands in Turkey"))
    assert first == "st1"
    assert clusterer.add(article("b1", BUDGET, "EU parliament passes 2024 budget")) == "sb1"
    assert clusterer.add(article("t2", TURKEY_2, "Turkey quake toll passes 2,300")) == "st1"
    assert clusterer.add(article("t3", TURKEY_3, "Aftershocks rattle quake survivors")) == "st1"
    stories = {s.id: s.articles for s in clusterer.stories()}
    assert stories == {"st1": ["t1", "t2", "t3"], "sb1": ["b1"]}


def test_two_earthquakes_in_different_places_and_months_stay_apart() -> None:
    clusterer = StoryClusterer(StorySettings())
    turkey = clusterer.add(article("t1", TURKEY_1, "Huge quake kills thousands", "2023-02-06"))
    assert clusterer.add(article("t2", TURKEY_2, "Toll rises", "2023-02-07")) == turkey == "st1"
    clusterer.add(article("b1", BUDGET, "EU budget passes", "2023-02-07"))
    assert clusterer.add(article("m1", MOROCCO, "Quake kills hundreds", "2023-09-08")) == "sm1"
    assert [s.articles for s in clusterer.stories()] == [["t1", "t2"], ["b1"], ["m1"]]


def test_two_earthquakes_stay_apart_without_dates() -> None:
    clusterer = StoryClusterer(StorySettings())
    clusterer.add(article("t1", TURKEY_1, "Huge quake kills thousands"))
    clusterer.add(article("b1", BUDGET, "EU budget passes"))
    assert clusterer.add(article("m1", MOROCCO, "Quake kills hundreds")) == "sm1"


def test_story_outside_the_time_window_is_no_candidate() -> None:
    clusterer = StoryClusterer(StorySettings(window_days=30.0))
    clusterer.add(article("t1", TURKEY_1, "Huge quake kills thousands", "2023-02-06"))
    assert clusterer.open_stories() == {"st1"}
    clusterer.add(article("b1", BUDGET, "EU budget passes", "2023-09-08"))
    # The Turkey story closed when the stream moved seven months on: it is not searched.
    assert clusterer.open_stories() == {"sb1"}
    scored = clusterer.scored
    late = clusterer.add(article("t9", TURKEY_2, "Turkey quake toll", "2023-09-09"))
    assert late == "st9"
    assert clusterer.scored == scored + 1  # only the budget story was a candidate


def test_at_most_max_active_stories_are_searched() -> None:
    clusterer = StoryClusterer(StorySettings(max_active_stories=2))
    for aid, text in (("t1", TURKEY_1), ("b1", BUDGET), ("m1", MOROCCO)):
        clusterer.add(article(aid, text))
    assert clusterer.open_stories() == {"sb1", "sm1"}
    assert [s.id for s in clusterer.stories()] == ["st1", "sb1", "sm1"]
    # The closed Turkey story cannot take its own follow-up any more.
    assert clusterer.add(article("t2", TURKEY_2)) == "st2"


def test_adding_an_article_twice_returns_its_story() -> None:
    clusterer = StoryClusterer(StorySettings())
    a = article("t1", TURKEY_1)
    assert clusterer.add(a) == clusterer.add(a) == "st1"
    assert clusterer.stories()[0].articles == ["t1"]


def test_names_are_capitalised_words_inside_sentences_and_numbers() -> None:
    names = find_names("Rescuers in Hatay found 2,300 dead. The toll rose in Turkey and Syria.")
    assert dict(names) == {"hatay": 1, "2300": 1, "turkey": 1, "syria": 1}


def test_features_read_title_and_time() -> None:
    a = article("t1", TURKEY_1 + " " + TURKEY_2, "Huge quake", "2023-02-06")
    features = extract_features(a)
    assert features.published == datetime(2023, 2, 6, tzinfo=UTC)
    assert "gaziantep" in features.names
    assert features.lead and len(features.lead) < len(features.words)


def test_revision_merges_a_bridged_story_into_the_older_one() -> None:
    # merge_probability 0 makes every other candidate of a joining article merge into its story
    clusterer = StoryClusterer(StorySettings(merge_probability=0.0))
    clusterer.add(article("t1", TURKEY_1, "Huge quake kills thousands in Turkey"))
    clusterer.add(article("b1", BUDGET, "EU parliament passes 2024 budget"))
    assert clusterer.add(article("t2", TURKEY_2, "Turkey quake toll passes 2,300")) == "st1"
    assert clusterer.story_of("b1") == "st1"
    assert [(s.id, s.articles) for s in clusterer.stories()] == [("st1", ["t1", "t2", "b1"])]
    assert clusterer.open_stories() == {"st1"}


def test_no_revision_by_default() -> None:
    clusterer = StoryClusterer(StorySettings())
    for aid, text in (("t1", TURKEY_1), ("b1", BUDGET), ("t2", TURKEY_2)):
        clusterer.add(article(aid, text))
    assert clusterer.story_of("b1") == "sb1"


def test_pair_features_match_a_plain_computation() -> None:
    """The vectorised scoring (a dense scratch copy of the article, each story's members as one
    block, names as arrays) gives the same numbers as the formulas written out plainly."""
    import math

    import numpy as np

    from newsprism.stories import PAIR_FEATURES

    clusterer = StoryClusterer(StorySettings())
    members = [
        article("t1", TURKEY_1, "Huge quake kills thousands in Turkey", "2023-02-06"),
        article("t2", TURKEY_2, "Turkey quake toll passes 2,300", "2023-02-07"),
        article("t3", TURKEY_3, "Aftershocks rattle quake survivors", "2023-02-07"),
    ]
    story = None
    for member in members:
        found = extract_features(member)
        clusterer.observe(found)
        story = clusterer.join(member, found, story)
    other = article("m1", MOROCCO, "Quake kills hundreds in Morocco", "2023-02-08")
    clusterer.observe(extract_features(other))
    clusterer.join(other, extract_features(other), None)
    new = article("t4", TURKEY_2 + " " + TURKEY_1, "Quake toll rises", "2023-02-08")
    features = extract_features(new)
    clusterer.observe(features)
    rows = dict(clusterer.candidates(features))
    assert set(rows) == {"st1", "sm1"}

    words_df, names_df = clusterer.frequencies()
    n = clusterer.documents

    def weighted(counts: dict[int, float]) -> dict[int, float]:
        out = {w: c * (math.log((1 + n) / (1 + words_df.get(w, 0))) + 1) for w, c in counts.items()}
        norm = math.sqrt(sum(v * v for v in out.values()))
        return {w: v / norm for w, v in out.items()}

    def cosine(a: dict[int, float], b: dict[int, float]) -> float:
        return sum(v * b[w] for w, v in a.items() if w in b)

    def unit_sum(vectors: list[dict[int, float]]) -> dict[int, float]:
        total: dict[int, float] = {}
        for vector in vectors:
            norm = math.sqrt(sum(v * v for v in vector.values()))
            for w, v in vector.items():
                total[w] = total.get(w, 0.0) + v / norm
        return total

    def name_vector(names: dict[str, int]) -> dict[str, float]:
        return {k: c * (math.log((1 + n) / (1 + names_df.get(k, 0))) + 1) for k, c in names.items()}

    found = [extract_features(m) for m in members]
    doc, lead = weighted(features.words), weighted(features.lead)
    story_names: dict[str, int] = {}
    for f in found:
        for k, c in f.names.items():
            story_names[k] = story_names.get(k, 0) + c
    a, b = name_vector(dict(features.names)), name_vector(story_names)
    names = sum(v * b[k] for k, v in a.items() if k in b) / math.sqrt(
        sum(v * v for v in a.values()) * sum(v * v for v in b.values())
    )
    expected = [
        cosine(doc, weighted(unit_sum([f.words for f in found]))),
        max(cosine(doc, weighted(f.words)) for f in found),
        cosine(lead, weighted(unit_sum([f.lead for f in found]))),
        max(cosine(lead, weighted(f.lead)) for f in found),
        names,
        math.log1p(1.0),  # a day after the story's newest article
        0.0,
        math.log(3),
    ]
    assert len(expected) == len(PAIR_FEATURES)
    assert np.allclose(rows["st1"], expected, rtol=1e-12, atol=1e-12)
    assert rows["st1"][0] > 0.5 and rows["st1"][4] > 0.5  # the same event, plainly
