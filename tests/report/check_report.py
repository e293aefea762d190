#!/usr/bin/env python3
"""Checks a `sipas-report` CSV or XLSX against the hub's own statistics.

check_report.py csv  REPORT.csv  STATS_DIR
check_report.py xlsx REPORT.xlsx STATS_DIR REPORT.csv

STATS_DIR holds the hub's answers to GET /api/v1/stats for the same range:
total.json (no group), unit.json, field.json, month.json.

Counts must be equal, percentages equal to the hub's to the hundredth
(the CSV's precision). The rules of docs/REPORTS.md are checked against
the hub's answers too: a cell without data holds "—" (never 0 or empty);
units and fields under 30 complete responses carry "*" in the column the
method note promises; counts say they are complete responses; reason
shares are rounded half away from zero from the hub's integer counts
(5 of 32 is 15.63, not 15.62); the XLSX shows percentages to two
decimals. Prints what it checked; exits 1 with the first difference.
"""
import csv
import fractions
import json
import os
import re
import sys
import xml.etree.ElementTree as ET
import zipfile

SECTIONS = ["Tổng hợp", "Chỉ tiêu", "Theo đơn vị", "Theo lĩnh vực",
            "Theo tháng", "Thông tư 01", "Lý do chưa hài lòng", "Phương pháp"]
checked = []
NO_DATA = "—"
# The five-element index, named as counter feedback within the SIPAS
# framework, never as the national SIPAS index.
MEASURE = "Đo lường sự hài lòng tại quầy (theo khung SIPAS) (%)"
COUNT = "Số phiếu hoàn thành"
SMALL = "Dưới 30 phiếu (*)"
SMALL_GROUP = 30


def fail(msg):
    print("check_report: " + msg, file=sys.stderr)
    sys.exit(1)


def same(a, b, what, tol=0.011):
    if a is None or b is None:
        if a is not None or b is not None:
            fail("%s: %r != %r" % (what, a, b))
        return
    if abs(float(a) - float(b)) > tol:
        fail("%s: %r != %r" % (what, a, b))


def load_stats(d):
    return {k: json.load(open(os.path.join(d, k + ".json"), encoding="utf-8"))
            for k in ("total", "unit", "field", "month")}


def key_code(group):
    key = group["key"]
    for k in ("unit", "field", "period", "month"):
        if isinstance(key.get(k), str):
            return key[k]
    return ""


def has_c01(stats):
    return any(g.get("c01") for g in stats["unit"]["groups"])


def expected_figures(group):
    """(index, overall) as the hub computed them."""
    if "index" not in group:
        fail("the hub sent no figures; it predates docs/STATS_API.md")
    return group["index"], (group.get("overall") or {}).get("satisfied_pct")


VERDICT = {True: "Đạt", False: "Chưa đạt", None: "—"}
# What the report's unit and field tables hold a group against
# (report_prefer_unit, report_prefer_field).
PREFER = {"unit": ["tthc", "phuc-vu-hcnn", "y-te-giao-duc"],
          "field": ["tthc-dat-dai-xay-dung-dau-tu", "y-te-giao-duc", "tthc",
                    "phuc-vu-hcnn"]}


def pick_target(group, prefer):
    ts = group.get("targets") or []
    found = [t for p in prefer for t in ts if t["indicator"] == p]
    with_value = [t for t in found if t.get("value") is not None]
    return (with_value or found or ts or [None])[0]


def num(cell):
    """A figure's cell: "—" is no data; an empty cell is a fault."""
    if cell in ("", None):
        fail("an empty cell where a figure or %r belongs" % NO_DATA)
    return None if cell == NO_DATA else float(cell)


def centi_text(n, total):
    """n / total in percent to hundredths, half away from zero, exactly."""
    c = fractions.Fraction(10000 * n, total) + fractions.Fraction(1, 2)
    c = c.numerator // c.denominator
    return "%d.%02d" % (c // 100, c % 100)


def is_tie(n, total):
    return (20000 * n) % total == 0 and (20000 * n // total) % 2 == 1


def small_mark(group):
    return "*" if group["responses"] < SMALL_GROUP else ""


def read_csv(path):
    raw = open(path, "rb").read()
    if not raw.startswith(b"\xef\xbb\xbf"):
        fail("the CSV has no byte-order mark")
    if b"\r\n" not in raw:
        fail("the CSV lines do not end in CRLF")
    rows = list(csv.reader(raw.decode("utf-8-sig").splitlines()))
    sections, cur = {}, None
    for row in rows:
        if len(row) == 1 and row[0] in SECTIONS:
            cur = sections.setdefault(row[0], [])
        elif not row or not any(row):
            cur = None
        elif cur is not None:
            cur.append(row)
    for s in ("Tổng hợp", "Chỉ tiêu", "Theo đơn vị", "Theo lĩnh vực",
              "Theo tháng", "Lý do chưa hài lòng", "Phương pháp"):
        if s not in sections:
            fail("CSV section %r is missing" % s)
    return rows, sections


class Row(dict):
    """A table row whose missing column is a clear failure."""

    def __missing__(self, col):
        fail("column %r is missing (have %s)" % (col, sorted(self)))


def table(section):
    head = section[0]
    return [Row(zip(head, r)) for r in section[1:]]


def check_csv(path, stats):
    rows, sec = read_csv(path)
    if "Báo cáo kết quả đánh giá mức độ hài lòng" not in rows[0][0]:
        fail("CSV title line: %r" % rows[0])
    scope = stats["total"].get("scope")
    if scope and scope.get("name") and rows[1][1] != scope["name"]:
        fail("CSV scope %r, hub %r" % (rows[1], scope))
    total = stats["total"]["groups"][0]
    summary = {r[0]: r[1:] for r in sec["Tổng hợp"][1:]}
    for r in sec["Tổng hợp"][1:]:
        if len(r) > 4:
            fail("summary row with stray cells: %r" % r)
    el = summary["Tiếp nhận, xử lý góp ý, phản ánh, kiến nghị (%)"]
    same(num(el[0]), total["elements"]["gop-y"]["index"], "element gop-y")
    same(summary["Số phiếu hoàn thành"][0], total["responses"], "responses")
    same(summary["Phiếu chưa hoàn thành (tính câu đã trả lời)"][0], total["partial"],
         "partial")
    same(summary["Phiếu bị loại (không tính)"][0], total["suppressed"],
         "suppressed")
    index, overall = expected_figures(total)
    same(num(summary[MEASURE][0]), index, "index")
    same(num(summary["Câu hỏi chung: hài lòng (%)"][0]), overall, "overall")
    checked.append("summary: %d responses, index %s" %
                   (total["responses"], summary[MEASURE][0]))
    for name, sname, key in (("unit", "Theo đơn vị", "Mã đơn vị"),
                             ("field", "Theo lĩnh vực", "Mã lĩnh vực")):
        got = {r[key]: r for r in table(sec[sname])}
        want = {key_code(g): g for g in stats[name]["groups"]}
        if set(got) != set(want):
            fail("%s rows %s != hub %s" % (name, sorted(got), sorted(want)))
        for code, g in want.items():
            r = got[code]
            same(r[COUNT], g["responses"], "%s %s responses" % (name, code))
            if r[SMALL] != small_mark(g):
                fail("%s %s: %d responses, mark %r" %
                     (name, code, g["responses"], r[SMALL]))
            for col, el in (("Tiếp cận dịch vụ (%)", "tiep-can"),
                            ("Thủ tục hành chính (%)", "thu-tuc"),
                            ("Công chức (%)", "cong-chuc"),
                            ("Kết quả (%)", "ket-qua"),
                            ("Góp ý, phản ánh (%)", "gop-y")):
                want_el = ((g.get("elements") or {}).get(el) or {}).get("index")
                same(num(r[col]), want_el, "%s %s %s" % (name, code, el))
            if "index" in g and g["index"] is None:
                if r["KTC 95% thấp"] != NO_DATA or r["KTC 95% cao"] != NO_DATA:
                    fail("%s %s: interval without data: %r" % (name, code, r))
            same(r["Chưa hoàn thành"], g["partial"], "%s %s partial" % (name, code))
            same(r["Bị loại"], g["suppressed"], "%s %s suppressed" % (name, code))
            index, overall = expected_figures(g)
            same(num(r["Chỉ số (%)"]), index, "%s %s index" % (name, code))
            same(num(r["Câu hỏi chung (%)"]), overall,
                 "%s %s overall" % (name, code))
            # The target beside the row: the first preferred one the hub
            # could judge, with the value it judged (over the target's
            # fields, not the row's index) and its verdict.
            t = pick_target(g, PREFER[name])
            if t is None:
                if r["Chỉ tiêu"] not in ("", NO_DATA):
                    fail("%s %s: a target the hub did not send" % (name, code))
            else:
                if r["Chỉ tiêu"] != t["indicator"]:
                    fail("%s %s: target %r, want %r" % (name, code, r["Chỉ tiêu"], t["indicator"]))
                same(num(r["Kết quả theo chỉ tiêu (%)"]), t.get("value"),
                     "%s %s judged value" % (name, code))
                if r["Đánh giá"] != VERDICT[t.get("met")]:
                    fail("%s %s verdict %r, hub %r" % (name, code, r["Đánh giá"], t))
        s = sum(int(r[COUNT]) for r in got.values())
        same(s, total["responses"], "sum of %s rows" % name)
        marked = sum(1 for r in got.values() if r[SMALL] == "*")
        nodata = sum(1 for r in got.values() for v in r.values() if v == NO_DATA)
        checked.append("%d %s rows, sum %d, %d marked *, %d cells —" %
                       (len(got), name, s, marked, nodata))
    months = {r["Tháng"]: r for r in table(sec["Theo tháng"])}
    for g in stats["month"]["groups"]:
        same(months[key_code(g)][COUNT], g["responses"],
             "month %s" % key_code(g))
    checked.append("%d months" % len(months))
    if has_c01(stats):
        if "Thông tư 01" not in sec:
            fail("Circular 01 data at the hub but no CSV section")
        rows01 = table(sec["Thông tư 01"])
        bands = {"xuat-sac": "Xuất sắc", "tot": "Tốt", "kha": "Khá",
                 "trung-binh": "Trung bình", "yeu": "Yếu"}
        hub01 = {key_code(g): g["c01"] for g in stats["unit"]["groups"]
                 if g.get("c01")}
        for r in rows01:
            h = hub01.get(r["Mã đơn vị"]) if r["Mã đơn vị"] else \
                total.get("c01")
            ut = (h or {}).get("unit_total")
            if ut:  # the hub's own unit total, where it sends one
                same(r["Tổng điểm (/18)"], ut["total"], "C01 total")
                if r["Xếp loại"] != bands[ut["band"]]:
                    fail("C01 band %r, hub %r" % (r["Xếp loại"], ut["band"]))
            if r["Đủ 9 chỉ số"] != "0" or r["CS1"] != NO_DATA:
                fail("Circular 01: a missing indicator was filled in: %r" % r)
            if not r["Xếp loại"]:
                fail("Circular 01 row without a band: %r" % r)
        checked.append("Circular 01: %d rows" % len(rows01))
    targets = {r["Mã chỉ tiêu"]: r for r in table(sec["Chỉ tiêu"])}
    verdict = VERDICT
    for t in total.get("targets") or []:
        r = targets.get(t["indicator"])
        if r is None:
            fail("target %s missing from the CSV" % t["indicator"])
        same(r["Mức (%)"], t["threshold"], "target %s" % t["indicator"])
        same(num(r["Kết quả (%)"]), t.get("value"), "value %s" % t["indicator"])
        if r["Đánh giá"] != verdict[t.get("met")]:
            fail("target %s: %r, hub %r" % (t["indicator"], r, t))
        if r["Căn cứ"] != (t.get("basis") or ""):
            fail("target %s basis %r, hub %r" % (t["indicator"], r["Căn cứ"], t.get("basis")))
    checked.append("%d targets" % len(targets))
    reasons = table(sec["Lý do chưa hài lòng"])
    hub_reasons = total.get("reasons") or {}
    total_reasons = sum(hub_reasons.values())
    same(sum(int(r["Số lượt chọn"]) for r in reasons), total_reasons,
         "reasons")
    ties = 0
    for r in reasons:
        n = hub_reasons.get(r["Mã"])
        if n is None or int(r["Số lượt chọn"]) != n:
            fail("reason %s: %r, hub %r" % (r["Mã"], r, n))
        if r["Tỷ lệ (%)"] != centi_text(n, total_reasons):
            fail("reason %s: share %s of %d of %d, half away from zero is %s"
                 % (r["Mã"], r["Tỷ lệ (%)"], n, total_reasons,
                    centi_text(n, total_reasons)))
        ties += is_tie(n, total_reasons)
    if not ties and NEED_TIE:
        fail("no reason share is a tie: the rounding rule is not exercised")
    checked.append("%d reasons (%d ties rounded up)" % (len(reasons), ties))
    notes = " ".join(r[0] for r in sec["Phương pháp"])
    for promise in ("dưới 30 phiếu được đánh dấu (*)", "ghi “—”, không ghi 0"):
        if promise not in notes:
            fail("the method note no longer says %r" % promise)
    # No empty cell in a table, except the mark column of a large group
    # and the code of the whole-scope Circular 01 row.
    for sname in ("Chỉ tiêu", "Theo đơn vị", "Theo lĩnh vực", "Theo tháng",
                  "Thông tư 01", "Lý do chưa hài lòng"):
        for r in table(sec.get(sname, [[]])) if sec.get(sname) else []:
            for col, v in r.items():
                if v.strip() in ("", "nan", "NaN") and col not in (SMALL, "Mã đơn vị"):
                    fail("%s: empty cell %r in %r" % (sname, col, r))
    return sec


# ---- XLSX -------------------------------------------------------------------

NS = {"m": "http://schemas.openxmlformats.org/spreadsheetml/2006/main",
      "r": "http://schemas.openxmlformats.org/officeDocument/2006/relationships",
      "rel": "http://schemas.openxmlformats.org/package/2006/relationships"}


def col_index(ref):
    letters = re.match(r"[A-Z]+", ref).group(0)
    n = 0
    for ch in letters:
        n = n * 26 + ord(ch) - 64
    return n - 1


def read_xlsx(path):
    z = zipfile.ZipFile(path)
    if z.testzip() is not None:
        fail("the XLSX is damaged")
    shared = []
    if "xl/sharedStrings.xml" in z.namelist():
        for si in ET.fromstring(z.read("xl/sharedStrings.xml")).findall(
                "m:si", NS):
            shared.append("".join(t.text or "" for t in si.iter(
                "{%s}t" % NS["m"])))
    wb = ET.fromstring(z.read("xl/workbook.xml"))
    rels = ET.fromstring(z.read("xl/_rels/workbook.xml.rels"))
    target = {r.get("Id"): r.get("Target") for r in rels.findall("rel:Relationship", NS)}
    sheets = {}
    for s in wb.find("m:sheets", NS).findall("m:sheet", NS):
        rid = s.get("{%s}id" % NS["r"])
        sheets[s.get("name")] = "xl/" + target[rid]
    return z, shared, sheets


def sheet_rows(z, shared, member):
    root = ET.fromstring(z.read(member))
    rows = []
    for row in root.iter("{%s}row" % NS["m"]):
        cells = {}
        for c in row.findall("m:c", NS):
            v = c.find("m:v", NS)
            if v is None:
                continue
            val = shared[int(v.text)] if c.get("t") == "s" else float(v.text)
            cells[col_index(c.get("r"))] = val
        rows.append(cells)
    return root, rows


def check_xlsx(path, stats, csv_sections):
    z, shared, sheets = read_xlsx(path)
    for s in ("Tổng hợp", "Chỉ tiêu", "Theo đơn vị", "Theo lĩnh vực",
              "Theo tháng", "Lý do chưa hài lòng", "Phương pháp", "Biểu đồ"):
        if s not in sheets:
            fail("XLSX sheet %r is missing (have %s)" % (s, sorted(sheets)))
    if has_c01(stats) and "Thông tư 01" not in sheets:
        fail("XLSX has no Circular 01 sheet")
    if "chartsheets/" not in sheets["Biểu đồ"]:
        fail("Biểu đồ is not a chart sheet")
    root, rows = sheet_rows(z, shared, sheets["Theo đơn vị"])
    pane = root.find(".//m:pane", NS)
    if pane is None or pane.get("state") != "frozen" or pane.get("ySplit") != "1":
        fail("the unit sheet's header row is not frozen")
    if root.find(".//m:cols", NS) is None:
        fail("the unit sheet has no column widths")
    head = rows[0]
    if head.get(0) != "Mã đơn vị" or head.get(2) != COUNT or head.get(3) != SMALL:
        fail("unit sheet header: %r" % head)
    got = {r[0]: r for r in rows[1:]}
    csv_units = {r["Mã đơn vị"]: r for r in table(csv_sections["Theo đơn vị"])}
    marked = 0
    for g in stats["unit"]["groups"]:
        code = key_code(g)
        r = got.get(code)
        if r is None:
            fail("XLSX lacks unit %s" % code)
        same(r[2], g["responses"], "XLSX %s responses" % code)
        if (r.get(3) or "") != small_mark(g):
            fail("XLSX %s: %d responses, mark %r" % (code, g["responses"], r.get(3)))
        marked += r.get(3) == "*"
        if g.get("index") is None:
            if r.get(6) != NO_DATA:
                fail("XLSX %s: index without data is %r" % (code, r.get(6)))
        else:
            same(r[6] * 100, num(csv_units[code]["Chỉ số (%)"]),
                 "XLSX %s index (as fraction)" % code, tol=0.00001)
        for c in range(6, 15):
            if c not in r:
                fail("XLSX %s: empty cell in column %d (no data is %r)"
                     % (code, c, NO_DATA))
    if not marked:
        fail("no unit under %d responses is marked in the XLSX" % SMALL_GROUP)
    styles = z.read("xl/styles.xml").decode("utf-8")
    if 'formatCode="0.00%"' not in styles:
        fail("no 0.00% number format in the workbook")
    if 'formatCode="0.0%"' in styles or 'formatCode="0%"' in styles:
        fail("a percentage format with fewer than two decimals in the cells")
    _, rrows = sheet_rows(z, shared, sheets["Lý do chưa hài lòng"])
    hub_reasons = stats["total"]["groups"][0].get("reasons") or {}
    total_reasons = sum(hub_reasons.values())
    for r in rrows[1:]:
        want = float(centi_text(hub_reasons[r[0]], total_reasons)) / 100
        same(r.get(3), want, "XLSX reason %s share" % r[0], tol=1e-9)
    if has_c01(stats):
        _, crows = sheet_rows(z, shared, sheets["Thông tư 01"])
        if any(r.get(2) != NO_DATA for r in crows[1:]):
            fail("XLSX Circular 01: indicator 1 without data is not %r" % NO_DATA)
    _, srows = sheet_rows(z, shared, sheets["Tổng hợp"])
    flat = {r.get(0): r.get(1) for r in srows if 0 in r}
    same(flat.get("Số phiếu hoàn thành"),
         stats["total"]["groups"][0]["responses"], "XLSX summary responses")
    checked.append("XLSX: %d sheets, %d unit rows" % (len(sheets), len(got)))


# The data holds a tie for the calendar quarter only; other periods of
# the same data are checked with --any-reasons.
NEED_TIE = True


def main():
    global NEED_TIE
    if "--any-reasons" in sys.argv:
        sys.argv.remove("--any-reasons")
        NEED_TIE = False
    mode, path, stats_dir = sys.argv[1], sys.argv[2], sys.argv[3]
    stats = load_stats(stats_dir)
    if mode == "csv":
        check_csv(path, stats)
    elif mode == "xlsx":
        check_xlsx(path, stats, check_csv(sys.argv[4], stats))
    else:
        fail("mode must be csv or xlsx")
    print("; ".join(checked))


if __name__ == "__main__":
    main()
