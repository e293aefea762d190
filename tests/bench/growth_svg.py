#!/usr/bin/env python3
"""growth_svg.py TSV SVG: the hub's costs against its database's size, as
four small line charts side by side in one SVG (no plotting library: the
bench runs offline on a bare Debian). TSV is hub_growth.sh's table."""
import sys
from xml.sax.saxutils import escape

W, H = 300, 220          # one panel
ML, MR, MT, MB = 52, 12, 30, 40

PANELS = [
    ("Start (spawn to /healthz)", "ms", [("start_ms", "wall", "#1f77b4")]),
    ("Ingest rate", "uploads/s", [("uploads_per_s", "rate", "#ff7f0e")]),
    ("Ingest cost", "ms hub CPU per upload",
     [("cpu_ms_per_upload", "CPU per upload", "#d62728")]),
    ("A year's statistics by unit", "ms",
     [("year_by_unit_ms", "wall", "#2ca02c"),
      ("year_by_unit_cpu_ms", "hub CPU", "#9467bd")]),
]


def nice_max(v):
    """The smallest of 1, 2, 5 x 10^k at or above v."""
    if v <= 0:
        return 1.0
    k = 1.0
    while k * 10 < v:
        k *= 10
    while k > v * 10:
        k /= 10
    for m in (1, 2, 5, 10):
        if m * k >= v:
            return m * k
    return 10 * k


def panel(x0, title, unit, series, rows, xmax):
    out = []
    pw, ph = W - ML - MR, H - MT - MB
    ymax = nice_max(max([r[s[0]] for r in rows for s in series] + [0]))
    sx = lambda v: x0 + ML + pw * v / xmax
    sy = lambda v: MT + ph - ph * v / ymax
    out.append('<text x="%d" y="16" font-size="13" font-weight="bold">%s</text>'
               % (x0 + ML, escape(title)))
    out.append('<line x1="%d" y1="%d" x2="%d" y2="%d" stroke="#000"/>'
               % (sx(0), sy(0), sx(xmax), sy(0)))
    out.append('<line x1="%d" y1="%d" x2="%d" y2="%d" stroke="#000"/>'
               % (sx(0), sy(0), sx(0), sy(ymax)))
    for i in range(5):
        v = ymax * i / 4
        out.append('<text x="%d" y="%.1f" font-size="10" text-anchor="end">%g</text>'
                   % (sx(0) - 4, sy(v) + 3, round(v, 2)))
        v = xmax * i / 4
        out.append('<text x="%.1f" y="%d" font-size="10" text-anchor="middle">%g</text>'
                   % (sx(v), sy(0) + 14, round(v / 1024, 2)))
    out.append('<text x="%d" y="%d" font-size="10" text-anchor="middle">'
               'database (GiB)</text>' % (sx(xmax / 2), H - 6))
    out.append('<text x="%d" y="%d" font-size="10" transform="rotate(-90 %d %d)"'
               ' text-anchor="middle">%s</text>'
               % (x0 + 11, MT + ph // 2, x0 + 11, MT + ph // 2, escape(unit)))
    for n, (key, label, colour) in enumerate(series):
        pts = " ".join("%.1f,%.1f" % (sx(r["db_mib"]), sy(r[key])) for r in rows)
        out.append('<polyline fill="none" stroke="%s" stroke-width="2" points="%s"/>'
                   % (colour, pts))
        for r in rows:
            out.append('<circle cx="%.1f" cy="%.1f" r="3" fill="%s"/>'
                       % (sx(r["db_mib"]), sy(r[key]), colour))
        if len(series) > 1:
            out.append('<text x="%d" y="%d" font-size="10" fill="%s">%s</text>'
                       % (sx(0) + 8, MT + 10 + 12 * n, colour, escape(label)))
    return out


def main():
    if len(sys.argv) != 3:
        sys.exit("usage: growth_svg.py TSV SVG")
    with open(sys.argv[1], encoding="utf-8") as f:
        head = f.readline().rstrip("\n").split("\t")
        rows = [dict(zip(head, map(float, line.split("\t"))))
                for line in f if line.strip()]
    if not rows:
        sys.exit("growth_svg.py: no rows in " + sys.argv[1])
    rows.sort(key=lambda r: r["db_mib"])
    xmax = nice_max(max(r["db_mib"] for r in rows) / 1024) * 1024
    body = []
    for i, (title, unit, series) in enumerate(PANELS):
        body += panel(i * W, title, unit, series, rows, xmax)
    with open(sys.argv[2], "w", encoding="utf-8") as f:
        f.write('<svg xmlns="http://www.w3.org/2000/svg" width="%d" height="%d"'
                ' font-family="sans-serif">\n<rect width="100%%" height="100%%"'
                ' fill="#fff"/>\n' % (W * len(PANELS), H))
        f.write("\n".join(body))
        f.write("\n</svg>\n")


main()
