"""A page's analysis copy is made once and shared: an upload's capture-quality check and its preparation ask for
it at the same time, from two threads, on the same decoded page."""

from __future__ import annotations

import threading
import time
from pathlib import Path

import numpy as np
import pytest

from pipeline import prepare
from pipeline.load import load_pages
from pipeline.prepare import RecentResults, analyse_page, prepare_regions
from pipeline.quality import assess_page

CARD_PHOTO = Path(__file__).resolve().parents[2] / "samples" / "dossiers" / "0005_id_card_phone_photo.jpg"


def test_threads_asking_for_a_result_being_computed_wait_for_it_instead_of_computing_it_again() -> None:
    recent: RecentResults[str, int] = RecentResults(size=2)
    calls: list[str] = []
    started = threading.Barrier(4)

    def slow() -> int:
        calls.append("computed")
        time.sleep(0.2)
        return 7

    results: list[int] = []

    def ask() -> None:
        started.wait()
        results.append(recent.get("page", slow))

    threads = [threading.Thread(target=ask) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert results == [7, 7, 7, 7]
    assert calls == ["computed"]


def test_a_failure_reaches_whoever_waited_and_is_not_kept() -> None:
    recent: RecentResults[str, int] = RecentResults(size=2)

    def broken() -> int:
        raise ValueError("no page")

    with pytest.raises(ValueError):
        recent.get("page", broken)
    assert recent.get("page", lambda: 3) == 3


def test_only_the_last_results_are_kept() -> None:
    recent: RecentResults[int, int] = RecentResults(size=2)
    for key in (1, 2, 3):
        recent.get(key, (key * 10).__int__)
    assert recent.get(1, lambda: -1) == -1  # dropped, computed again
    assert recent.get(3, lambda: -1) == 30


def test_quality_and_preparation_of_one_page_share_one_analysis(monkeypatch: pytest.MonkeyPatch) -> None:
    _, pages = load_pages(CARD_PHOTO.read_bytes())
    pixels = pages[0].pixels
    made: list[int | None] = []
    analyse = prepare._analyse

    def counted(*args):
        made.append(args[1])
        return analyse(*args)

    monkeypatch.setattr(prepare, "_analyse", counted)
    monkeypatch.setattr(prepare, "_ANALYSES", RecentResults(size=8))
    assess_page(pixels.copy(), pages[0].dpi)  # the same pixels decoded again: another array, the same digest
    prepared = prepare_regions(pixels, pages[0].dpi)
    assert len(made) == 1
    assert prepared[0].kind == "card"
    assert analyse_page(pixels, pages[0].dpi) is analyse_page(pixels.copy(), pages[0].dpi)
    assert analyse_page(pixels, None) is not analyse_page(pixels, pages[0].dpi)  # the resolution is part of it


def test_the_shared_copy_is_read_only_and_the_page_stays_writeable() -> None:
    small_page = np.full((600, 900, 3), 230, np.uint8)  # below the analysis size: it would be its own copy
    seen = analyse_page(small_page)
    assert not seen.small.flags.writeable
    assert small_page.flags.writeable
    small_page[0, 0] = 0
    with pytest.raises(ValueError):
        seen.small[0, 0] = 0
