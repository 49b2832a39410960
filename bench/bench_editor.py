"""Editor figures in headless Chromium: mount time and drag frame times at 100 and 500 nodes,
and the gzip size of the built JavaScript. Targets at 500 nodes: mount <= 1.5 s, drag frame
p95 <= 33 ms.

Run with `make bench` (or directly: .venv/bin/python bench/bench_editor.py). Needs the built
editor (`make frontend`), Postgres and Redis.
"""

from __future__ import annotations

import gzip
import json
import statistics
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.benchsetup import ROOT, django_setup, percentile, synthetic_content

django_setup()

from django.contrib.auth.models import User  # noqa: E402
from playwright.sync_api import Page, sync_playwright  # noqa: E402

from apps.accounts.services import workspace_create  # noqa: E402
from apps.diagrams.services import diagram_create  # noqa: E402
from tests.servers import running_servers  # noqa: E402

SIZES = (100, 500)
MOUNT_RUNS = 3
DRAG_STEPS = 120
PASSWORD = "bench-password-123"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]

# Resolves on the first animation frame where the synced document is on screen.
MOUNTED = """(count) => {
  const live = document.querySelector('.connection[data-state=online]');
  const nodes = document.querySelectorAll('.react-flow__node').length;
  const loading = document.querySelector('.canvas-loading');
  return live && !loading && nodes >= count ? performance.now() : false;
}"""

FRAME_RECORDER = """() => {
  window.__frames = [];
  window.__recording = true;
  let last = 0;
  const tick = (t) => {
    if (last) window.__frames.push(t - last);
    last = t;
    if (window.__recording) requestAnimationFrame(tick);
  };
  requestAnimationFrame(tick);
}"""


# The id of a step fully inside the middle of the canvas.
NODE_IN_VIEW = """() => {
  const pane = document.querySelector('.canvas-wrap').getBoundingClientRect();
  for (const el of document.querySelectorAll('.react-flow__node')) {
    const r = el.getBoundingClientRect();
    if (r.left > pane.left + 200 && r.right < pane.right - 300 && r.top > pane.top + 100
        && r.bottom < pane.bottom - 300) return el.dataset.id;
  }
  return null;
}"""


def js_sizes() -> tuple[int, int, int]:
    """(entry JS gzip bytes, all JS gzip bytes, all JS raw bytes) of the built editor."""
    app = ROOT / "static" / "app"
    manifest = json.loads((app / "manifest.json").read_text())
    entry = manifest["src/main.tsx"]["file"]
    entry_gz = len(gzip.compress((app / entry).read_bytes(), compresslevel=9))
    files = sorted((app / "assets").glob("*.js"))
    total_gz = sum(len(gzip.compress(f.read_bytes(), compresslevel=9)) for f in files)
    total_raw = sum(f.stat().st_size for f in files)
    return entry_gz, total_gz, total_raw


def visible_count(page: Page, expected: int) -> int:
    # Large diagrams render only the nodes in view; wait for at least that many.
    return min(expected, 60)


def measure_mount(page: Page, url: str, nodes: int) -> float:
    page.goto(url, wait_until="commit")
    handle = page.wait_for_function(
        MOUNTED, arg=visible_count(page, nodes), polling="raf", timeout=60_000
    )
    return float(handle.json_value())


def measure_drag(page: Page, node_id: str) -> list[float]:
    box = page.locator(f".react-flow__node[data-id='{node_id}']").bounding_box()
    assert box is not None
    x, y = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
    page.mouse.move(x, y)
    page.mouse.down()
    page.evaluate(FRAME_RECORDER)
    for step in range(DRAG_STEPS):
        page.mouse.move(x + step * 2, y + (step % 40) * 3)
        page.wait_for_timeout(8)
    page.mouse.up()
    page.wait_for_timeout(300)
    frames: list[float] = page.evaluate(
        "() => { window.__recording = false; return window.__frames; }"
    )
    return frames


def main() -> None:
    user = User.objects.create_user("bench-editor", password=PASSWORD)
    workspace = workspace_create(name="Editor bench", owner=user)
    diagrams = {
        size: diagram_create(
            workspace=workspace, user=user, content=synthetic_content(size, title=f"{size} nodes")
        )
        for size in SIZES
    }
    entry_gz, total_gz, total_raw = js_sizes()
    print(
        f"built JS: entry {entry_gz / 1024:.1f} KiB gzip; all chunks {total_gz / 1024:.1f} KiB "
        f"gzip ({total_raw / 1024:.0f} KiB raw; the layout engine loads only on 'Tidy up')"
    )
    with running_servers(1) as (server,), sync_playwright() as driver:
        browser = driver.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1440, "height": 900})
        page.goto(f"{server.url}/accounts/login/")
        page.fill("#id_username", user.username)
        page.fill("#id_password", PASSWORD)
        page.click("button[type=submit]")
        page.wait_for_url(f"{server.url}/")
        for size, diagram in diagrams.items():
            url = f"{server.url}/diagrams/{diagram.pk}"
            mounts = [measure_mount(page, url, size) for _ in range(MOUNT_RUNS)]
            page.wait_for_timeout(500)
            rendered = page.locator(".react-flow__node").count()
            # Zoomed to fit, every node is on screen (drawn as coloured boxes at this zoom).
            fit_frames = measure_drag(page, f"n{size // 2}")
            # At 100 % the labels are drawn and only the nodes in view are rendered.
            page.locator(".zoom-readout").click()
            page.wait_for_timeout(400)
            near_frames = measure_drag(page, page.evaluate(NODE_IN_VIEW))
            print(
                f"{size} nodes: mount median {statistics.median(mounts):.0f} ms "
                f"(runs {', '.join(f'{m:.0f}' for m in mounts)}; navigation start to the synced "
                f"canvas on screen)"
            )
            for name, frames in (
                (f"zoomed to fit, {rendered} nodes on screen", fit_frames),
                ("at 100 % zoom", near_frames),
            ):
                print(
                    f"  drag frames {name}: p50 {percentile(frames, 50):.1f} ms, "
                    f"p95 {percentile(frames, 95):.1f} ms, max {max(frames):.1f} ms "
                    f"over {len(frames)} frames"
                )
        browser.close()


if __name__ == "__main__":
    main()
