"""The given-names table (``newsprism train names``): what it keeps, and that the shipped
file is what the build writes."""

from __future__ import annotations

from pathlib import Path

import pytest

from newsprism.analyze.names import NAMES_FILE
from newsprism.cli import main as cli_main
from newsprism.train.names import MIN_COUNT, given_names, source_table


def test_given_names_keeps_names_that_point_one_way_clearly() -> None:
    table: dict[str, list[object]] = {
        "dianne": [26, 115549, 0.99, 3],
        "donald": [30, 1501951, 0.0, 3],
        "hillary": [24, 32838, 0.922, [2, 3]],
        "kim": [32, 280613, 0.665, [0, 2]],  # both ways: no one ruled out
        "ayn": [8, 157, 1.0, 3],  # too rare to go by
        "josé": [30, 90000, 0.01, 3],  # not plain letters as written: looked up unaccented
        "x": [1, MIN_COUNT * 10, 0.0, 3],
    }
    assert given_names(table) == {"dianne": "f", "donald": "m", "hillary": "f"}


def test_the_shipped_table_is_what_the_build_writes(tmp_path: Path) -> None:
    try:
        source_table()
    except RuntimeError:
        pytest.skip("nomquamgender is not installed (make given-names)")
    out = tmp_path / "names.tsv"
    assert cli_main(["train", "names", "--out", str(out)]) == 0
    assert out.read_text(encoding="utf-8") == NAMES_FILE.read_text(encoding="utf-8")


def test_other_models_still_need_data(capsys: pytest.CaptureFixture[str]) -> None:
    assert cli_main(["train", "facts"]) == 2
    assert "needs --data" in capsys.readouterr().err
