#!/usr/bin/env python3
"""langsheet: the translation review sheet a province hands to a translator.

One row per citizen-visible string: its key (a UI key of i18n/ui.json, or
the survey and the JSON path of a text object, as `sipasctl check` names
them), the Vietnamese reference, the English text, the target language's
text (an empty, highlighted cell where it is still missing) and a blank
column for the reviewer's correction. Writes HTML; review-sheet.sh prints
it to PDF with the project's fonts (docs/LANGUAGES.md).

Usage: langsheet.py --lang CODE --ui FILE [--survey FILE]... --fonts DIR
                    [--title TEXT] > sheet.html
"""

import argparse
import datetime
import html
import json
import os
import sys

REFERENCE = "vi"
# A row's text is capped like the kiosk caps it (SURVEY_TEXT_MAX bytes), so
# a damaged file cannot blow the sheet up.
TEXT_MAX = 400

# Names for the sheet's title: the province's usual name first, then
# ISO 639's (Debian's iso-codes, when installed, names any other code).
LANG_NAMES = {
    "km": "Khmer",
    "en": "English",
    "rad": "Ê Đê (Rade)",
    "cmo": "M'nông (Central Mnong)",
    "mng": "M'nông (Eastern Mnong)",
    "mnn": "M'nông (Southern Mnong)",
    "jra": "Jrai (Jarai)",
    "bdq": "Ba Na (Bahnar)",
    "cjm": "Chăm (Eastern Cham)",
    "sed": "Xơ Đăng (Sedang)",
    "kpm": "Cơ Ho (Koho)",
    "tyz": "Tày",
}
ISO_639_3 = "/usr/share/iso-codes/json/iso_639-3.json"


def lang_name(code):
    if code in LANG_NAMES:
        return LANG_NAMES[code]
    try:
        with open(ISO_639_3, encoding="utf-8") as f:
            for e in json.load(f)["639-3"]:
                if code in (e.get("alpha_3"), e.get("alpha_2")):
                    return e["name"]
    except (OSError, ValueError, KeyError):
        pass
    return code


def text_of(value):
    """The string, or '' for anything else (missing, null, a number)."""
    if isinstance(value, str):
        return value[:TEXT_MAX]
    return ""


# What the files say of the target language's state ("review":
# {"km": "machine-drafted, awaiting review ..."}), shown in the heading.
NOTES = []


def note_review(root, lang):
    review = root.get("review") if isinstance(root, dict) else None
    note = review.get(lang) if isinstance(review, dict) else None
    if isinstance(note, str) and note[:TEXT_MAX] not in NOTES:
        NOTES.append(note[:TEXT_MAX])


def ui_rows(path, lang):
    with open(path, encoding="utf-8") as f:
        words = json.load(f)
    note_review(words, lang)
    ref = words.get(REFERENCE)
    if not isinstance(ref, dict):
        sys.exit(f"langsheet: {path}: no \"{REFERENCE}\" object")
    en = words.get("en") if isinstance(words.get("en"), dict) else {}
    target = words.get(lang) if isinstance(words.get(lang), dict) else {}
    for key, vi in ref.items():
        yield key, text_of(vi), text_of(en.get(key)), text_of(target.get(key))


def survey_walk(node, path):
    """Text objects ({"vi": ...}) in file order, with their JSON paths."""
    if isinstance(node, list):
        for i, v in enumerate(node):
            yield from survey_walk(v, f"{path}[{i}]")
    elif isinstance(node, dict):
        if isinstance(node.get(REFERENCE), str):
            yield path, node
            return
        for k, v in node.items():
            yield from survey_walk(v, f"{path}.{k}" if path else k)


def survey_rows(path, lang):
    with open(path, encoding="utf-8") as f:
        survey = json.load(f)
    if not isinstance(survey, dict):
        sys.exit(f"langsheet: {path}: not a survey")
    note_review(survey, lang)
    for where, obj in survey_walk(survey, ""):
        yield (where, text_of(obj.get(REFERENCE)), text_of(obj.get("en")),
               text_of(obj.get(lang)))


def font_face(family, path, weight="normal"):
    url = "file://" + html.escape(os.path.abspath(path), quote=True)
    return (f"@font-face {{ font-family: '{family}'; src: url('{url}'); "
            f"font-weight: {weight}; }}\n")


CSS = """
@page { size: A4 landscape; margin: 10mm 9mm 11mm 9mm;
        @bottom-right { content: counter(page) " / " counter(pages); } }
html { font-family: 'SheetSans', 'SheetKhmer', sans-serif; font-size: 7.6pt;
       line-height: 1.32; color: #111; }
h1 { font-size: 12.5pt; margin: 0 0 1mm 0; }
p.lead { margin: 0 0 1.2mm 0; }
p.lead b { font-weight: bold; }
table { width: 100%; border-collapse: collapse; table-layout: fixed; }
thead { display: table-header-group; }
tr { break-inside: avoid; }
th { background: #1f3a5f; color: #fff; text-align: left; font-weight: bold;
     padding: 1mm 1.2mm; }
td { border: 0.25mm solid #9aa5b1; padding: 0.7mm 1.2mm; vertical-align: top;
     overflow-wrap: anywhere; }
td.key { font-size: 6.6pt; color: #333; }
td.target { font-family: 'SheetKhmer', 'SheetSans', sans-serif; font-size: 8.2pt; }
td.todo { background: #ffe066; }
td.fix { background: #fff; }
tr.file td { background: #e8edf3; font-weight: bold; border-top: 0.5mm solid #1f3a5f; }
col.c-key { width: 15%; } col.c-vi { width: 24%; } col.c-en { width: 21%; }
col.c-target { width: 22%; } col.c-fix { width: 18%; }
span.todo { background: #ffe066; padding: 0 1mm; }
span.where { color: #6b7785; font-size: 6pt; }
"""


def build(args):
    rows = []  # (file label, key, vi, en, target)
    sources = []
    if args.ui:
        label = os.path.relpath(args.ui, args.base) if args.base else args.ui
        sources.append(label)
        rows += [(label,) + r for r in ui_rows(args.ui, args.lang)]
    for s in args.survey:
        label = os.path.relpath(s, args.base) if args.base else s
        sources.append(label)
        rows += [(label,) + r for r in survey_rows(s, args.lang)]
    # A survey's rows carry its name too: a page may start mid-survey.
    stems = {lbl: os.path.splitext(os.path.basename(lbl))[0] for lbl in sources}
    ui_label = sources[0] if args.ui else None
    missing = sum(1 for r in rows if not r[4])
    name = lang_name(args.lang)
    title = args.title or f"Translation review: {name} ({args.lang})"
    today = args.date or datetime.date.today().isoformat()

    out = ["<!DOCTYPE html>\n<html lang=\"vi\"><head><meta charset=\"utf-8\">",
           f"<title>{html.escape(title)}</title><style>",
           font_face("SheetSans", os.path.join(args.fonts, "NotoSans-Regular.ttf")),
           font_face("SheetSans", os.path.join(args.fonts, "NotoSans-Bold.ttf"), "bold"),
           font_face("SheetKhmer", os.path.join(args.fonts, "NotoSansKhmer-Regular.ttf")),
           CSS, "</style></head><body>"]
    out.append(f"<h1>{html.escape(title)} · Phiếu rà soát bản dịch</h1>")
    out.append(
        "<p class=\"lead\">Check each text in the target column against the "
        "Vietnamese reference; write the corrected text in the last column, "
        "leave it blank when the text is right. "
        "<span class=\"todo\">Highlighted</span> cells are not translated yet: "
        "the kiosk shows the Vietnamese text there. "
        "Đối chiếu từng câu với bản tiếng Việt; ghi bản sửa vào cột cuối, "
        "để trống nếu đúng. Ô tô vàng: chưa có bản dịch.</p>")
    out.append(
        f"<p class=\"lead\"><b>{len(rows)}</b> strings, "
        f"<b>{missing}</b> not yet translated · files: "
        f"{html.escape(', '.join(sources))} · generated {html.escape(today)} · "
        "reviewer / người rà soát: ____________________ "
        "date / ngày: ____________</p>")
    if NOTES:
        out.append("<p class=\"lead\"><b>State of this translation / "
                   "Tình trạng bản dịch:</b> "
                   f"{html.escape('; '.join(NOTES))}</p>")
    out.append("<table><colgroup><col class=\"c-key\"><col class=\"c-vi\">"
               "<col class=\"c-en\"><col class=\"c-target\"><col class=\"c-fix\">"
               "</colgroup><thead><tr><th>Key</th><th>Tiếng Việt (reference)</th>"
               f"<th>English</th><th>{html.escape(name)} ({html.escape(args.lang)})</th>"
               "<th>Correction / Sửa lại</th></tr></thead><tbody>")
    current = None
    for label, key, vi, en, target in rows:
        if label != current:
            current = label
            out.append(f"<tr class=\"file\"><td colspan=\"5\">{html.escape(label)}</td></tr>")
        cls = "target" if target else "target todo"
        where = ("" if label == ui_label
                 else f"<span class=\"where\">{html.escape(stems[label])}</span><br>")
        out.append(
            f"<tr><td class=\"key\">{where}{html.escape(key)}</td>"
            f"<td>{html.escape(vi)}</td><td lang=\"en\">{html.escape(en)}</td>"
            f"<td class=\"{cls}\" lang=\"{html.escape(args.lang)}\">{html.escape(target)}</td>"
            "<td class=\"fix\"></td></tr>")
    out.append("</tbody></table></body></html>\n")
    return "".join(out)


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--lang", default="km", help="target language code (km)")
    p.add_argument("--ui", help="the UI words, assets/i18n/ui.json")
    p.add_argument("--survey", action="append", default=[],
                   help="a survey file; repeatable")
    p.add_argument("--fonts", required=True, help="assets/fonts")
    p.add_argument("--base", help="file names are shown relative to this")
    p.add_argument("--title", help="the sheet's title")
    p.add_argument("--date", help="the date printed (YYYY-MM-DD; default today)")
    args = p.parse_args()
    if not args.ui and not args.survey:
        p.error("give --ui FILE and/or --survey FILE")
    if not (2 <= len(args.lang) <= 3 and args.lang.isascii() and args.lang.isalpha()
            and args.lang.islower()):
        p.error("--lang: a code of 2 or 3 letters a-z (ISO 639), such as km")
    sys.stdout.write(build(args))


if __name__ == "__main__":
    main()
