"""The app in a real browser: Playwright drives the system's Chromium (no `playwright install`) through
every tab and sub-tab, sees each open on a worked example (a picture, a player, a table or names), presses
Generate in Image, Audio and Text, and sees new pictures, sounds and names replace it. Screenshots land in a
pytest tmp folder; their paths are printed."""
import os
import re
import shutil

import pytest

sync_api = pytest.importorskip("playwright.sync_api", reason="the playwright package is not installed")
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser") or \
    ("/usr/bin/chromium" if os.path.exists("/usr/bin/chromium") else None)          # Debian's package
pytestmark = pytest.mark.skipif(CHROMIUM is None, reason="no Chromium on this machine (apt-get install chromium)")

TIMEOUT_MS = 60_000      # a Generate on 2 busy cores, models already warm
OPENS_ON_A_QUESTION = {"Augmentation",                    # its measured answer waits in a closed "Reveal"
                       "Classroom"}                       # a room has to be opened first


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


def _new_pictures_after(page, panel, press):
    """press(), then wait for a new picture in the panel, loaded and decoded (a new src alone may not have
    arrived yet)."""
    before = panel.locator("img").evaluate_all("imgs => imgs.map(i => i.src)")
    press()
    page.wait_for_function("""([before]) => {
        const panel = [...document.querySelectorAll('[role=tabpanel]')].find(p => p.offsetParent !== null);
        return [...panel.querySelectorAll('img')].some(i => !before.includes(i.src) && i.complete && i.naturalWidth > 0);
    }""", arg=[before])


def _shows_an_example(panel):
    """Wait until the panel shows a decoded picture, a player, a table row or a name."""
    sync_api.expect(panel.locator("img:visible, audio, table:visible tbody tr, .token").first).to_be_attached()
    page = panel.page
    page.wait_for_function("""() => {
        const panel = [...document.querySelectorAll('[role=tabpanel]')].filter(p => p.offsetParent !== null).pop();
        const imgs = [...panel.querySelectorAll('img')].filter(i => i.offsetParent !== null);
        return imgs.every(i => i.complete && i.naturalWidth > 0);
    }""")


def test_every_tab_opens_and_the_generate_buttons_show_results(page, tmp_path_factory):
    shots = tmp_path_factory.mktemp("screenshots")
    tabs = page.locator("[role=tablist]").first.get_by_role("tab").all_inner_texts()
    assert {"Image", "Audio", "Text"} <= set(tabs) and len(tabs) >= 5, tabs

    for name in tabs:                                  # each tab, and each of its sub-tabs, opens on an example
        panel = _tab(page, name)
        subtabs = panel.locator("[role=tablist]")
        for sub in subtabs.first.get_by_role("tab").all_inner_texts() if subtabs.count() else [None]:
            if sub:
                subtabs.first.get_by_role("tab", name=sub, exact=True).click()
            shown = page.locator("[role=tabpanel]:visible").last
            if name not in OPENS_ON_A_QUESTION:
                _shows_an_example(shown)
            _shot(page, shots, "tab-" + " ".join(filter(None, [name, sub])).lower().replace(" ", "-").strip("?"))

    # Image: a new seed, so new pictures (same bytes would keep the same file URL)
    panel = _tab(page, "Image")
    _new_pictures_after(page, panel, lambda: (panel.get_by_label("Seed").fill("7"),
                                              panel.get_by_role("button", name="Generate", exact=True).click()))
    loaded = panel.locator("img").evaluate_all("imgs => imgs.filter(i => i.complete && i.naturalWidth > 0).length")
    assert loaded > 0
    page.wait_for_timeout(1500)                                       # the progress veil fades out
    picture = _shot(page, shots, "image-generated")
    if os.environ.get("GENAPP_README_SCREENSHOT"):                   # the README's picture comes from here
        shutil.copyfile(picture, os.environ["GENAPP_README_SCREENSHOT"])

    # colour: emoji of one group, either style
    panel.get_by_label("Emoji (colour)").check()
    sync_api.expect(panel.get_by_label("Class")).to_have_value("any")          # the menu follows the data set
    menu = panel.get_by_label("Class")
    menu.click()
    page.get_by_role("option", name="animals-nature", exact=True).click()
    _new_pictures_after(page, panel, lambda: panel.get_by_role("button", name="Generate", exact=True).click())
    sync_api.expect(panel.get_by_text(re.compile(r"GAN · \d+ ms"))).to_be_visible()
    page.wait_for_timeout(1500)
    _shot(page, shots, "image-emoji")
    _new_pictures_after(page, panel, lambda: panel.get_by_role("button", name="The same emoji in the other style").click())
    page.wait_for_timeout(1500)
    _shot(page, shots, "image-emoji-other-style")
    panel.get_by_label("MNIST digits").check()                                  # digits have no style to swap
    sync_api.expect(panel.get_by_role("button", name="The same emoji in the other style")).to_be_hidden()

    audio = _tab(page, "Audio")
    audio.get_by_role("tab", name="Spoken digits").click()             # (the tour above left Melody open)
    panel = audio.locator("[role=tabpanel]:visible").first           # on the clips of its settings
    sync_api.expect(panel.get_by_role("button", name="Play", exact=True).first).to_be_visible()
    sync_api.expect(panel.locator("audio[src^='blob:'], audio[src*='/file=']").first).to_be_attached()  # the WAV
    _new_pictures_after(page, panel, lambda: (panel.get_by_label("Seed").fill("3"),
                                              panel.get_by_role("button", name="Generate", exact=True).click()))
    sync_api.expect(panel.get_by_role("button", name="Play", exact=True).first).to_be_visible()
    _shot(page, shots, "audio-generated")

    audio.get_by_role("tab", name="Instrument notes").click()          # a key on the keyboard picks the pitch
    panel = audio.locator("[role=tabpanel]:visible").last
    panel.locator("button[data-note='A#4']").click()
    sync_api.expect(panel.get_by_label("Pitch")).to_have_value("A#4")
    sync_api.expect(panel.locator(".piano button.on")).to_have_attribute("data-note", "A#4")

    audio.get_by_role("tab", name="Melody").click()                    # a typed tune, and a key added, played
    panel = audio.locator("[role=tabpanel]:visible").last
    _shows_an_example(panel)
    tune = panel.locator("textarea").first

    def play():
        tune.fill("C4 E4 G4")
        panel.locator("button[data-note='C5']").click()
        sync_api.expect(tune).to_have_value("C4 E4 G4 C5")
        panel.get_by_role("button", name="Play the tune").click()
    _new_pictures_after(page, panel, play)
    page.wait_for_timeout(1500)                                       # the progress veil fades out
    _shot(page, shots, "melody-played")

    panel = _tab(page, "Text")
    names = panel.locator(".token")                                     # HighlightedText's spans
    sync_api.expect(names.first).to_be_visible()                        # the names of its settings
    first = [t.strip() for t in names.all_inner_texts()]
    panel.get_by_label("Seed", exact=True).fill("4")
    panel.get_by_role("button", name="Generate", exact=True).click()
    page.wait_for_function("""([first]) => {
        const names = [...document.querySelectorAll('.token')].filter(t => t.offsetParent !== null);
        return names.length > 0 && names.map(t => t.innerText.trim()).join() !== first.join();
    }""", arg=[first])
    texts = [t.strip() for t in names.all_inner_texts()]
    assert len(texts) >= 3 and all(re.fullmatch(r"[a-z]+", t) for t in texts), texts
    _shot(page, shots, "text-generated")

    panel.get_by_label("Shakespeare's lines (tiny Shakespeare)").check()        # the same tab, lines of verse
    panel.get_by_role("button", name="Generate", exact=True).click()
    page.wait_for_function("""() => [...document.querySelectorAll('.token')].filter(t => t.offsetParent !== null)
        .some(t => t.innerText.trim().includes(' '))""")
    lines = [t.strip() for t in names.all_inner_texts()]
    assert sum(" " in t for t in lines) >= 10, lines                    # words, not names
    _shot(page, shots, "text-lines")

    rows = panel.locator("[role=row][data-index]")                     # the Reply panel's table (its worked example)
    sync_api.expect(rows).to_have_count(5, timeout=TIMEOUT_MS)
    shown = rows.first.inner_text()
    line = panel.get_by_label("The line")
    line.fill("Of Mantua.")
    line.press("Enter")
    count = panel.get_by_label("number input for How many replies")
    count.fill("3")
    count.press("Enter")
    panel.get_by_role("button", name="Reply", exact=True).click()
    sync_api.expect(rows).to_have_count(3, timeout=TIMEOUT_MS)
    sync_api.expect(panel.get_by_text("replies to Of Mantua.")).to_be_visible(timeout=TIMEOUT_MS)
    assert rows.first.inner_text() != shown
    _shot(page, shots, "text-replies")

    panel = _tab(page, "Watch it train")                              # the three families from the inside
    picture = panel.locator("img:visible").first
    before = picture.get_attribute("src")
    panel.get_by_role("combobox", name="Model").click()
    page.get_by_role("option", name="GAN, VAE and RBM side by side").click()
    panel.get_by_role("button", name="Step D only").click()
    sync_api.expect(panel.get_by_text("RBM: modes covered")).to_be_visible(timeout=TIMEOUT_MS)
    page.wait_for_function("""([before]) => [...document.querySelectorAll('[role=tabpanel] img')]
        .some(i => i.offsetParent !== null && i.src !== before && i.complete && i.naturalWidth === 3 * 360)""",
                           arg=[before])
    _shot(page, shots, "toy-all-three-inside")


def test_a_teacher_and_three_students_play_the_discriminator_in_one_room(page, client, tmp_path_factory):
    """Four browsers (contexts of the module's Chromium: no cookie or storage shared): the teacher opens a room;
    three students join with its code (typed their own way) and answer; the teacher's table, refreshing itself,
    shows their answers."""
    shots = tmp_path_factory.mktemp("classroom")
    browser = page.context.browser
    windows = []
    for _ in range(4):
        window = browser.new_context(viewport={"width": 1400, "height": 1000}).new_page()
        window.set_default_timeout(TIMEOUT_MS)
        window.goto(client.src)
        window.wait_for_selector("[role=tablist] [role=tab]")
        windows.append(window)
    teacher, students = windows[0], windows[1:]
    panel = _tab(teacher, "Classroom")
    panel.get_by_role("button", name="Open a room").click()
    code_text = panel.get_by_text(re.compile(r"Room code: [0-9A-Z]{4}-[0-9A-Z]{4}"))
    sync_api.expect(code_text).to_be_visible(timeout=TIMEOUT_MS)
    code = re.search(r"[0-9A-Z]{4}-[0-9A-Z]{4}", code_text.inner_text()).group()
    link = re.search(r"\?room=[0-9A-Z]{8}", panel.inner_text()).group()
    for i, window in enumerate(students):
        if i == 2:                                                       # the third follows the room's link
            window.goto(client.src.rstrip("/") + "/" + link)
            tab = window.locator("[role=tablist]").first.get_by_role("tab", name="Classroom", exact=True)
            sync_api.expect(tab).to_have_attribute("aria-selected", "true", timeout=TIMEOUT_MS)
            mine = window.locator("[role=tabpanel]:visible").first
            sync_api.expect(mine.get_by_label("Room code")).to_have_value(code.replace("-", ""), timeout=TIMEOUT_MS)
        else:
            mine = _tab(window, "Classroom")
            mine.get_by_label("Room code").fill(code.lower() if i == 1 else code.replace("-", " "))
        mine.get_by_label("Your name (optional)").fill(f"student {i}")
        mine.get_by_role("button", name="Join").click()
        sync_api.expect(mine.get_by_text("Joined.")).to_be_visible(timeout=TIMEOUT_MS)
        for answer in ("Real", "Generated")[: i + 1]:             # 1, 2 and 2 answers: 5 in all
            mine.get_by_role("button", name=answer, exact=True).click()
            sync_api.expect(mine.get_by_text(re.compile(r"(Right|Fooled): it was"))).to_be_visible(timeout=TIMEOUT_MS)
        window.wait_for_function("""() => [...document.querySelectorAll('[role=tabpanel] img')]
            .some(i => i.offsetParent !== null && i.complete && i.naturalWidth === 224)""")   # the next picture
        _shot(window, shots, f"classroom-student-{i}")
    for window, guess in zip(students[:2], ("recall", "precision")):        # Predict, then reveal, pooled
        mine = window.locator("[role=tabpanel]:visible").first
        mine.get_by_label(guess, exact=True).check()
        mine.get_by_role("button", name="Lock it in, then reveal").click()
        sync_api.expect(mine.get_by_text(re.compile(r"(Right|Not this time): you said"))).to_be_visible(timeout=TIMEOUT_MS)
        sync_api.expect(mine.get_by_text("measured: recall")).to_be_visible()
    sync_api.expect(panel.get_by_text("3 students have joined; 5 answers")).to_be_visible(timeout=TIMEOUT_MS)
    sync_api.expect(panel.get_by_text("precision: 1 · recall: 1 · both: 0 · neither: 0")).to_be_visible(timeout=TIMEOUT_MS)
    rows = panel.locator("[role=row][data-index]")
    sync_api.expect(rows).to_have_count(3 + 7, timeout=TIMEOUT_MS)          # the families' rows, the polls' rows
    _shot(teacher, shots, "classroom-teacher")
    for window in windows:
        window.context.close()


def test_a_lesson_link_opens_its_view_and_copy_link_writes_one(page, client, tmp_path_factory):
    """A teacher's link to the Latent space walk (a checkpoint, seeds, classes, steps) opens that sub-tab with
    those settings and the walk; changing a seed and pressing Copy link puts the new link in the address bar
    and in its box, and that link opens the same view again."""
    shots = tmp_path_factory.mktemp("links")
    window = page.context.browser.new_context(viewport={"width": 1400, "height": 1000}).new_page()
    window.set_default_timeout(TIMEOUT_MS)
    base = client.src.rstrip("/") + "/"
    window.goto(base + "?view=interpolate&checkpoint=gan-fashion&from_seed=4&to_seed=9&from_label=Trouser"
                       "&to_label=Bag&steps=6&spherical=false")
    tab = window.locator("[role=tablist]").first.get_by_role("tab", name="Latent space", exact=True)
    sync_api.expect(tab).to_have_attribute("aria-selected", "true", timeout=TIMEOUT_MS)
    panel = window.locator("[role=tabpanel]:visible").first
    sync_api.expect(panel.get_by_label("Checkpoint").first).to_have_value("gan-fashion")
    sync_api.expect(panel.get_by_label("From class")).to_have_value("Trouser")
    sync_api.expect(panel.get_by_label("To class")).to_have_value("Bag")
    sync_api.expect(panel.get_by_text(re.compile(r"6 steps in \d+ ms"))).to_be_visible(timeout=TIMEOUT_MS)
    _shot(window, shots, "lesson-link-walk")
    panel.get_by_label("To seed").fill("11")
    panel.get_by_role("button", name="Copy link").first.click()
    box = panel.get_by_placeholder("a link to this view, its settings and its result").first
    sync_api.expect(box).to_have_value(re.compile(r"view=interpolate&.*to_seed=11"))
    assert window.url == box.input_value()
    window.goto(box.input_value())
    panel = window.locator("[role=tabpanel]:visible").first
    sync_api.expect(panel.get_by_label("To seed")).to_have_value("11", timeout=TIMEOUT_MS)
    window.context.close()
