"""The app in a real browser: Playwright drives the system's Chromium (no `playwright install`) through
every top-level tab, presses Generate in Image, Audio and Text, and sees a picture, a sound player and
a list of names appear. Screenshots land in a pytest tmp folder; their paths are printed."""
import os
import re
import shutil

import pytest

sync_api = pytest.importorskip("playwright.sync_api", reason="the playwright package is not installed")
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser") or \
    ("/usr/bin/chromium" if os.path.exists("/usr/bin/chromium") else None)          # Debian's package
pytestmark = pytest.mark.skipif(CHROMIUM is None, reason="no Chromium on this machine (apt-get install chromium)")

TIMEOUT_MS = 60_000      # a Generate on 2 busy cores, models already warm


@pytest.fixture(scope="module")
def page(client):
    with sync_api.sync_playwright() as p:
        try:
            browser = p.chromium.launch(executable_path=CHROMIUM)
        except sync_api.Error as e:    # e.g. a Chromium too old for this Playwright: the machine, not the app
            pytest.skip(f"{CHROMIUM} would not start under Playwright: {str(e).splitlines()[0]}")
        page = browser.new_page(viewport={"width": 1600, "height": 1000})
        page.set_default_timeout(TIMEOUT_MS)
        page.goto(client.src)
        page.wait_for_selector("[role=tablist] [role=tab]")          # Gradio renders in the browser
        yield page
        browser.close()


def _tab(page, name):
    """Open the top-level tab `name`; its panel."""
    tab = page.locator("[role=tablist]").first.get_by_role("tab", name=name, exact=True)
    tab.click()
    sync_api.expect(tab).to_have_attribute("aria-selected", "true")      # the old panel is gone
    panel = page.locator("[role=tabpanel]:visible").first
    sync_api.expect(panel).to_contain_text(re.compile(r"\w"))         # rendered on first visit
    return panel


def _shot(page, folder, name):
    path = folder / f"{name}.png"
    page.screenshot(path=path, full_page=True)
    print(f"screenshot: {path}")
    return path


def test_every_tab_opens_and_the_generate_buttons_show_results(page, tmp_path_factory):
    shots = tmp_path_factory.mktemp("screenshots")
    tabs = page.locator("[role=tablist]").first.get_by_role("tab").all_inner_texts()
    assert {"Image", "Audio", "Text"} <= set(tabs) and len(tabs) >= 5, tabs

    for name in tabs:
        _tab(page, name)
        _shot(page, shots, "tab-" + name.lower().replace(" ", "-").strip("?"))

    # Image: a new seed, so new pictures (same bytes would keep the same file URL)
    panel = _tab(page, "Image")
    before = panel.locator("img").evaluate_all("imgs => imgs.map(i => i.src)")
    panel.get_by_label("Seed").fill("7")
    panel.get_by_role("button", name="Generate", exact=True).click()
    page.wait_for_function("""([before]) => {
        const panel = [...document.querySelectorAll('[role=tabpanel]')].find(p => p.offsetParent !== null);
        // a new picture, loaded and decoded (a new src alone may not have arrived yet)
        return [...panel.querySelectorAll('img')].some(i => !before.includes(i.src) && i.complete && i.naturalWidth > 0);
    }""", arg=[before])
    loaded = panel.locator("img").evaluate_all("imgs => imgs.filter(i => i.complete && i.naturalWidth > 0).length")
    assert loaded > 0
    page.wait_for_timeout(1500)                                       # the progress veil fades out
    picture = _shot(page, shots, "image-generated")
    if os.environ.get("GENAPP_README_SCREENSHOT"):                   # the README's picture comes from here
        shutil.copyfile(picture, os.environ["GENAPP_README_SCREENSHOT"])

    panel = _tab(page, "Audio")
    assert panel.locator("audio").count() == 0
    panel.get_by_role("button", name="Generate", exact=True).click()
    sync_api.expect(panel.get_by_role("button", name="Play", exact=True).first).to_be_visible()
    sync_api.expect(panel.locator("audio[src^='blob:'], audio[src*='/file=']").first).to_be_attached()  # the WAV
    _shot(page, shots, "audio-generated")

    panel = _tab(page, "Text")
    names = panel.locator(".token")                                     # HighlightedText's spans
    assert names.count() == 0
    panel.get_by_role("button", name="Generate", exact=True).click()
    sync_api.expect(names.first).to_be_visible()
    texts = [t.strip() for t in names.all_inner_texts()]
    assert len(texts) >= 3 and all(re.fullmatch(r"[a-z]+", t) for t in texts), texts
    _shot(page, shots, "text-generated")
