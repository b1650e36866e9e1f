"""Garbage is destroyed on the GUI thread only while the analysis worker lives (see collector)."""

from __future__ import annotations

import gc
import threading

from pointcam_gui.gui.collector import GuiThreadCollector
from pointcam_gui.gui.service import AnalysisService


class _Cycle:
    """A reference cycle that records which thread destroyed it."""

    def __init__(self, record: list[str]) -> None:
        self.me = self
        self.record = record

    def __del__(self) -> None:
        self.record.append(threading.current_thread().name)


def test_automatic_collection_is_off_while_a_service_lives_and_back_after(qtbot) -> None:  # type: ignore[no-untyped-def]
    assert gc.isenabled()
    first, second = AnalysisService(), AnalysisService()
    try:
        assert not gc.isenabled()
        first.shutdown()
        assert not gc.isenabled()  # the second worker still runs
    finally:
        second.shutdown()
    assert gc.isenabled()


def test_a_part_let_go_of_by_the_worker_is_collected_on_the_gui_thread(qtbot) -> None:  # type: ignore[no-untyped-def]
    service = AnalysisService()
    record: list[str] = []
    try:
        _Cycle(record)  # dead at once, but only the cyclic collector can free it
        assert record == []
        with qtbot.waitSignal(service.worker.released, timeout=10_000):
            service.forget()  # the worker drops its part and asks for a collection
        qtbot.waitUntil(lambda: record != [], timeout=10_000)
    finally:
        service.shutdown()
    assert record == [threading.main_thread().name]


def test_the_timer_collects_a_generation_once_it_passes_its_threshold(qtbot) -> None:  # type: ignore[no-untyped-def]
    collector = GuiThreadCollector(interval_ms=60_000)
    record: list[str] = []
    try:
        gc.collect()
        _Cycle(record)
        collector.tick()
        assert record == []  # far below the threshold: nothing collected yet
        keep = [[] for _ in range(gc.get_threshold()[0] + 10)]
        collector.tick()
        assert record == [threading.main_thread().name]
        del keep
    finally:
        collector.stop()
