"""Screenshots of the notifications for docs/web/, taken in the OS Chromium.

    python -m tests.notify.screenshots [--out docs/web]

`notify-subscribe-phone.png` and `notify-subscribed-phone.png`: the visit page's subscribe
step on a 390x844 phone, before and after tapping 「この端末に通知を受け取る」 (the real
page, service worker and service; the browser's push service is the tests' local endpoint). `notify-received-mock.png`:
the call as it arrived at that endpoint (decrypted), drawn as a phone's lock screen
shows a notification — an HTML mock of the OS notification, labelled as such.
"""

from __future__ import annotations

import argparse
import html
import json
import tempfile
from pathlib import Path
from urllib.parse import urlsplit

from playwright.sync_api import sync_playwright

from demo.push_service import PushEndpoint
from queue_service.service import QueueService
from queue_service.web import create_app
from tests.notify.conftest import command, issue, local_site
from tests.notify.test_browser_subscribe import FAKE_PUSH_SERVICE, PHONE
from tests.web.conftest import CHROMIUM_ARGS, LiveServer

MOCK = """<!doctype html><html lang="ja"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1"><style>
html {{ height: 100%; }}
body {{ margin: 0; min-height: 100%; font-family: 'Noto Sans CJK JP', sans-serif;
  background: linear-gradient(160deg, #283593, #4a148c); color: #fff; }}
.clock {{ text-align: center; font-size: 72px; font-weight: 300; margin-top: 90px; }}
.date {{ text-align: center; font-size: 18px; opacity: .85; }}
.card {{ margin: 40px 14px 0; background: rgba(255,255,255,.96); color: #111; border-radius: 22px;
  padding: 14px 16px; box-shadow: 0 6px 24px rgba(0,0,0,.3); }}
.app {{ font-size: 13px; color: #555; display: flex; gap: 6px; align-items: center; }}
.icon {{ width: 18px; height: 18px; border-radius: 5px; background: #1a237e; color: #fff;
  font-size: 11px; display: inline-flex; align-items: center; justify-content: center; }}
.title {{ font-weight: 700; font-size: 17px; margin: 6px 0 2px; }}
.body {{ font-size: 15px; line-height: 1.5; }}
.label {{ position: absolute; bottom: 18px; left: 0; right: 0; text-align: center; font-size: 13px;
  background: rgba(0,0,0,.45); padding: 6px; }}
</style></head><body>
<div class="clock">10:24</div><div class="date">3月30日(月)</div>
<div class="card"><div class="app"><span class="icon">窓</span>Chrome · {origin} · 今</div>
<div class="title">{title}</div><div class="body">{body}</div></div>
<div class="label">模擬表示（mock）: 受信した通知の内容を、スマートフォンのロック画面の通知として描いたもの</div>
</body></html>"""


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m tests.notify.screenshots", description=__doc__)
    p.add_argument("--out", default="docs/web")
    args = p.parse_args(argv)
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix="notify-shots-"))
    endpoint = PushEndpoint().start()
    svc = QueueService(local_site(endpoint.port, tmp_path=tmp), tmp / "data")
    svc.start()
    server = LiveServer(create_app(svc)).start()
    try:
        command(svc, "open_counter", "c07")
        for _ in range(5):
            issue(svc, "nozei")
        ticket = issue(svc, "nozei")
        phone = endpoint.new_subscriber()
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
            context = browser.new_context(**PHONE)
            context.grant_permissions(["notifications"], origin=server.url)
            context.add_init_script(FAKE_PUSH_SERVICE % json.dumps(phone.subscription()))
            page = context.new_page()
            page.goto(f"{server.url}/v/{ticket['token']}")
            page.screenshot(path=str(out / "notify-subscribe-phone.png"), full_page=True)
            page.get_by_role("button", name="この端末に通知を受け取る").click()
            page.locator(".notify-status").filter(has_text="登録しました").wait_for()
            page.screenshot(path=str(out / "notify-subscribed-phone.png"), full_page=True)
            for _ in range(5):
                command(svc, "call_next", "c07")
                command(svc, "finish", "c07")
            command(svc, "call_next", "c07")
            called = endpoint.wait_for(lambda: next(
                (x for x in endpoint.payloads(phone) if x["kind"] == "called"), None))
            mock = context.new_page()
            mock.set_content(MOCK.format(origin=html.escape(urlsplit(svc.config.public_url).netloc),
                                         title=html.escape(called["title"]),
                                         body=html.escape(called["body"])))
            mock.screenshot(path=str(out / "notify-received-mock.png"))
            browser.close()
    finally:
        server.stop()
        svc.stop()
        endpoint.stop()
    print(f"wrote the notify-*.png screenshots in {out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
