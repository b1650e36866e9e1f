"""Mutation fuzzing of part loading (and, with --analyse, the analysis): not part of the tests.

    python benchmarks/fuzz_parts.py [--inputs 20000] [--seed 0] [--analyse] [--out DIR]
                                    [--only .obj ...] [--shortcuts]

Seeds are the shipped samples written in every format this installation reads (binary and
ASCII STL, OBJ, binary and ASCII PLY, OFF, GLB, glTF with its buffer embedded, 3MF). Each input
is one seed with one to three mutations: bit flips, byte runs overwritten, truncation, a count
or size lie (the binary STL header's triangle count, a PLY element count, an OBJ face index),
a splice of two seeds, or, in text formats, numbers replaced by nan, inf, 1e309 or -0. Every
input must end in a result or in one PointCAMError line: any other exception, a printed warning,
a NaN in a result, or more than --timeout seconds (SIGALRM, so Python-level hangs only) is a
finding, written to --out with its reason. Prints the tally per outcome.
"""

from __future__ import annotations

import argparse
import collections
import contextlib
import io
import re
import signal
import sys
import tempfile
import time
import traceback
import warnings
from collections.abc import Callable, Iterator
from pathlib import Path

import numpy as np
import trimesh

from pointcam_gui.core.errors import PointCAMError
from pointcam_gui.core.mesh_io import load_mesh, supported_suffixes
from pointcam_gui.resources import samples

TEXT = (".obj", ".objp", ".off", ".gltf", ".stla", ".plya")  # mutated as text and as bytes
# seed variants written to disk under the real suffix: ASCII STL and PLY, plain OBJ (v and f)
ALIASES = {".stla": ".stl", ".plya": ".ply", ".objp": ".obj"}
_NUMBER = re.compile(rb"-?\d+\.\d+(?:[eE][-+]?\d+)?")
_ODD_NUMBERS = (b"nan", b"inf", b"-inf", b"1e309", b"-0", b"1e-320", b"99999999999")


def seeds() -> dict[str, bytes]:
    """name -> file bytes: every sample in every format (the suffix ends the name)."""
    out: dict[str, bytes] = {}
    for path in samples():
        mesh = trimesh.load_mesh(path)
        for suffix, kind, options in ((".stl", "stl", {}), (".stla", "stl_ascii", {}),
                                      (".obj", "obj", {}), (".ply", "ply", {}),
                                      (".objp", "obj", {"include_normals": False}),
                                      (".plya", "ply", {"encoding": "ascii"}),
                                      (".off", "off", {}), (".glb", "glb", {}),
                                      (".gltf", "gltf", {"embed_buffers": True}),
                                      (".3mf", "3mf", {})):
            real = ALIASES.get(suffix, suffix)
            if real not in supported_suffixes():
                continue
            data = mesh.export(file_type=kind, **options)
            if isinstance(data, dict):  # glTF as several files: the embedded one is wanted
                data = data["model.gltf"]
            data = data.encode() if isinstance(data, str) else data
            out[f"{path.stem}{suffix}"] = _reproducible_3mf(data) if suffix == ".3mf" else data
    return out


def _reproducible_3mf(data: bytes) -> bytes:
    """A 3MF (zip) export made the same on every run: trimesh writes random UUIDs into the model
    and the time of the export into the zip, and splices of it would make a seed's inputs
    differ from one run to the next. UUIDs are numbered, members dated 1980-01-01."""
    import zipfile

    uuids: dict[bytes, bytes] = {}

    def numbered(match: re.Match[bytes]) -> bytes:
        return uuids.setdefault(match.group(0),
                                f"00000000-0000-4000-8000-{len(uuids):012d}".encode())

    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, \
            zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            member = _UUID.sub(numbered, source.read(info))
            target.writestr(zipfile.ZipInfo(info.filename, (1980, 1, 1, 0, 0, 0)), member,
                            compress_type=info.compress_type)
    return out.getvalue()


_UUID = re.compile(rb"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")


Mutation = Callable[[bytes, np.random.Generator, dict[str, bytes]], bytes]


def _flip(data: bytes, rng: np.random.Generator, _seeds: dict[str, bytes]) -> bytes:
    b = bytearray(data)
    for _ in range(int(rng.integers(1, 16))):
        i = int(rng.integers(len(b)))
        b[i] ^= 1 << int(rng.integers(8))
    return bytes(b)


def _overwrite(data: bytes, rng: np.random.Generator, _seeds: dict[str, bytes]) -> bytes:
    i, n = int(rng.integers(len(data))), int(rng.integers(1, 64))
    fill = rng.integers(0, 256, n, dtype=np.uint8).tobytes() if rng.random() < 0.5 else (
        b"\xff" * n)
    return data[:i] + fill + data[i + n:]


def _truncate(data: bytes, rng: np.random.Generator, _seeds: dict[str, bytes]) -> bytes:
    return data[:int(rng.integers(0, len(data)))]


def _lie(data: bytes, rng: np.random.Generator, _seeds: dict[str, bytes]) -> bytes:
    """A count or size that does not match the data."""
    value = int(rng.choice([0, 1, 3, 2**31 - 1, 2**32 - 1, int(rng.integers(1, 10**7))]))
    if data[:5] == b"ply\n" or data[:5] == b"ply\r\n":
        return re.sub(rb"(element \w+ )\d+", lambda m: m.group(1) + str(value).encode(), data,
                      count=int(rng.integers(1, 3)))
    if data[:4] == b"glTF":  # the container's length, or a chunk's
        at = int(rng.choice([8, 12]))
        return data[:at] + (value % 2**32).to_bytes(4, "little") + data[at + 4:]
    if b"\nf " in data:  # an OBJ face pointing anywhere
        return data.replace(b"\nf ", f"\nf {value} ".encode(), 1)
    if len(data) >= 84:  # a binary STL's triangle count
        return data[:80] + (value % 2**32).to_bytes(4, "little") + data[84:]
    return data


def _splice(data: bytes, rng: np.random.Generator, pool: dict[str, bytes]) -> bytes:
    other = pool[str(rng.choice(list(pool)))]
    return data[:int(rng.integers(len(data)))] + other[int(rng.integers(len(other))):]


def _numbers(data: bytes, rng: np.random.Generator, _seeds: dict[str, bytes]) -> bytes:
    spots = [m.span() for m in _NUMBER.finditer(data[:200_000])]
    if not spots:
        return data
    out, last = [], 0
    for i in sorted(rng.choice(len(spots), min(len(spots), int(rng.integers(1, 6))),
                               replace=False)):
        start, end = spots[i]
        out += [data[last:start], _ODD_NUMBERS[int(rng.integers(len(_ODD_NUMBERS)))]]
        last = end
    return b"".join([*out, data[last:]])


MUTATIONS: dict[str, Mutation] = {"flip": _flip, "overwrite": _overwrite, "truncate": _truncate,
                                  "lie": _lie, "splice": _splice, "numbers": _numbers}


@contextlib.contextmanager
def _deadline(seconds: float) -> Iterator[None]:
    def fire(_signum: int, _frame: object) -> None:
        raise TimeoutError(f"no answer after {seconds:.0f} s")

    old = signal.signal(signal.SIGALRM, fire)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, old)


def judge(path: Path, analyse: Callable[[trimesh.Trimesh], object] | None,
          timeout: float, *, welded: bool = True) -> tuple[str, str]:
    """(outcome, detail): "ok", "error" (a PointCAMError line) or a finding. ``welded=False``
    reads as `pointcam explain` without a picture and `pointcam batch` do."""
    stderr = io.StringIO()
    try:
        with warnings.catch_warnings(record=True) as printed, \
                contextlib.redirect_stderr(stderr), _deadline(timeout):
            warnings.simplefilter("always")
            mesh = load_mesh(path, welded=welded)
            if not np.isfinite(mesh.vertices).all():
                return "nan", "non-finite vertices in a loaded mesh"
            if analyse is not None:
                result = analyse(mesh)
                heat = np.asarray(getattr(result, "vertex_heat", []))
                probs = np.asarray(getattr(result, "probabilities", []))
                if not (np.isfinite(heat).all() and np.isfinite(probs).all()):
                    return "nan", "non-finite heat or probabilities"
    except PointCAMError as exc:
        text = str(exc)
        if "\n" in text:
            return "multiline", text
        return ("warning", f"{printed[0].message} before: {text}") if printed else ("error", text)
    except TimeoutError as exc:
        return "hang", str(exc)
    except Exception:
        return "crash", traceback.format_exc(limit=6)
    if printed:
        return "warning", str(printed[0].message)
    if stderr.getvalue().strip():
        return "printed", stderr.getvalue().strip()[:300]
    return "ok", ""


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--inputs", type=int, default=20_000)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--timeout", type=float, default=10.0)
    parser.add_argument("--analyse", action="store_true",
                        help="also run Classifier.analyse on what loads (the shipped model)")
    parser.add_argument("--out", type=Path, default=Path("fuzz-findings"))
    parser.add_argument("--only", nargs="+", metavar="SUFFIX",
                        help="seed formats to mutate, e.g. .obj .stla (default: all)")
    parser.add_argument("--shortcuts", action="store_true",
                        help="send every input through the fast readers (plain OBJ, ASCII "
                             "STL), which otherwise wait for big files")
    parser.add_argument("--unwelded", action="store_true",
                        help="read without the weld, as `pointcam explain` without a picture "
                             "and `pointcam batch` do (STL is then fused, not welded)")
    args = parser.parse_args()
    if args.shortcuts:
        from pointcam_gui.core import ascii_stl, plain_obj

        plain_obj.FROM_BYTES = ascii_stl.FROM_BYTES = 0
        plain_obj.TEXT_BLOCK = ascii_stl.TEXT_BLOCK = 4096  # several blocks even for samples
    pool = seeds()
    names = sorted(n for n in pool if not args.only or Path(n).suffix in args.only)
    analyse = None
    if args.analyse:
        from pointcam_gui.core import Classifier

        clf = Classifier.load(None, device="cpu")
        analyse = clf.analyse
    rng = np.random.default_rng(args.seed)
    tally: collections.Counter[str] = collections.Counter()
    findings = 0
    t0 = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="pointcam-fuzz-") as tmp:
        for i in range(args.inputs):
            name = names[int(rng.integers(len(names)))]
            data, applied = pool[name], []
            for _ in range(int(rng.integers(1, 4))):
                if not data:  # truncated to nothing: nothing left to mutate
                    break
                kind = str(rng.choice(list(MUTATIONS)))
                if kind == "numbers" and not name.endswith(TEXT):
                    kind = "flip"
                data = MUTATIONS[kind](data, rng, pool)
                applied.append(kind)
            suffix = ALIASES.get(Path(name).suffix, Path(name).suffix)
            path = Path(tmp) / f"input{i}{suffix}"
            path.write_bytes(data)
            outcome, detail = judge(path, analyse, args.timeout, welded=not args.unwelded)
            tally[outcome] += 1
            if outcome not in ("ok", "error"):
                findings += 1
                args.out.mkdir(parents=True, exist_ok=True)
                keep = args.out / f"{outcome}-{i}{suffix}"
                keep.write_bytes(data)
                keep.with_suffix(keep.suffix + ".txt").write_text(
                    f"seed file {name}, mutations {applied}\n{detail}\n")
            path.unlink()
            if (i + 1) % 500 == 0:
                print(f"{i + 1} inputs, {time.perf_counter() - t0:.0f} s: {dict(tally)}",
                      flush=True)
    print(f"{args.inputs} inputs from {len(pool)} seeds in {time.perf_counter() - t0:.0f} s: "
          f"{dict(tally)}; {findings} findings" + (f" in {args.out}" if findings else ""))
    return 1 if findings else 0


if __name__ == "__main__":
    sys.exit(main())
