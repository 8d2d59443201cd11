"""The docs offline: a faithful preview of the Quarto site, rendered and checked in a real browser.

    python .ci/docs.py preview  # all three below, in order: the one line a contributor runs
    python .ci/docs.py proc     # nbs/ -> _proc/, as nbdev_proc_nbs does, without its side effects
    python .ci/docs.py render   # _proc/ -> _html/, one page per notebook
    python .ci/docs.py check    # headless Chromium opens every page; fails on raw TeX, a missing
                                # figure, a printed front matter, a dead link, a page without the
                                # sidebar, a tab titled 'Notebook', a link to an unpublished host

`nbdev_proc_nbs` (and `nbdev_docs`) install Quarto when it is missing, with sudo, and then
pip-install the kit's [dev] extras; `proc` runs the same processing of the notebooks without
either. The browser and the formulas' fonts: apt-get install chromium libjs-mathjax fonts-mathjax.

Quarto publishes the site where it is installed (`nbdev_docs`); this preview follows what Quarto
does with nbdev's notebooks: the front matter becomes the title, `#| echo: false` hides a cell's
code, `#| include: false` the whole cell, formulas are typeset by MathJax (here a local copy,
Debian's libjs-mathjax), pages are named by their `output-file` and linked in reading order.
"""
import configparser, html, json, re, shutil, subprocess, sys
from pathlib import Path

import nbformat
from nbconvert import HTMLExporter
from traitlets.config import Config

ROOT = Path(__file__).resolve().parent.parent
PROC, OUT = ROOT / '_proc', ROOT / '_html'
MATHJAX = Path('/usr/share/javascript/mathjax')
QUARTO_ATTRS = re.compile(r'\{[^{}\n]*(?:target=|style=)[^{}\n]*\}')


def sections() -> list[tuple[str, list[str]]]:
    "The sidebar's sections (nbs/sidebar.yml), in order: [(title, [notebook])], the index first."
    out = [('', [])]
    for line in (ROOT / 'nbs' / 'sidebar.yml').read_text().splitlines():
        if m := re.search(r'section: "(.+)"', line): out.append((m[1], []))
        elif m := re.search(r'- (\S+)\.ipynb\s*$', line): out[-1][1].append(m[1])
    return [(title, stems) for title, stems in out if stems]


def reading_order() -> list[str]:
    "The notebooks of the sidebar, in order."
    return [s for _, stems in sections() for s in stems]


def project_urls() -> tuple[str, str]:
    "Where Quarto would publish the site, and the repository's address (settings.ini)."
    cfg = configparser.ConfigParser()
    cfg.read(ROOT / 'settings.ini')
    d = cfg['DEFAULT']
    return d['doc_host'] + d['doc_baseurl'], f"{d['git_url']}/blob/{d['branch']}/"


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


SITE_CSS = """
body { margin: 0; font-family: system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; }
.mm-sidebar { position: fixed; top: 0; left: 0; bottom: 0; width: 250px; overflow-y: auto;
  padding: 1rem; background: #f7f7f9; border-right: 1px solid #e3e3e8; font-size: 0.9rem; }
.mm-sidebar .mm-home { font-weight: 700; font-size: 1.1rem; text-decoration: none; color: #222; }
.mm-sidebar .mm-section { margin: 1rem 0 0.3rem; font-weight: 600; color: #555;
  text-transform: uppercase; font-size: 0.75rem; letter-spacing: 0.04em; }
.mm-sidebar ol, .mm-toc ul { list-style: none; margin: 0; padding: 0; }
.mm-sidebar li a, .mm-toc li a { display: block; padding: 0.15rem 0.4rem; color: #2c5aa0;
  text-decoration: none; border-radius: 4px; }
.mm-sidebar li.current a { background: #2c5aa0; color: white; }
.mm-toc { position: fixed; top: 0; right: 0; width: 210px; padding: 1rem; font-size: 0.85rem; }
.mm-toc p { font-weight: 600; margin: 0 0 0.3rem; }
main, .mm-page { margin-left: 270px; margin-right: 230px; max-width: 900px; }
.mm-pager { display: flex; justify-content: space-between; margin: 1.5rem 0; }
.mm-contents { padding: 1rem 2rem; }
.mm-contents h2 { margin-top: 1.5rem; }
.mm-contents li { margin: 0.25rem 0; }
.mm-contents .mm-desc { color: #555; }
"""


def _inline(text: str) -> str:
    "Markdown's inline code in a title or a description, as HTML."
    return re.sub(r'`([^`]+)`', r'<code>\1</code>', html.escape(text))


def _sidebar(current: str, pages: dict, meta: dict) -> str:
    "The three sections as the sidebar, the current page marked."
    parts = ['<nav class="mm-sidebar"><a class="mm-home" href="index.html">minbert_mtl</a>']
    for title, stems in sections():
        items = ''.join(f'<li class="{"current" if s == current else ""}"><a href="{pages[s]}">'
                        f'{_inline(meta[s].get("title", s))}</a></li>'
                        for s in stems if s in pages)
        parts.append((f'<p class="mm-section">{html.escape(title)}</p>' if title else '')
                     + f'<ol>{items}</ol>')
    return ''.join(parts) + '</nav>'


def _toc(body: str) -> str:
    "'On this page': the page's second-level headings."
    heads = re.findall(r'<h2 id="([^"]+)"[^>]*>(.*?)(?:<a class="anchor-link"|</h2>)', body, re.S)
    items = ''.join(f'<li><a href="#{i}">{re.sub(r"<[^>]+>", "", t).strip()}</a></li>'
                    for i, t in heads)
    return f'<nav class="mm-toc"><p>On this page</p><ul>{items}</ul></nav>' if items else ''


def _local_links(body: str, pages: set) -> str:
    """The project's own site and repository, as Quarto would link them, made local: a symbol's
    page in the preview, a source file in the clone."""
    site, repo = project_urls()
    def page(m):
        name = m.group(1)
        return f'href="{name}' if name.split('#')[0] in pages else m.group(0)
    body = re.sub(r'href="' + re.escape(site) + r'/([^"]*)', page, body)
    return re.sub(r'href="' + re.escape(repo) + r'([^"#]*)', r'href="../\1', body)


def _site_page(body: str, s: str, title: str, pages: dict, meta: dict) -> str:
    "A rendered notebook inside the site: its title in the tab, the sidebar, 'on this page'."
    body = body.replace('<title>Notebook</title>',
                        f'<title>{html.escape(title)} – minbert_mtl</title>', 1)
    body = body.replace('</head>', '<link rel="stylesheet" href="styles.css">'
                        '<link rel="stylesheet" href="site.css"></head>', 1)
    body = re.sub(r'(<body[^>]*>)', lambda m: m.group(1) + _sidebar(s, pages, meta) + _toc(body),
                  body, count=1)
    return _local_links(body, set(pages.values()))


def _pager(i: int, order: list, pages: dict, meta: dict) -> str:
    "The previous and next pages by their titles, and the contents."
    t = lambda s: meta[s].get('title', s)
    prev = f'[← {t(order[i - 1])}]({pages[order[i - 1]]})' if i else ''
    nxt = f'[{t(order[i + 1])} →]({pages[order[i + 1]]})' if i + 1 < len(order) else ''
    return f'<div class="mm-pager">\n\n{prev}\n\n[contents](contents.html)\n\n{nxt}\n\n</div>'


def _contents(pages: dict, meta: dict) -> str:
    "The contents page: the three sections, each page's title and description."
    parts = []
    for title, stems in sections():
        rows = ''.join(f'<li><a href="{pages[s]}">{_inline(meta[s].get("title", s))}</a> '
                       f'<code>{s}</code><br><span class="mm-desc">'
                       f'{_inline(meta[s].get("description", ""))}</span></li>'
                       for s in stems if s in pages)
        parts.append((f'<h2>{html.escape(title)}</h2>' if title else '') + f'<ol>{rows}</ol>')
    return (f'<!doctype html><meta charset="utf-8"><title>Contents – minbert_mtl</title>'
            f'<link rel="stylesheet" href="site.css"><body>{_sidebar("", pages, meta)}'
            f'<div class="mm-page mm-contents"><h1>minbert_mtl: contents</h1>{"".join(parts)}'
            f'</div></body>')


def render():
    "Every notebook of the sidebar to _html/ inside the site's frame, a contents page, MathJax."
    order = [s for s in reading_order() if (PROC / f'{s}.ipynb').exists()]
    nbs = {s: nbformat.read(PROC / f'{s}.ipynb', as_version=4) for s in order}
    meta = {s: front_matter(nb) for s, nb in nbs.items()}
    pages = {s: meta[s].get('output-file', f'{s}.html') for s in order}
    shutil.rmtree(OUT, ignore_errors=True)
    OUT.mkdir()
    (OUT / 'mathjax').symlink_to(MATHJAX)
    (OUT / 'site.css').write_text(SITE_CSS)
    shutil.copy(ROOT / 'nbs' / 'styles.css', OUT / 'styles.css')
    ex = exporter()
    for i, s in enumerate(order):
        nav = _pager(i, order, pages, meta)
        body, _ = ex.from_notebook_node(prepare(nbs[s], meta[s], nav, pages))
        (OUT / pages[s]).write_text(_site_page(body, s, meta[s].get('title', s), pages, meta))
    (OUT / 'contents.html').write_text(_contents(pages, meta))
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
    """What is wrong with a rendered page: raw TeX, front matter, stray text, missing files, no
    sidebar, a tab titled 'Notebook', a link to the unpublished site or repository."""
    text, found = visible_text(dom), []
    for bad, what in (('$$', 'raw $$ TeX'), ('\\frac', 'raw TeX'), ('output-file:', 'front matter'),
                      ('target="_blank"', 'Quarto link attributes'), ('<Axes', 'a stray Axes repr'),
                      ('In\xa0[', 'input prompts')):
        if bad in text:
            found.append(f'{what}: ...{text[max(0, text.index(bad) - 60):text.index(bad) + 40]!r}')
    code = visible_text(''.join(re.findall(r'<pre\b.*?</pre>', dom, re.S)))
    if re.search(r'^\s*### BEGIN HIDDEN TESTS', code, re.M):  # a marker line, not a string
        found.append('nbgrader markers in the code')
    if '$' in page.read_text() and 'MathJax' not in dom:
        found.append('formulas not typeset (no MathJax in the page after it ran)')
    if 'class="mm-sidebar"' not in dom or dom.count('class="mm-section"') != 3:
        found.append('no sidebar with the three sections')
    title = re.search(r'<title>(.*?)</title>', dom, re.S)
    if not title or title.group(1).strip() in ('', 'Notebook'):
        found.append(f'tab title {title.group(1) if title else None!r}')
    for src in re.findall(r'<img[^>]+src="([^"]+)"', dom):
        if not src.startswith('data:') and not (page.parent / src).exists():
            found.append(f'missing figure {src}')
    unpublished = project_urls()
    for href in re.findall(r'<a[^>]+href="([^"#]+)', dom):
        href = html.unescape(href)
        if href.startswith(unpublished) or re.match(r'https?://(localhost|example\.)', href):
            found.append(f'link to a host that does not exist: {href}')
        elif not re.match(r'^(https?:|mailto:|file:|javascript:)', href) and not (
                page.parent / href).exists():
            found.append(f'dead link {href}')
    return found


def _check_the_checker(page: Path):
    "The check fails a page without its sidebar, titled 'Notebook', linking the unpublished site."
    site, _ = project_urls()
    dom = re.sub(r'<nav class="mm-sidebar">.*?</nav>', '', browser_dom(page), flags=re.S)
    dom = re.sub(r'<title>.*?</title>', '<title>Notebook</title>', dom, flags=re.S)
    dom += f'<a href="{site}/attention.html">SelfAttention</a>'
    found = problems(page, dom)
    wanted = ('no sidebar', "tab title 'Notebook'", 'link to a host that does not exist')
    missed = [w for w in wanted if not any(f.startswith(w) for f in found)]
    if missed: raise SystemExit(f'the check does not catch: {missed}')


SHOTS = ('contents', '02_attention', '13_pcgrad')  # pages photographed for a reader to look at


def check():
    """Open every page in headless Chromium; fail on any problem; keep screenshots of the
    contents and two lessons."""
    pages = {s: page_name(s) for s in reading_order() if (PROC / f'{s}.ipynb').exists()}
    pages['contents'] = 'contents.html'
    _check_the_checker(OUT / pages['02_attention'])
    bad = []
    for s, name in pages.items():
        found = problems(OUT / name, browser_dom(OUT / name))
        if found: print(f'{name}: {len(found)} problem(s)')
        bad += [f'{name}: {p}' for p in found]
    print(f'{len(pages)} pages checked in Chromium, {len(bad)} problem(s)')
    (OUT / 'screenshots').mkdir(exist_ok=True)
    for s in SHOTS:
        shot = OUT / 'screenshots' / f'{s}.png'
        subprocess.run(['chromium', '--headless', '--no-sandbox', '--disable-gpu',
                        '--hide-scrollbars', '--virtual-time-budget=20000',
                        '--window-size=1400,1600', f'--screenshot={shot}',
                        (OUT / pages[s]).as_uri()], capture_output=True, timeout=120, check=True)
        print(f'screenshot: {shot}')
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
