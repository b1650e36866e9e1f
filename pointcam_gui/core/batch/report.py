"""The batch report: one self-contained HTML file (pictures inline, no network, no library).

A summary per class, a confusion matrix when the parts sit in folders named like the classes
(a dataset), and a table of every part with its heat thumbnail, sortable by any column and
filterable by text, class, unfamiliar parts and errors, with a few lines of plain JavaScript.
"""

from __future__ import annotations

import base64
import datetime
import os
from collections import Counter
from html import escape
from pathlib import Path
from typing import Any

from pointcam_gui.core.classes import SLUGS, percent

_STYLE = """
body{font:14px/1.45 system-ui,sans-serif;margin:24px;color:#1d2430;background:#fafbfc}
h1{font-size:22px;margin:0 0 4px}h2{font-size:17px;margin:28px 0 8px}
.meta{color:#5b6575;margin-bottom:16px}
.cards{display:flex;gap:12px;flex-wrap:wrap}
.card{background:#fff;border:1px solid #dde2ea;border-radius:8px;padding:10px 16px;min-width:110px}
.card b{display:block;font-size:22px}
table{border-collapse:collapse;background:#fff}
th,td{border:1px solid #dde2ea;padding:4px 8px;text-align:left;vertical-align:middle}
th{background:#eef1f6;position:sticky;top:0}
#parts th{cursor:pointer;user-select:none}#parts th:after{content:" \\2195";color:#9aa3b2}
td.n{text-align:right;font-variant-numeric:tabular-nums}
tr.error td{color:#8a93a3}tr.error td.err{color:#b3261e}
.tag{background:#fff3cd;border:1px solid #e0b84c;border-radius:4px;padding:0 5px;font-size:12px}
.controls{display:flex;gap:14px;align-items:center;margin:8px 0;flex-wrap:wrap}
img{display:block;width:120px;height:90px;object-fit:contain}
.cm td{text-align:center;min-width:28px}
.cm td.hit{background:#d4edda}.cm td.miss{background:#f8d7da}
.cm th.r{writing-mode:vertical-rl;transform:rotate(180deg);font-weight:normal;font-size:12px}
"""

_SCRIPT = """
const table=document.getElementById('parts'),body=table.tBodies[0];
const rows=[...body.rows];let sortCol=-1,asc=true;
table.tHead.rows[0].querySelectorAll('th').forEach((th,i)=>th.onclick=()=>{
  asc=(sortCol===i)?!asc:true;sortCol=i;
  rows.sort((a,b)=>{const x=a.cells[i].dataset.v??a.cells[i].textContent,
    y=b.cells[i].dataset.v??b.cells[i].textContent;
    const nx=parseFloat(x),ny=parseFloat(y);
    const c=(!isNaN(nx)&&!isNaN(ny))?nx-ny:x.localeCompare(y);return asc?c:-c;});
  rows.forEach(r=>body.appendChild(r));});
const q=document.getElementById('q'),cls=document.getElementById('cls'),
  unf=document.getElementById('unf'),err=document.getElementById('err'),
  shown=document.getElementById('shown');
function filter(){let n=0;const t=q.value.toLowerCase();rows.forEach(r=>{
  const ok=(!t||r.textContent.toLowerCase().includes(t))&&(!cls.value||r.dataset.cls===cls.value)
    &&(!unf.checked||r.dataset.unf==='1')&&(!err.checked||r.dataset.err==='1');
  r.style.display=ok?'':'none';n+=ok;});shown.textContent=n+' of '+rows.length+' parts';}
[q,cls,unf,err].forEach(e=>e.oninput=filter);filter();
"""


def expected_class(path: str, class_names: tuple[str, ...]) -> str | None:
    """The class a part's folder names, as datasets are laid out (``hook/part.stl``), or None."""
    folder = Path(path).parent.name.casefold()
    for name in class_names:
        if folder in (name.casefold(), SLUGS.get(name, "").casefold()):
            return name
    return None


def build_report(rows: list[dict[str, Any]], thumbnails: dict[str, bytes],
                 class_names: tuple[str, ...], *, title: str = "PointCAM batch report",
                 details: str = "", ignored: int = 0) -> str:
    """The report's HTML; ``thumbnails`` maps a part's sha256 to JPEG bytes."""
    rows = sorted(rows, key=lambda r: r["file"])
    good = [r for r in rows if not r["error"]]
    errors = len(rows) - len(good)
    unfamiliar = sum(bool(r["unfamiliar"]) for r in good)
    root = _common_folder([r["file"] for r in rows])
    when = datetime.datetime.now().astimezone().strftime("%Y-%m-%d %H:%M")
    cards = [("parts", len(rows)), ("analysed", len(good)), ("unfamiliar", unfamiliar),
             ("errors", errors)] + ([("other files ignored", ignored)] if ignored else [])
    parts = [
        f"<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'>"
        f"<meta name='viewport' content='width=device-width,initial-scale=1'>"
        f"<title>{escape(title)}</title><style>{_STYLE}</style></head><body>",
        f"<h1>{escape(title)}</h1><div class='meta'>{escape(when)} &middot; {escape(root)}"
        f"{' &middot; ' + escape(details) if details else ''}</div>",
        "<div class='cards'>" + "".join(f"<div class='card'><b>{v:,}</b>{escape(k)}</div>"
                                        for k, v in cards) + "</div>",
        _per_class(good, class_names),
        _confusion(good, class_names),
        _parts_table(rows, thumbnails, class_names, root),
        f"<script>{_SCRIPT}</script></body></html>",
    ]
    return "\n".join(p for p in parts if p)


def _per_class(good: list[dict[str, Any]], class_names: tuple[str, ...]) -> str:
    counts = Counter(r["predicted"]["name"] for r in good)
    lines = ["<h2>Per class</h2><table><tr><th>predicted class</th><th>parts</th>"
             "<th>mean probability</th><th>unfamiliar</th></tr>"]
    for name in class_names:
        mine = [r for r in good if r["predicted"]["name"] == name]
        if not mine:
            continue
        mean = sum(r["predicted"]["probability"] for r in mine) / len(mine)
        unfamiliar = sum(bool(r["unfamiliar"]) for r in mine)
        lines.append(f"<tr><td>{escape(name)}</td><td class='n'>{counts[name]}</td>"
                     f"<td class='n'>{100 * mean:.1f}%</td><td class='n'>{unfamiliar}</td></tr>")
    return "".join(lines) + "</table>"


def _confusion(good: list[dict[str, Any]], class_names: tuple[str, ...]) -> str:
    """A confusion matrix when most parts sit in folders named like classes; else nothing."""
    pairs = [(expected_class(r["file"], class_names), r["predicted"]["name"]) for r in good]
    labelled = [(e, p) for e, p in pairs if e is not None]
    if not labelled or len(labelled) < len(pairs) / 2:
        return ""
    counts = Counter(labelled)
    right = sum(n for (e, p), n in counts.items() if e == p)
    head = "".join(f"<th class='r' title='{escape(n)}'>{escape(SLUGS.get(n, n))}</th>"
                   for n in class_names)
    lines = [f"<h2>Confusion matrix</h2><div class='meta'>folders named like the classes: "
             f"{right} of {len(labelled)} parts named right ({100 * right / len(labelled):.1f}%)"
             f"; rows: the folder's class, columns: the predicted class</div>"
             f"<table class='cm'><tr><th></th>{head}</tr>"]
    for expected in class_names:
        if not any(e == expected for e, _ in labelled):
            continue
        cells = "".join(
            f"<td class='{'hit' if p == expected else 'miss'}'>{counts[(expected, p)]}</td>"
            if counts[(expected, p)] else "<td></td>" for p in class_names)
        lines.append(f"<tr><th>{escape(expected)}</th>{cells}</tr>")
    return "".join(lines) + "</table>"


def _parts_table(rows: list[dict[str, Any]], thumbnails: dict[str, bytes],
                 class_names: tuple[str, ...], root: str) -> str:
    options = "".join(f"<option>{escape(n)}</option>" for n in class_names)
    lines = [
        "<h2>Parts</h2><div class='controls'>"
        "<input id='q' type='search' placeholder='Filter by text…' size='28'>"
        f"<select id='cls'><option value=''>every class</option>{options}</select>"
        "<label><input id='unf' type='checkbox'> unfamiliar only</label>"
        "<label><input id='err' type='checkbox'> errors only</label>"
        "<span id='shown' class='meta'></span></div>",
        "<table id='parts'><thead><tr><th>picture</th><th>file</th><th>predicted class</th>"
        "<th>probability</th><th>novelty</th><th>unfamiliar</th><th>faces</th><th>error</th>"
        "</tr></thead><tbody>"]
    for r in rows:
        name = os.path.relpath(r["file"], root) if root else r["file"]
        picture = thumbnails.get(r["sha256"] or "")
        img = (f"<img alt='' loading='lazy' src='data:image/jpeg;base64,"
               f"{base64.b64encode(picture).decode()}'>" if picture else "")
        if r["error"]:
            lines.append(f"<tr class='error' data-cls='' data-unf='0' data-err='1'><td></td>"
                         f"<td>{escape(name)}</td><td></td><td data-v='-1'></td>"
                         f"<td data-v='-1e9'></td><td></td><td data-v='-1'></td>"
                         f"<td class='err'>{escape(r['error'])}</td></tr>")
            continue
        predicted, novelty = r["predicted"], r["novelty"]
        unfamiliar = bool(r["unfamiliar"])
        tag = "<span class='tag'>unfamiliar</span>" if unfamiliar else ""
        lines.append(
            f"<tr data-cls='{escape(predicted['name'])}' data-unf='{int(unfamiliar)}' "
            f"data-err='0'><td>{img}</td><td>{escape(name)}</td>"
            f"<td>{escape(predicted['name'])}</td>"
            f"<td class='n' data-v='{predicted['probability']}'>"
            f"{escape(percent(predicted['probability'], sign='%'))}</td>"
            f"<td class='n' data-v='{'-1e9' if novelty is None else novelty}'>"
            f"{'' if novelty is None else f'{novelty:.3f}'}</td>"
            f"<td data-v='{int(unfamiliar)}'>{tag}</td>"
            f"<td class='n' data-v='{r['faces']}'>{r['faces']:,}</td><td></td></tr>")
    return "".join(lines) + "</tbody></table>"


def _common_folder(files: list[str]) -> str:
    if not files:
        return ""
    try:
        return os.path.commonpath([str(Path(f).parent) for f in files])
    except ValueError:  # different drives
        return ""
