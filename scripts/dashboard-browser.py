"""Drives headless Chromium over its DevTools protocol to watch lottery's dashboard.

Used by scripts/check-dashboard. Opens the page once and never reloads it; asks the page
itself (Runtime.evaluate) what it shows, until the done count has risen and the accuracy
plot has gained points; opens a trial's curves by clicking its row; saves a screenshot.
Prints one JSON object of what it saw; exits non-zero, saying why, when something did not
happen in time.

    python dashboard-browser.py --chromium /usr/bin/chromium --url http://127.0.0.1:PORT/ \
        --screenshot docs/dashboard.png --timeout 900
"""
import argparse
import base64
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.request

import websocket  # websocket-client, from PyPI


class Page:
    """One tab, spoken to over its DevTools websocket."""

    def __init__(self, ws_url):
        self.ws = websocket.create_connection(ws_url, timeout=30)
        self.next_id = 0
        self.errors = []

    def call(self, method, **params):
        self.next_id += 1
        ident = self.next_id
        self.ws.send(json.dumps({"id": ident, "method": method, "params": params}))
        while True:
            message = json.loads(self.ws.recv())
            if message.get("method") == "Runtime.exceptionThrown":
                self.errors.append(message["params"]["exceptionDetails"].get("text", "exception"))
            if message.get("id") == ident:
                if "error" in message:
                    raise RuntimeError(f"{method}: {message['error']}")
                return message.get("result", {})

    def evaluate(self, expression):
        result = self.call("Runtime.evaluate", expression=expression, returnByValue=True, awaitPromise=True)
        if "exceptionDetails" in result:
            raise RuntimeError(f"page error evaluating {expression!r}: {result['exceptionDetails']}")
        return result["result"].get("value")


def fail(message):
    print(f"dashboard-browser: FAIL: {message}", file=sys.stderr)
    sys.exit(1)


def wait(what, predicate, timeout, interval=0.5):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(interval)
    fail(f"{what} did not happen within {timeout:.0f} s")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--chromium", required=True)
    parser.add_argument("--url", required=True)
    parser.add_argument("--screenshot", required=True)
    parser.add_argument("--timeout", type=float, default=900)
    parser.add_argument("--screenshot-when-done", type=int, default=0,
                        help="take the screenshot once this many trials are done (or all are)")
    args = parser.parse_args()

    profile = tempfile.mkdtemp(prefix="lottery-chromium-")
    chromium = subprocess.Popen(
        [args.chromium, "--headless=new", "--no-sandbox", "--disable-gpu", "--no-first-run",
         "--disable-dev-shm-usage", "--remote-debugging-address=127.0.0.1", "--remote-debugging-port=0",
         f"--user-data-dir={profile}", "--window-size=1400,1900", "about:blank"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        port_file = os.path.join(profile, "DevToolsActivePort")
        wait("Chromium's DevTools port", lambda: os.path.exists(port_file) and open(port_file).read().strip(), 60)
        port = open(port_file).read().split()[0]
        targets = json.load(urllib.request.urlopen(f"http://127.0.0.1:{port}/json/list", timeout=10))
        target = next(t for t in targets if t.get("type") == "page")
        page = Page(target["webSocketDebuggerUrl"])
        page.call("Runtime.enable")
        page.call("Page.enable")
        page.call("Emulation.setDeviceMetricsOverride", width=1400, height=1900, deviceScaleFactor=1, mobile=False)
        page.call("Page.navigate", url=args.url)
        wait("the page's first state", lambda: page.evaluate(
            "document.getElementById('connection') && document.getElementById('connection').textContent === 'live'"
            " && document.getElementById('total').textContent !== '0'"), 60)
        # A mark on this document: a reload would make a new one without it.
        page.evaluate("window.__lotteryMark = 'first load'; true")
        done_first = int(page.evaluate("document.getElementById('done').textContent"))
        points_first = page.evaluate("document.querySelectorAll('#plot-accuracy circle.pt').length")
        total = int(page.evaluate("document.getElementById('total').textContent"))
        if done_first >= total:
            fail(f"the sweep was already done ({done_first}/{total}) when the page loaded: nothing left to watch")
        wait("the done count rising", lambda: int(page.evaluate("document.getElementById('done').textContent")) > done_first,
             args.timeout)
        wait("the accuracy plot gaining points", lambda: page.evaluate(
            "document.querySelectorAll('#plot-accuracy circle.pt').length") > points_first, args.timeout)
        done_later = int(page.evaluate("document.getElementById('done').textContent"))
        points_later = page.evaluate("document.querySelectorAll('#plot-accuracy circle.pt').length")
        live_paths = page.evaluate("document.querySelectorAll('#plot-live path').length")
        if page.evaluate("window.__lotteryMark") != "first load":
            fail("the page was reloaded: its mark is gone")

        # A done trial's curves, by clicking its row in the table.
        page.evaluate("document.getElementById('f-state').value = 'done';"
                      "document.getElementById('f-state').dispatchEvent(new Event('change')); true")
        wait("a done trial in the table", lambda: page.evaluate(
            "[...document.querySelectorAll('#trials tr.trial')].some(r => r.cells[5].textContent === 'done')"), 30)
        clicked = page.evaluate("(() => { const row = document.querySelector('#trials tr.trial');"
                                " row.click(); return row.dataset.id; })()")
        wait("the trial's curves", lambda: page.evaluate(
            f"document.getElementById('detail-id').textContent.startsWith('{clicked}')"
            " && document.querySelectorAll('#plot-trial path').length >= 2"), 30)
        curve_paths = page.evaluate("document.querySelectorAll('#plot-trial path').length")
        detail = page.evaluate("document.getElementById('detail-text').textContent")
        # Back to every trial for the picture, once enough are done for the plots to show a shape.
        page.evaluate("document.getElementById('f-state').value = '';"
                      "document.getElementById('f-state').dispatchEvent(new Event('change')); true")
        enough = min(args.screenshot_when_done, total)
        wait(f"{enough} trials done", lambda: int(page.evaluate("document.getElementById('done').textContent")) >= enough,
             args.timeout)
        time.sleep(1.5)
        if page.evaluate("window.__lotteryMark") != "first load":
            fail("the page was reloaded: its mark is gone")
        shot = page.call("Page.captureScreenshot", format="png", captureBeyondViewport=True)
        with open(args.screenshot, "wb") as out:
            out.write(base64.b64decode(shot["data"]))
        print(json.dumps({
            "total": total, "done_at_load": done_first, "done_later": done_later,
            "plot_points_at_load": points_first, "plot_points_later": points_later,
            "live_curve_paths": live_paths, "clicked_trial": clicked, "trial_curve_paths": curve_paths,
            "trial_detail": detail, "page_errors": page.errors, "screenshot": args.screenshot,
        }))
        if page.errors:
            fail(f"the page threw: {page.errors}")
    finally:
        chromium.terminate()
        try:
            chromium.wait(timeout=10)
        except subprocess.TimeoutExpired:
            chromium.kill()
        shutil.rmtree(profile, ignore_errors=True)


if __name__ == "__main__":
    main()
