"""The client report in a real browser (headless Chromium, Debian's ``chromium`` package).

One report is rendered for a client built to be awkward (HTML in its name,
goal statements, Trends/keyword strings, assumption sources and a CSV header;
a long unbroken token), then Chromium

* loads it with a small probe script appended that emulates print media and
  measures: every chart image loaded, nothing wider than the printable width
  of an A4 page (182 mm = 688 CSS px), no code or error text visible, the
  verdict table present with one badge per goal, client strings shown as text;
* takes a screenshot at A4 width, and prints the report itself to PDF.

Artifacts go to ``test-artifacts/`` (gitignored): ``report.png``,
``report.pdf``, ``report-probe.json`` and the report HTML. Chromium is
required: ``make test`` installs it (``.ci/ensure-chromium``); a machine without it fails here with a
message saying how to install it (skipping would hide a broken report).
"""

from __future__ import annotations

import html
import json
import re
import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest
import yaml

from tests.corpus import ROOT, SAMPLE_CLIENTS
from toolkit.batch.run import run_report

ARTIFACTS = ROOT / "test-artifacts"
A4_WIDTH_PX = 794  # 210 mm at 96 CSS px per inch
PRINTABLE_WIDTH_PX = 688  # 210 mm - 2 x 14 mm (@page margin in report.css)
A4_POINTS = (595, 842)

HOSTILE_NAME = "Lumen <b>Dental</b> & Co <script>document.title='pwned-name'</script>"
HOSTILE_STATEMENT = "150 <img src=x onerror=\"document.title='pwned-goal'\"> booking requests a month by September 2027"
LONG_TOKEN = "https://lumen-dental.example/" + "campaign-tracking-" * 8
HOSTILE_SOURCE = "<a href='javascript:alert(1)'>SEO audit</a>"
HOSTILE_KEYWORD = "<script>document.title='pwned-keyword'</script> tandarts"
HOSTILE_METRIC = "leads<i>booked</i>"

FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         "--disable-dev-shm-usage", "--hide-scrollbars", "--no-default-browser-check"]

PROBE = r"""
<script>
window.addEventListener('load', function () {
  // Emulate print media: copy every @media print rule into an unconditional style sheet.
  var extra = [];
  for (var s = 0; s < document.styleSheets.length; s++) {
    var rules; try { rules = document.styleSheets[s].cssRules; } catch (e) { continue; }
    for (var r = 0; r < rules.length; r++) {
      var rule = rules[r];
      if (rule.media && /print/.test(rule.media.mediaText)) {
        for (var k = 0; k < rule.cssRules.length; k++) extra.push(rule.cssRules[k].cssText);
      }
    }
  }
  var style = document.createElement('style');
  style.textContent = extra.join('\n');
  document.head.appendChild(style);
  function shown(el) { return el.getClientRects().length > 0 && getComputedStyle(el).visibility !== 'hidden'; }
  var width = document.documentElement.clientWidth;
  var overflow = [];
  var all = document.body.querySelectorAll('*');
  for (var i = 0; i < all.length; i++) {
    var box = all[i].getBoundingClientRect();
    if (box.width > 0 && (box.right > width + 1 || box.left < -1)) {
      overflow.push(all[i].tagName + '.' + all[i].className + ' right=' + Math.round(box.right));
    }
  }
  var images = [];
  for (var j = 0; j < document.images.length; j++) {
    var img = document.images[j];
    images.push({complete: img.complete, naturalWidth: img.naturalWidth, naturalHeight: img.naturalHeight,
                 width: img.getBoundingClientRect().width, shown: shown(img), alt: img.alt});
  }
  var verdictRows = [];
  var tables = document.querySelectorAll('table');
  for (var t = 0; t < tables.length; t++) {
    var heads = Array.prototype.map.call(tables[t].querySelectorAll('th'), function (h) { return h.innerText; });
    if (heads.indexOf('Verdict') >= 0 && shown(tables[t])) {
      var rows = tables[t].querySelectorAll('tbody tr');
      for (var q = 0; q < rows.length; q++) {
        var badge = rows[q].querySelector('.gc-verdict');
        verdictRows.push(badge && shown(badge) ? badge.innerText : null);
      }
    }
  }
  var code = document.querySelectorAll('.jp-CodeCell .jp-InputArea, .highlight, .jp-InputPrompt, .jp-OutputPrompt, '
    + '[data-mime-type="application/vnd.jupyter.stderr"], .jp-OutputArea-executeResult pre');
  var result = {
    width: width, scrollWidth: document.documentElement.scrollWidth, overflow: overflow.slice(0, 20),
    images: images, verdictRows: verdictRows,
    visibleCode: Array.prototype.filter.call(code, shown).length,
    headings: Array.prototype.filter.call(document.querySelectorAll('h1, h2, h3'), shown).map(function (h) { return h.innerText; }),
    title: document.title, text: document.body.innerText,
    // Print rules as Chromium computes them: headings travel with what follows, tables and charts stay whole.
    headingBreaks: Array.prototype.filter.call(document.querySelectorAll('h2, h3, h4'), shown).map(function (h) {
      return getComputedStyle(h).breakAfter; }),
    blockBreaks: Array.prototype.filter.call(document.querySelectorAll('table, img.gc-chart'), shown).map(function (b) {
      return getComputedStyle(b).breakInside; })
  };
  var pre = document.createElement('pre');
  pre.id = 'gc-probe';
  pre.textContent = JSON.stringify(result);
  document.body.appendChild(pre);
});
</script>
"""


def _chromium() -> str:
    for name in ("chromium", "chromium-browser", "google-chrome", "chrome"):
        found = shutil.which(name)
        if found:
            return found
    pytest.fail("Chromium not found: the browser test needs Debian's `chromium` package "
                "(apt-get install -y chromium; `make test` installs it when missing)", pytrace=False)


def _run_chromium(*args: str, timeout: int = 120) -> subprocess.CompletedProcess:
    with tempfile.TemporaryDirectory(prefix="gc-chromium-") as profile:
        proc = subprocess.run([_chromium(), *FLAGS, f"--user-data-dir={profile}", *args],
                              capture_output=True, text=True, timeout=timeout)
    if proc.returncode != 0:
        pytest.fail(f"chromium exited {proc.returncode}: {proc.stderr[-1500:]}", pytrace=False)
    return proc


def _awkward_client(root: Path) -> Path:
    folder = root / "lumen-browser"
    shutil.copytree(SAMPLE_CLIENTS / "lumen-dental", folder)
    data = yaml.safe_load((folder / "client.yaml").read_text(encoding="utf-8"))
    data["client"].update(id="lumen-browser", name=HOSTILE_NAME)
    data["market"]["position"]["source"] = HOSTILE_SOURCE
    data["goals"][0].update(statement=HOSTILE_STATEMENT, metric=HOSTILE_METRIC)
    data["goals"][1]["statement"] = f"1,200 booking requests in total, tracked at {LONG_TOKEN}"
    (folder / "client.yaml").write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True), encoding="utf-8")
    hist = folder / "history.csv"
    header, rest = hist.read_text(encoding="utf-8").split("\n", 1)
    cells = header.split(",")
    hist.write_text(",".join(cells + [HOSTILE_METRIC]) + "\n"
                    + "\n".join(line + "," + line.split(",")[cells.index("leads")] for line in rest.strip().splitlines()) + "\n",
                    encoding="utf-8")
    with (folder / "keywords.csv").open("a", encoding="utf-8") as handle:
        handle.write(f'"{HOSTILE_KEYWORD}",1300,\n')
    return folder


@pytest.fixture(scope="module")
def rendered(tmp_path_factory):
    root = tmp_path_factory.mktemp("browser")
    folder = _awkward_client(root)
    reports = root / "reports"
    outcome = run_report(folder, reports, n_paths=300)
    assert outcome.status == "ok", outcome.error
    report = reports / "lumen-browser.html"
    ARTIFACTS.mkdir(exist_ok=True)
    shutil.copyfile(report, ARTIFACTS / "report.html")

    source = report.read_text(encoding="utf-8")
    probe_page = root / "probe.html"
    probe_page.write_text(source.replace("</body>", PROBE + "</body>", 1), encoding="utf-8")
    dom = _run_chromium(f"--window-size={PRINTABLE_WIDTH_PX},1123", "--virtual-time-budget=10000",
                        "--dump-dom", probe_page.as_uri()).stdout
    match = re.search(r'<pre id="gc-probe">(.*?)</pre>', dom, flags=re.S)
    assert match, "the probe script did not run (no measurements in the dumped DOM)"
    probe = json.loads(html.unescape(match.group(1)))
    (ARTIFACTS / "report-probe.json").write_text(json.dumps(probe, indent=2, ensure_ascii=False), encoding="utf-8")

    screenshot, pdf = ARTIFACTS / "report.png", ARTIFACTS / "report.pdf"
    for stale in (screenshot, pdf):
        stale.unlink(missing_ok=True)
    _run_chromium(f"--window-size={A4_WIDTH_PX},1123", f"--screenshot={screenshot}", report.as_uri())
    _run_chromium("--no-pdf-header-footer", f"--print-to-pdf={pdf}", report.as_uri())
    return {"source": source, "probe": probe, "screenshot": screenshot, "pdf": pdf, "outcome": outcome}


def test_every_chart_image_loaded(rendered):
    images = rendered["probe"]["images"]
    n_goals = len(rendered["outcome"].records["goals"])
    assert len(images) >= 2 * n_goals, images  # a fan chart and a reach-date chart per goal
    for img in images:
        assert img["complete"] and img["naturalWidth"] > 0 and img["naturalHeight"] > 0, img
        assert img["shown"] and img["width"] > 100, img


def test_nothing_overflows_the_printed_a4_width(rendered):
    probe = rendered["probe"]
    assert abs(probe["width"] - PRINTABLE_WIDTH_PX) <= 20, f"viewport {probe['width']} px is not the A4 printable width"
    assert probe["scrollWidth"] <= probe["width"], probe["overflow"]
    assert probe["overflow"] == [], probe["overflow"]
    for img in probe["images"]:
        assert img["width"] <= probe["width"], img


def test_no_code_or_error_text_is_visible(rendered):
    probe = rendered["probe"]
    assert probe["visibleCode"] == 0
    text = probe["text"]
    for noise in ("Traceback", "Error", "Exception", "Warning", "warn(", "import ", "toolkit.", "client_dir",
                  "In [", "Out[", "analyse_client", "undefined", "<Figure", "matplotlib"):
        assert noise not in text, f"{noise!r} is visible in the report"


def test_no_nan_or_none_is_visible(rendered):
    text = rendered["probe"]["text"]
    found = re.search(r".{0,40}\b(nan|NaN|inf|None|null)\b.{0,40}", text)
    assert found is None, found.group(0)


def test_verdict_table_and_sections_are_visible(rendered):
    probe = rendered["probe"]
    n_goals = len(rendered["outcome"].records["goals"])
    assert len(probe["verdictRows"]) == n_goals and all(probe["verdictRows"]), probe["verdictRows"]
    # The explanations between tables are markdown cells: they must be visible, not hidden with the code.
    for heading in ("Summary", "The goals", "Verdict", "How this was computed"):
        assert heading in probe["headings"], probe["headings"]


def test_client_strings_are_shown_as_text_never_run(rendered):
    source, probe = rendered["source"], rendered["probe"]
    # Had any client string run as script, it would have replaced the title with "pwned-...".
    assert probe["title"] == f"Goal feasibility: {HOSTILE_NAME}", probe["title"]
    # What the client typed is what the reader sees, literally.
    assert HOSTILE_NAME in probe["text"]
    assert "<img src=x onerror=" in probe["text"]
    assert HOSTILE_METRIC in probe["text"]  # a CSV header, shown through the goal's metric
    assert HOSTILE_SOURCE in probe["text"]  # an assumption's source string
    for raw in ("<script>document.title", "<img src=x", "<i>booked</i>", "<a href='javascript", "<b>Dental</b>"):
        assert raw not in source, f"unescaped client string {raw!r} in the HTML"


def test_screenshot_is_a_real_page(rendered):
    from PIL import Image

    path = rendered["screenshot"]
    assert path.is_file() and path.stat().st_size > 20_000
    with Image.open(path) as img:
        assert img.size == (A4_WIDTH_PX, 1123)
        gray = img.convert("L")
        dark = sum(gray.histogram()[:200]) / (img.size[0] * img.size[1])
        colours = img.convert("RGB").getcolors(maxcolors=1 << 20)
    assert dark > 0.02, "screenshot is (nearly) blank"
    assert colours is None or len(colours) > 200, "screenshot has too few colours to hold text and charts"


def test_prints_to_a4_pdf(rendered):
    data = rendered["pdf"].read_bytes()
    assert data.startswith(b"%PDF-")
    pages = re.findall(rb"/Type\s*/Page(?![a-zA-Z])", data)
    assert 2 <= len(pages) <= 20, f"{len(pages)} pages"
    boxes = {tuple(round(float(v)) for v in box.split()[2:]) for box in re.findall(rb"/MediaBox\s*\[([^\]]*)\]", data)}
    assert boxes == {A4_POINTS}, boxes


#: Words a client should not meet before the appendix: model ids, percentiles, draws, field names, commands.
FORBIDDEN = [r"comb\(", r"calibrated x", r"\bP10\b", r"\bP50\b", r"\bP90\b", r"\bdraws\b", r"_share\b",
             r"goalcheck ", r"gap\(s\)", r"\bnan\b", r"\bNone\b", r"\bCLV\b", r"\bCAC\b", r"\(STL\)",
             r"money/unit", r"not within the horizon\b.*\bby\b", r"by not within", r"Share of draws",
             r"lead_to_sale", r"segment_share", r"\bbase\b"]


def _visible_text(report: Path, root: Path) -> str:
    page = root / f"{report.stem}-probe.html"
    page.write_text(report.read_text(encoding="utf-8").replace("</body>", PROBE + "</body>", 1), encoding="utf-8")
    dom = _run_chromium(f"--window-size={PRINTABLE_WIDTH_PX},1123", "--virtual-time-budget=10000", "--dump-dom",
                        page.as_uri()).stdout
    match = re.search(r'<pre id="gc-probe">(.*?)</pre>', dom, flags=re.S)
    assert match, "the probe script did not run"
    return json.loads(html.unescape(match.group(1)))["text"]


@pytest.fixture(scope="module")
def sample_texts(tmp_path_factory):
    root = tmp_path_factory.mktemp("samples")
    texts = {}
    for folder in sorted(p for p in SAMPLE_CLIENTS.iterdir() if p.is_dir()):
        outcome = run_report(folder, root, n_paths=300)
        assert outcome.status == "ok", outcome.error
        texts[folder.name] = _visible_text(root / f"{folder.name}.html", root)
        ARTIFACTS.mkdir(exist_ok=True)
        _run_chromium(f"--window-size={A4_WIDTH_PX},1123", f"--screenshot={ARTIFACTS / (folder.name + '.png')}",
                      (root / f"{folder.name}.html").as_uri())
    return texts


def test_no_forbidden_words_before_the_appendix(sample_texts):
    for client, text in sample_texts.items():
        body = text.split("How this was computed", 1)[0]
        assert "Summary" in body, client
        for pattern in FORBIDDEN:
            found = re.search(rf".{{0,40}}{pattern}.{{0,40}}", body)
            assert found is None, f"{client}: {pattern!r} in {found.group(0)!r}"


def test_print_keeps_headings_with_their_content_and_blocks_whole(rendered):
    probe = rendered["probe"]
    assert probe["headingBreaks"] and set(probe["headingBreaks"]) == {"avoid"}, probe["headingBreaks"]
    assert probe["blockBreaks"] and set(probe["blockBreaks"]) == {"avoid"}, probe["blockBreaks"]


def test_printed_pages_carry_the_client_and_page_numbers(rendered):
    source = rendered["source"]
    assert re.search(r"@bottom-right\s*\{\s*content:\s*\"Page \" counter\(page\)", source)
    assert "@bottom-left" in source and "<script>document.title" not in source.split("@bottom-left", 1)[1][:200]
