"""Screenshots of a running yakusho (e.g. `yakusho demo`) for the documentation.

    python scripts/screenshots.py http://127.0.0.1:8000 docs/screenshots

Uses Debian's Chromium (YAKUSHO_CHROMIUM to override). Japanese, Devanagari and Thai need
fonts installed on the machine (Debian: fonts-noto-cjk, fonts-noto-core).
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

from playwright.sync_api import sync_playwright

FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
SHOTS = [  # (name, path, cookies)
    ("home-ja", "/ja/", {}),
    ("home-ja-easy-furigana", "/ja-x-easy/", {}),
    ("home-en", "/en/", {}),
    ("home-ne", "/ne/", {}),
    ("home-ja-high-contrast", "/ja/", {"yakusho_contrast": "high", "yakusho_text": "large"}),
    ("login-ja", "/ja/accounts/login/", {}),
]


def main(base_url: str, out: Path) -> None:
    out.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=os.environ.get("YAKUSHO_CHROMIUM", "/usr/bin/chromium"), args=FLAGS
        )
        for width in (320, 1280):
            for name, path, cookies in SHOTS:
                context = browser.new_context(viewport={"width": width, "height": 800})
                host = base_url.split("://", 1)[1].split(":")[0].split("/")[0]
                context.add_cookies(
                    [
                        {"name": k, "value": v, "domain": host, "path": "/"}
                        for k, v in cookies.items()
                    ]
                )
                page = context.new_page()
                page.goto(base_url.rstrip("/") + path)
                page.screenshot(path=out / f"{name}-{width}.png", full_page=True)
                context.close()
        browser.close()


if __name__ == "__main__":
    main(sys.argv[1], Path(sys.argv[2]))
