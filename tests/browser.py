#!/usr/bin/env python3
"""Drive headless Chromium through chromedriver (W3C WebDriver over HTTP,
standard library only) on roadlog's pages and check what a person sees.

    browser.py CHECK PAGE ARTIFACT_DIR [args...]

Checks:
  report   the maps drew (markers on the overview and on each vehicle's
           map), no script error, nothing wider than the 1280-px window,
           plates on one line, the index sorts by a click (numbers as
           numbers, both ways) and filters by text, a link to an event's
           evidence opens it.
  zones    the vehicle map draws the zone polygons of the run.
  print    the page printed to A4 PDF: no page holds a title alone.
Each check saves a screenshot (and the PDF) in ARTIFACT_DIR.  Prints
PASS/FAIL lines; exit status 1 when a check failed.
"""
import base64
import json
import os
import re
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
import zlib

FAILS = []


def say(ok, what):
    print(("PASS " if ok else "FAIL ") + what)
    if not ok:
        FAILS.append(what)


class Driver:
    def __init__(self, width=1280, height=1000):
        s = socket.socket()
        s.bind(("127.0.0.1", 0))
        self.port = s.getsockname()[1]
        s.close()
        self.profile = tempfile.mkdtemp(prefix="roadlog-chrome-")
        self.proc = subprocess.Popen(["chromedriver", "--port=%d" % self.port],
                                     stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        for _ in range(100):
            try:
                self.call("GET", "/status")
                break
            except OSError:
                time.sleep(0.1)
        chrome = os.environ.get("CHROME", "/usr/bin/chromium")
        args = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--hide-scrollbars", "--user-data-dir=" + self.profile, "--window-size=%d,%d" % (width, height)]
        caps = {"capabilities": {"alwaysMatch": {
            "browserName": "chrome",
            "goog:chromeOptions": {"binary": chrome, "args": args},
            "goog:loggingPrefs": {"browser": "ALL"}}}}
        r = self.call("POST", "/session", caps)
        self.sid = r["value"]["sessionId"]

    def call(self, method, path, body=None):
        data = json.dumps(body).encode() if body is not None else None
        req = urllib.request.Request("http://127.0.0.1:%d%s" % (self.port, path), data=data, method=method,
                                     headers={"Content-Type": "application/json"})
        with urllib.request.urlopen(req, timeout=120) as resp:
            return json.loads(resp.read().decode())

    def s(self, method, path, body=None):
        return self.call(method, "/session/%s%s" % (self.sid, path), body)["value"]

    def go(self, url):
        self.s("POST", "/url", {"url": url})
        for _ in range(200):
            if self.js("return document.documentElement.getAttribute('data-rl-ready')") == "1":
                return True
            time.sleep(0.05)
        return False

    def js(self, script, *args):
        return self.s("POST", "/execute/sync", {"script": script, "args": list(args)})

    def shot(self, path):
        with open(path, "wb") as f:
            f.write(base64.b64decode(self.s("GET", "/screenshot")))

    def errors(self):
        try:
            logs = self.s("POST", "/se/log", {"type": "browser"})
        except Exception:  # noqa: BLE001 - older drivers: no log endpoint
            return []
        return [l["message"] for l in logs if l.get("level") == "SEVERE"]

    def pdf(self, path):
        b = self.s("POST", "/print", {"page": {"width": 21.0, "height": 29.7}, "background": True})
        with open(path, "wb") as f:
            f.write(base64.b64decode(b))

    def quit(self):
        try:
            self.call("DELETE", "/session/%s" % self.sid)
        finally:
            self.proc.terminate()
            self.proc.wait()


def check_report(d, page, art, name):
    url = "file://" + page
    say(d.go(url), "%s: the page's script ran" % name)
    time.sleep(0.5)
    maps = d.js("return Array.from(document.querySelectorAll('div.rl-map')).map(m => "
                "[m.id, m.getAttribute('data-drawn'), parseInt(m.getAttribute('data-events') || '0'),"
                "m.querySelectorAll('.marker-cluster, .leaflet-marker-icon').length + "
                "m.querySelectorAll('canvas').length])")
    say(len(maps) >= 2, "%s: an overview map and a vehicle map (%d maps)" % (name, len(maps)))
    for mid, drawn, events, n in maps:
        say(drawn == "1" and events > 0 and n > 0,
            "%s: map %s drawn with its %d events (%d marker elements)" % (name, mid, events, n))
    clusters = d.js("var m=document.getElementById('map-all'); return m ? "
                    "m.querySelectorAll('.marker-cluster, .leaflet-marker-icon').length + "
                    "(m.querySelector('canvas') ? 1 : 0) : 0")
    say(clusters > 0, "%s: the overview shows events (clusters or markers: %d)" % (name, clusters))
    errs = d.errors()
    say(not errs, "%s: no script error or blocked fetch %s" % (name, errs[:3]))
    width = d.js("return document.documentElement.scrollWidth")
    say(width <= 1280, "%s: fits 1280 px (page width %d)" % (name, width))
    # lines of text in each plate and id cell: the distinct tops of its line boxes
    wrapped = d.js("return Array.from(document.querySelectorAll('td.pl, .plate')).filter(e => {"
                   "var r = document.createRange(); r.selectNodeContents(e);"
                   "return new Set(Array.from(r.getClientRects()).map(x => Math.round(x.top))).size > 1;"
                   "}).map(e => e.textContent).slice(0, 5)")
    say(not wrapped, "%s: plates and ids on one line %s" % (name, wrapped))
    d.shot(os.path.join(art, name + ".png"))
    # sorting: the events column, numbers as numbers, both ways
    col = d.js("var h=Array.from(document.querySelectorAll('#idx thead th'));"
               "return h.findIndex(t => /事件数|Events/.test(t.textContent))")
    say(col >= 0, "%s: the index has an events column" % name)

    def column():
        return d.js("return Array.from(document.querySelectorAll('#idx tbody tr')).map("
                    "r => parseFloat(r.cells[arguments[0]].textContent))", col)

    d.js("document.querySelectorAll('#idx thead th')[arguments[0]].click()", col)
    up = column()
    d.js("document.querySelectorAll('#idx thead th')[arguments[0]].click()", col)
    down = column()
    say(len(up) >= 2 and up == sorted(up) and down == sorted(down, reverse=True) and up != down
        or (len(set(up)) == 1 and up == down),
        "%s: the index sorts by events, ascending then descending %s %s" % (name, up[:6], down[:6]))
    # filtering by text
    plate = d.js("return document.querySelector('#idx tbody tr td.pl').textContent")
    d.js("var i=document.querySelector('input[data-filter=idx]'); i.value=arguments[0];"
         "i.dispatchEvent(new Event('input'))", plate)
    shown = d.js("return Array.from(document.querySelectorAll('#idx tbody tr')).filter(r => !r.hidden).length")
    total = d.js("return document.querySelectorAll('#idx tbody tr').length")
    say(shown >= 1 and (shown < total or total == 1), "%s: filtering by %s shows %d of %d rows" % (name, plate, shown, total))
    # a link to the evidence opens it
    link = d.js("var a=document.querySelector('table.ev a[href^=\"#x\"]'); return a ? a.getAttribute('href') : null")
    if link:
        d.js("location.hash=arguments[0]", link)
        time.sleep(0.2)
        opened = d.js("return document.getElementById(arguments[0]).open", link[1:])
        say(opened is True, "%s: the evidence link %s opens its details" % (name, link))
        d.shot(os.path.join(art, name + "-evidence.png"))


def check_zones(d, page, art, name):
    say(d.go("file://" + page), "%s: the page's script ran" % name)
    time.sleep(0.5)
    # map.js notes on each map how many zone features and events it drew
    # (they are drawn on its canvas, where the DOM does not see them)
    zones = d.js("return Array.from(document.querySelectorAll('div.rl-map')).map(m => "
                 "[m.id, parseInt(m.getAttribute('data-zones') || '0'), !!m.querySelector('canvas')])")
    say(len(zones) >= 2 and all(z[1] >= 1 and z[2] for z in zones),
        "%s: zones drawn on the overview and the vehicle's map %s" % (name, zones))
    d.shot(os.path.join(art, name + ".png"))


def pdf_pages(path):
    """Per page, the number of text runs drawn (Tj/TJ in its content)."""
    data = open(path, "rb").read()
    objs = {}
    for m in re.finditer(rb"(\d+) 0 obj(.*?)endobj", data, re.S):
        objs[int(m.group(1))] = m.group(2)

    def stream(body):
        m = re.search(rb"/Length (\d+)(?!\s+\d+\s+R).*?stream\r?\n", body, re.S)
        if not m:
            return b""
        raw = body[m.end():m.end() + int(m.group(1))]
        return zlib.decompressobj().decompress(raw) if b"FlateDecode" in body[:m.end()] else raw

    pages = []
    for num, body in sorted(objs.items()):
        if re.search(rb"/Type\s*/Page[^s]", body):
            pages.append(body)
    counts = []
    for body in pages:
        m = re.search(rb"/Contents\s*(\[[^\]]*\]|\d+ 0 R)", body)
        refs = [int(x) for x in re.findall(rb"(\d+) 0 R", m.group(1))] if m else []
        text = b"".join(stream(objs.get(r, b"")) for r in refs)
        counts.append(len(re.findall(rb"(?:\]\s*TJ|\)\s*Tj|>\s*Tj)", text)))
    return counts


def check_print(d, page, art, name):
    ready = d.go("file://" + page)
    scripted = d.js("return document.scripts.length > 0 && !!document.querySelector('script:not([type])')")
    say(ready or not scripted, "%s: loaded (and its script ran, if it has one)" % name)
    time.sleep(0.5)
    pdf = os.path.join(art, name + ".pdf")
    d.pdf(pdf)
    counts = pdf_pages(pdf)
    say(len(counts) >= 1, "%s: printed to %d A4 pages" % (name, len(counts)))
    # a page with a heading alone (the rest pushed to the next page)
    # carries a few runs of text where a full page carries hundreds: below
    # a sixth of the median page, or 8 runs, is such a page; the last page
    # may be short (the footer)
    med = sorted(counts)[len(counts) // 2] if counts else 0
    thin = [i + 1 for i, c in enumerate(counts[:-1]) if c < max(8, med / 6)]
    say(not thin, "%s: no page with a title alone (text runs per page %s)" % (name, counts))


def main():
    check, page, art = sys.argv[1:4]
    os.makedirs(art, exist_ok=True)
    name = sys.argv[4] if len(sys.argv) > 4 else os.path.basename(page)
    d = Driver()
    try:
        {"report": check_report, "zones": check_zones, "print": check_print}[check](d, page, art, name)
    finally:
        d.quit()
    return 1 if FAILS else 0


if __name__ == "__main__":
    sys.exit(main())
