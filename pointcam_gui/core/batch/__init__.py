"""Many parts: find them, analyse each (here, in worker processes or on a Ray cluster), write
one row per part. ``pointcam batch`` and ``Classifier.analyse_many`` are built on this.

    from pointcam_gui.core import Classifier
    for row in Classifier.load().analyse_many(["parts/"], workers=4):
        print(row["file"], row["predicted"], row["error"])
"""

from __future__ import annotations

from pointcam_gui.core.batch.engines import ENGINES, analyse_many, default_workers
from pointcam_gui.core.batch.output import (
    OUTPUT_SUFFIXES,
    check_output,
    partial_path,
    read_rows,
    write_rows,
)
from pointcam_gui.core.batch.parts import (
    BatchSettings,
    Prepared,
    analyse_file,
    digest,
    find_parts,
    finish,
    prepare_file,
)

__all__ = ["ENGINES", "OUTPUT_SUFFIXES", "BatchSettings", "Prepared", "analyse_file",
           "analyse_many", "check_output", "default_workers", "digest", "find_parts", "finish",
           "partial_path", "prepare_file", "read_rows", "write_rows"]
