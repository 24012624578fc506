"""The loaded-wording trainer: token labels, deterministic fitting, the held-out rule."""

from __future__ import annotations

from pathlib import Path

from newsprism.eval.loaders import ptc
from newsprism.splits import is_held_out
from newsprism.train.loaded import Example, dataset_folders, fit, token_labels


def test_token_labels_mark_tokens_overlapping_gold(nlp) -> None:  # type: ignore[no-untyped-def]
    text = "They faced a firestorm of outrage today."
    doc = nlp(text)
    start = text.index("firestorm")
    labels = token_labels(doc, [(start, start + len("firestorm of outrage"))])
    assert [t.text for t, y in zip(doc, labels, strict=True) if y] == [
        "firestorm",
        "of",
        "outrage",
    ]


def test_fit_is_deterministic_and_learns_gold_words(nlp, shared_data: Path) -> None:  # type: ignore[no-untyped-def]
    items = [p for p in ptc.load(shared_data / "ptc", limit=12) if not is_held_out(p.id)][:2]
    examples = [
        Example(key=p.id, article=p.article, doc=nlp(p.article.text), gold=p.gold()) for p in items
    ]
    first, second = fit(examples), fit(examples)
    assert first == second
    assert first["meta"]["positive_tokens"] > 0
    assert first["dense"] == []
    assert all(isinstance(w, float) for w in first["weights"].values())


def test_dataset_folders_accept_a_parent_folder(shared_data: Path) -> None:
    assert dataset_folders(shared_data / "ptc") == {"ptc": shared_data / "ptc"}
    assert dataset_folders(shared_data) == {
        "ptc": shared_data / "ptc",
        "basil": shared_data / "basil",
    }


def test_shipped_model_is_small_and_says_what_it_was_trained_on() -> None:
    from newsprism.analyze.loaded import MODEL_FILE, get_model
    from newsprism.train.loaded import default_output

    assert default_output().name == MODEL_FILE
    assert default_output().stat().st_size < 2_000_000
    model = get_model()
    assert model is not None
    assert model.meta["trained_on"] == ["ptc"]
    assert model.meta["articles"] == 187  # the 250 dev articles less the held-out quarter
    # Explainable: a lexicon hit raises the score, a verb of saying lowers it.
    assert model.weights["lex_loaded"] > 0 > model.weights["lem=say"]
