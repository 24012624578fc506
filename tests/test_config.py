"""Settings from a file: newsprism.toml in the working directory or --config, every key
printed by `newsprism config`, and a clear error for an unknown key or a wrong type."""

from __future__ import annotations

import tomllib
from dataclasses import fields, replace
from pathlib import Path

import pytest

from newsprism.cli import main as cli_main
from newsprism.config import ConfigError, load_settings, settings_from, to_toml
from newsprism.settings import DEFAULT, Settings


def test_every_key_printed_and_read_back_equal() -> None:
    text = to_toml(DEFAULT)
    data = tomllib.loads(text)
    assert list(data) == [f.name for f in fields(DEFAULT)]
    for section in fields(DEFAULT):
        assert list(data[section.name]) == [f.name for f in fields(getattr(DEFAULT, section.name))]
    assert settings_from(data) == DEFAULT


def test_a_file_changes_only_what_it_sets(tmp_path: Path) -> None:
    path = tmp_path / "mine.toml"
    path.write_text(
        "[stories]\nwindow_days = 14\n\n[ingest]\nfetch_robots = false\n"
        '[concepts]\nactor_heads = ["minister"]\n',
        encoding="utf-8",
    )
    settings = load_settings(path)
    assert settings.stories.window_days == 14.0 and isinstance(settings.stories.window_days, float)
    assert settings.ingest.fetch_robots is False
    assert settings.concepts.actor_heads == ("minister",)
    assert settings.stories.candidates == DEFAULT.stories.candidates
    assert settings.brief == DEFAULT.brief


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("[stories]\nwindow_dayz = 3\n", "unknown key stories.window_dayz"),
        ("[storiez]\nwindow_days = 3\n", "unknown section [storiez]"),
        ('[stories]\nwindow_days = "3"\n', "stories.window_days must be a number, not string"),
        ("[stories]\ncandidates = 2.5\n", "stories.candidates must be a integer"),
        ("[stories]\ncandidates = true\n", "stories.candidates must be a integer, not boolean"),
        ("[ingest]\nfetch_robots = 1\n", "ingest.fetch_robots must be a boolean"),
        ("[concepts]\nactor_heads = [1]\n", "concepts.actor_heads must be a list of strings"),
        ("stories = 3\n", "stories must be a table"),
        ("[stories\n", "not valid TOML"),
    ],
)
def test_a_bad_file_is_one_error_naming_file_and_key(
    tmp_path: Path, text: str, message: str
) -> None:
    path = tmp_path / "bad.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ConfigError) as err:
        load_settings(path)
    assert str(err.value).startswith(f"{path}: ")
    assert message in str(err.value)


def test_newsprism_toml_in_the_working_directory(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    assert cli_main(["config"]) == 0
    shown = capsys.readouterr().out
    assert "no settings file" in shown
    assert settings_from(tomllib.loads(shown)) == DEFAULT
    (tmp_path / "newsprism.toml").write_text("[brief]\nmax_words = 99\n", encoding="utf-8")
    assert cli_main(["config"]) == 0
    shown = capsys.readouterr().out
    assert "newsprism.toml" in shown.splitlines()[0]
    assert tomllib.loads(shown)["brief"]["max_words"] == 99


def test_config_errors_stop_every_command(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = tmp_path / "bad.toml"
    bad.write_text("[web]\nmax_conections = 5\n", encoding="utf-8")
    assert cli_main(["--config", str(bad), "stories", "--db", str(tmp_path / "x.db")]) == 2
    err = capsys.readouterr().err
    assert err.strip() == (
        f"error: {bad}: unknown key web.max_conections (keys of [web]: "
        + ", ".join(f.name for f in fields(DEFAULT.web))
        + ")"
    )
    assert not (tmp_path / "x.db").exists()
    assert cli_main(["--config", str(tmp_path / "none.toml"), "config"]) == 2
    assert "no such settings file" in capsys.readouterr().err


def test_settings_reach_ingest(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    article = tmp_path / "a.txt"
    article.write_text("Lawmakers passed the budget on Tuesday after a long debate. " * 5)
    small = tmp_path / "small.toml"
    small.write_text("[ingest]\nmax_bytes = 100\n", encoding="utf-8")
    db = str(tmp_path / "n.db")
    assert cli_main(["--config", str(small), "ingest", str(article), "--db", db]) == 1
    assert "100" in capsys.readouterr().out
    assert cli_main(["ingest", str(article), "--db", db]) == 0
    assert "1 new" in capsys.readouterr().out


def test_the_readme_documents_every_key() -> None:
    readme = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")
    for section in fields(DEFAULT):
        start = readme.index(f"### `[{section.name}]`")
        end = readme.find("### `[", start + 1)
        table = readme[start : end if end > 0 else len(readme)]
        for key in fields(getattr(DEFAULT, section.name)):
            assert f"| `{key.name}` |" in table, f"README lacks {section.name}.{key.name}"


def test_the_upload_limit_is_a_setting(tmp_path: Path) -> None:
    """``[web] max_upload_bytes`` reaches the web app's configuration (413 past it: the web
    write tests); the default is the 20 MiB docs/LIMITS.md names."""
    from newsprism.web.app import create_app

    db = str(tmp_path / "web.db")
    assert create_app(db).state.config.max_upload_bytes == 20 * 1024 * 1024
    mine = settings_from({"web": {"max_upload_bytes": 1000}})
    assert create_app(db, settings=mine).state.config.max_upload_bytes == 1000


def test_the_upload_files_limit_is_a_setting(tmp_path: Path) -> None:
    """``[web] max_upload_files``: an upload of more files is refused (400) before anything
    is stored."""
    from fastapi.testclient import TestClient

    from newsprism.store import open_store
    from newsprism.web.app import create_app

    db = str(tmp_path / "web.db")
    mine = settings_from({"web": {"max_upload_files": 2}})
    files = [("files", (f"a{k}.txt", b"A short article. " * 20)) for k in range(3)]
    with TestClient(create_app(db, settings=mine), base_url="http://127.0.0.1:8000") as web:
        assert web.post("/api/articles/upload", files=files).status_code == 400
    with open_store(db) as store:
        assert store.count_articles() == 0


def test_metadata_limits_are_settings(tmp_path: Path) -> None:
    """``[ingest] max_field_chars`` and ``max_url_chars`` bound a JSON article's metadata:
    a longer field is ignored with a note naming it, the article kept."""
    from newsprism.ingest.files import RawDoc, read_input

    article = tmp_path / "a.json"
    article.write_text(
        '{"text": "Lawmakers passed the budget on Tuesday.", '
        '"title": "A budget passes at last", "url": "https://example.org/budget"}',
        encoding="utf-8",
    )
    small = replace(DEFAULT.ingest, max_field_chars=10, max_url_chars=20)
    [doc] = read_input(str(article), article, small)
    assert isinstance(doc, RawDoc) and doc.meta.title is None and doc.meta.url is None
    assert doc.notes == [
        'ignored: "url" is over 20 characters',
        'ignored: "title" is over 10 characters',
    ]
    [doc] = read_input(str(article), article, DEFAULT.ingest)
    assert isinstance(doc, RawDoc) and doc.notes == []
    assert (doc.meta.title, doc.meta.url) == (
        "A budget passes at last",
        "https://example.org/budget",
    )


def test_settings_reach_training(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """``newsprism --config F train facts`` fits the model for the settings in force (the
    candidate pairs, the in-story stage's third articles), not for the defaults."""
    import newsprism.train.facts

    seen: list[Settings] = []

    def fake_train(facts: Path, out: Path | None, settings: Settings, show: bool) -> Path:
        seen.append(settings)
        return tmp_path / "model.json"

    monkeypatch.setattr(newsprism.train.facts, "train", fake_train)
    (tmp_path / "basil_dev.json").write_text("[]", encoding="utf-8")
    config = tmp_path / "few.toml"
    config.write_text("[facts]\ncandidates = 3\n", encoding="utf-8")
    assert cli_main(["--config", str(config), "train", "facts", "--data", str(tmp_path)]) == 0
    assert [s.facts.candidates for s in seen] == [3]
