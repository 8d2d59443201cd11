"""The docs offline: a faithful preview of the Quarto site, rendered and checked in a real browser.

    python .ci/docs.py preview  # all three below, in order: the one line a contributor runs
    python .ci/docs.py proc     # nbs/ -> _proc/, as nbdev_proc_nbs does, without its side effects
    python .ci/docs.py render   # _proc/ -> _html/, one page per notebook
    python .ci/docs.py check    # headless Chromium opens index and three lessons; fails on raw
                                # TeX, a missing figure, a printed front matter, a dead link

`nbdev_proc_nbs` (and `nbdev_docs`) install Quarto when it is missing, with sudo, and then
pip-install the kit's [dev] extras; `proc` runs the same processing of the notebooks without
either. The browser and the formulas' fonts: apt-get install chromium libjs-mathjax fonts-mathjax.

Quarto publishes the site where it is installed (`nbdev_docs`); this preview follows what Quarto
does with nbdev's notebooks: the front matter becomes the title, `#| echo: false` hides a cell's
code, `#| include: false` the whole cell, formulas are typeset by MathJax (here a local copy,
Debian's libjs-mathjax), pages are named by their `output-file` and linked in reading order.
"""
import html, json, re, shutil, subprocess, sys
from pathlib import Path

import nbformat
from nbconvert import HTMLExporter
from traitlets.config import Config

ROOT = Path(__file__).resolve().parent.parent
PROC, OUT = ROOT / '_proc', ROOT / '_html'
MATHJAX = Path('/usr/share/javascript/mathjax')
CHECKED = ('index', '02_attention', '05_optimizer', '11_pcgrad')  # notebooks the browser opens
QUARTO_ATTRS = re.compile(r'\{[^{}\n]*(?:target=|style=)[^{}\n]*\}')


def reading_order() -> list[str]:
    "The notebooks of the sidebar (nbs/sidebar.yml), in order."
    text = (ROOT / 'nbs' / 'sidebar.yml').read_text()
    return [m.group(1) for m in re.finditer(r'^\s*- (\S+)\.ipynb\s*$', text, re.M)]


def front_matter(nb) -> dict:
    "The YAML front matter nbdev writes as the first raw cell: title, description, output-file."
    cell = nb.cells[0] if nb.cells and nb.cells[0].cell_type == 'raw' else None
    if cell is None or not cell.source.startswith('---'):
        return {}
    text = cell.source.strip().strip('-')
    fm = {}
    for key in ('title', 'description', 'output-file'):  # values may wrap onto indented lines
        m = re.search(rf'^{key}:(.*(?:\n  .*)*)', text, re.M)
        if m:
            raw = ' '.join(m.group(1).split())  # YAML: '' is one quote in a '...' string
            quoted = len(raw) > 1 and raw[0] == raw[-1] == "'"
            fm[key] = raw[1:-1].replace("''", "'") if quoted else raw.strip('"')
    nb.cells.pop(0)
    return fm


def page_name(stem: str) -> str:
    nb = nbformat.read(PROC / f'{stem}.ipynb', as_version=4)
    return front_matter(nb).get('output-file', f'{stem}.html')


def _link(target: str, pages: dict) -> str:
    "A link of a notebook or the README, as a link between the preview's pages or to a file."
    if re.match(r'^(https?:|mailto:|#|data:)', target):
        return target
    path, _, anchor = target.partition('#')
    stem = Path(path).name.removesuffix('.ipynb')
    if path.endswith('.ipynb') and stem in pages:
        return pages[stem] + (f'#{anchor}' if anchor else '')
    for base in (ROOT / 'nbs', ROOT):  # a file of the repository: relative to _html/
        if path and (base / path).exists():
            return Path('..', (base / path).relative_to(ROOT)).as_posix()
    return target


def _fix_markdown(text: str, pages: dict) -> str:
    text = QUARTO_ATTRS.sub('', text)
    return re.sub(r'\]\(([^)\s]+)\)', lambda m: f'](' + _link(m.group(1), pages) + ')', text)


def _directives(cell) -> set:
    "nbdev's directives of a code cell, removed from its source: {'echo: false', ...}."
    lines = cell.source.splitlines()
    found = {l[3:].strip() for l in lines if l.startswith('#| ')}
    cell.source = '\n'.join(l for l in lines if not l.startswith('#| '))
    return found


def prepare(nb, fm: dict, nav: str, pages: dict):
    "The notebook as Quarto shows it: a title, hidden cells hidden, links between pages."
    head = f"{nav}\n\n# {fm.get('title', '')}\n\n" + (f"> {fm['description']}" if fm.get(
        'description') else '')
    cells = [nbformat.v4.new_markdown_cell(head)]
    for c in nb.cells:
        if c.cell_type == 'markdown':
            if c.source.startswith('<!-- WARNING'):
                continue
            c.source = _fix_markdown(c.source, pages)
        elif c.cell_type == 'code':
            d = _directives(c)
            if d & {'include: false', 'hide'}:
                continue
            tags = set(c.metadata.get('tags', []))
            if d & {'echo: false', 'hide_input'} or not c.source.strip():
                tags.add('remove_input')
            if d & {'output: false'}:
                tags.add('remove_output')
            c.metadata['tags'] = sorted(tags)
            for o in c.get('outputs', []):
                md = o.get('data', {}).get('text/markdown')
                if md is not None:
                    o['data']['text/markdown'] = _fix_markdown(md, pages)
        cells.append(c)
    nb.cells = cells + [nbformat.v4.new_markdown_cell(nav)]
    return nb


def exporter() -> HTMLExporter:
    c = Config()
    c.TagRemovePreprocessor.enabled = True
    c.TagRemovePreprocessor.remove_input_tags = ('remove_input',)
    c.TagRemovePreprocessor.remove_all_outputs_tags = ('remove_output',)
    e = HTMLExporter(config=c, template_name='lab')
    e.exclude_input_prompt = e.exclude_output_prompt = True
    e.mathjax_url = 'mathjax/MathJax.js?config=TeX-AMS_CHTML'
    return e


def render():
    "Every notebook of the sidebar to _html/, a contents page, and the local MathJax beside."
    order = [s for s in reading_order() if (PROC / f'{s}.ipynb').exists()]
    pages = {s: page_name(s) for s in order}
    shutil.rmtree(OUT, ignore_errors=True)
    OUT.mkdir()
    (OUT / 'mathjax').symlink_to(MATHJAX)
    ex, titles = exporter(), {}
    for i, s in enumerate(order):
        nb = nbformat.read(PROC / f'{s}.ipynb', as_version=4)
        fm = front_matter(nb)
        titles[s] = fm.get('title', s)
        prev = f'[← {order[i - 1]}]({pages[order[i - 1]]}) · ' if i else ''
        nxt = f' · [{order[i + 1]} →]({pages[order[i + 1]]})' if i + 1 < len(order) else ''
        nav = f'{prev}[contents](contents.html){nxt}'
        body, _ = ex.from_notebook_node(prepare(nb, fm, nav, pages))
        (OUT / pages[s]).write_text(body)
    rows = ''.join(f'<li><a href="{pages[s]}">{html.escape(titles[s])}</a> '
                   f'<code>{s}</code></li>' for s in order)
    (OUT / 'contents.html').write_text(
        f'<!doctype html><meta charset="utf-8"><title>minbert_mtl</title>'
        f'<h1>minbert_mtl: the notebooks in reading order</h1><ol>{rows}</ol>')
    print(f'{len(order)} pages and contents.html in {OUT}')


def browser_dom(page: Path) -> str:
    "The page's DOM after its scripts ran (MathJax typesetting), from headless Chromium."
    cmd = ['chromium', '--headless', '--no-sandbox', '--disable-gpu',
           '--allow-file-access-from-files', '--virtual-time-budget=20000', '--dump-dom',
           page.as_uri()]
    return subprocess.run(cmd, capture_output=True, text=True, timeout=120, check=True).stdout


def visible_text(dom: str) -> str:
    dom = re.sub(r'<(script|style)\b.*?</\1>', ' ', dom, flags=re.S | re.I)
    return html.unescape(re.sub(r'<[^>]+>', ' ', dom))


def problems(page: Path, dom: str) -> list[str]:
    "What is wrong with a rendered page: raw TeX, front matter, stray text, missing files."
    text, found = visible_text(dom), []
    for bad, what in (('$$', 'raw $$ TeX'), ('\\frac', 'raw TeX'), ('output-file:', 'front matter'),
                      ('target="_blank"', 'Quarto link attributes'), ('<Axes', 'a stray Axes repr'),
                      ('In\xa0[', 'input prompts'), ('BEGIN HIDDEN TESTS', 'nbgrader markers')):
        if bad in text:
            found.append(f'{what}: ...{text[max(0, text.index(bad) - 60):text.index(bad) + 40]!r}')
    if '$' in page.read_text() and 'MathJax' not in dom:
        found.append('formulas not typeset (no MathJax in the page after it ran)')
    for src in re.findall(r'<img[^>]+src="([^"]+)"', dom):
        if not src.startswith('data:') and not (page.parent / src).exists():
            found.append(f'missing figure {src}')
    for href in re.findall(r'<a[^>]+href="([^"#]+)', dom):
        if not re.match(r'^(https?:|mailto:|file:|javascript:)', href) and not (
                page.parent / html.unescape(href)).exists():
            found.append(f'dead link {href}')
    return found


def check():
    "Open index and three lessons in headless Chromium; fail on any problem; keep a screenshot."
    pages = {s: page_name(s) for s in CHECKED}
    bad = []
    for s, name in pages.items():
        dom = browser_dom(OUT / name)
        found = problems(OUT / name, dom)
        print(f'{name}: ' + ('ok' if not found else f'{len(found)} problem(s)'))
        bad += [f'{name}: {p}' for p in found]
    shot = OUT / 'screenshot.png'
    subprocess.run(['chromium', '--headless', '--no-sandbox', '--disable-gpu', '--hide-scrollbars',
                    '--virtual-time-budget=20000', '--window-size=1200,1600',
                    f'--screenshot={shot}', (OUT / pages['02_attention']).as_uri()],
                   capture_output=True, timeout=120, check=True)
    print(f'screenshot of a lesson: {shot}')
    if bad:
        raise SystemExit('\n'.join(bad))


def proc():
    "The notebooks processed into _proc/ for the site, as nbdev_proc_nbs, but installing nothing."
    import nbdev.doclinks
    from nbdev.serve import proc_nbs
    shutil.rmtree(PROC, ignore_errors=True)
    nbdev.doclinks._build_modidx()
    proc_nbs(str(ROOT / 'nbs'))
    done, source = len(list(PROC.glob('*.ipynb'))), len(list((ROOT / 'nbs').glob('*.ipynb')))
    if done != source: raise SystemExit(f'processed {done} of {source} notebooks: see above')


def preview():
    "Process, render and check the docs: the offline preview in one command."
    proc()
    render()
    check()


if __name__ == '__main__':
    steps = {'proc': proc, 'render': render, 'check': check, 'preview': preview}
    if len(sys.argv) != 2 or sys.argv[1] not in steps:
        raise SystemExit(f"usage: python .ci/docs.py {{{','.join(steps)}}}")
    steps[sys.argv[1]]()
