"""site.yaml: the variants, the page types and their fields, the navigation.

Everything an editor may want to change about the site's shape lives there, so adding a type or a
script variant needs no code.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from docsite.diagnostics import Diagnostics
from docsite.model.config import FieldSpec, LintConfig, NavItem, PageType, SiteConfig, TimelineConfig, Variant
from docsite.model.fields import DECLARABLE, KINDS
from docsite.text import dates
from docsite.text.sourcetext import parse_yaml, read_text
from docsite.text.variants import MarkupError, opencc_configs, protect

VARIANT_CODE = re.compile(r"^zh(-[a-z]{2,4})?$")


def bcp47(code: str) -> str:
    """zh-hans -> zh-Hans, zh-tw -> zh-TW: the tag browsers use to pick glyphs."""
    parts = code.split("-")
    return "-".join([parts[0]] + [p.title() if len(p) == 4 else p.upper() for p in parts[1:]])


_TOP_KEYS = {"title", "tagline", "base_url", "variants", "types", "nav", "allow_html", "lint", "timeline"}
_LINT_KEYS = {"characters", "accept", "names_from"}
_TYPE_KEYS = {"pattern", "label", "plural", "list", "template", "order", "fields", "schema"}


def load_config(root: Path, diags: Diagnostics, base_url: str | None = None) -> SiteConfig | None:
    path = root / "site.yaml"
    if not path.is_file():
        diags.error(path, 0, "site.yaml is missing", "run the command from the site's folder")
        return None
    text = read_text(path, diags)
    parsed = parse_yaml(text, path, diags) if text is not None else None
    if parsed is None:
        return None
    data, locs = parsed
    if not isinstance(data, dict):
        diags.error(path, 1, "site.yaml must be a mapping of settings")
        return None

    def line(*key: Any) -> int:
        return locs.get(key, (1, 0))[0]

    for key in data:
        if key not in _TOP_KEYS:
            diags.error(path, line(key, "__key__"), f"unknown setting '{key}'",
                        f"known settings: {', '.join(sorted(_TOP_KEYS))}")

    variants = []
    available = opencc_configs()
    for i, raw in enumerate(data.get("variants") or []):
        if not isinstance(raw, dict) or not {"code", "label", "opencc"} <= raw.keys():
            diags.error(path, line("variants", i), "a variant needs code, label and opencc",
                        "for example {code: zh-hant, label: 繁體中文, opencc: s2tw}")
            continue
        code = str(raw["code"])
        if not VARIANT_CODE.match(code):
            diags.error(path, line("variants", i, "code"), f"'{code}' is not a Chinese variant code",
                        "use a code such as zh-hans, zh-hant, zh-tw or zh-hk")
        if raw["opencc"] not in available:
            diags.error(path, line("variants", i, "opencc"), f"unknown OpenCC configuration '{raw['opencc']}'",
                        f"available: {', '.join(sorted(available))}")
        variants.append(Variant(code, str(raw["label"]), str(raw.get("lang") or bcp47(code)), str(raw["opencc"])))
    if not variants:
        diags.error(path, line("variants"), "site.yaml lists no variants")
    if len({v.code for v in variants}) != len(variants):
        diags.error(path, line("variants"), "a variant code is listed twice")

    types = []
    for name, raw in (data.get("types") or {}).items():
        raw = raw or {}
        for key in raw:
            if key not in _TYPE_KEYS:
                diags.error(path, line("types", name, key, "__key__"), f"unknown setting '{key}' in type '{name}'",
                            f"known settings: {', '.join(sorted(_TYPE_KEYS))}")
        fields = []
        for fname, spec in (raw.get("fields") or {}).items():
            spec = spec or {}
            kind = spec.get("kind", "text")
            if kind not in DECLARABLE:
                diags.error(path, line("types", name, "fields", fname), f"unknown field kind '{kind}'",
                            f"known kinds: {', '.join(DECLARABLE)}")
                continue
            fields.append(FieldSpec(fname, KINDS[kind], str(spec.get("label", fname)), bool(spec.get("required")),
                                    str(spec.get("schema", ""))))
        label = str(raw.get("label", name))
        types.append(PageType(
            name=name,
            pattern=str(raw.get("pattern", f"{name}/*")),
            label=label,
            plural=str(raw.get("plural", label)),
            list_id=raw.get("list"),
            template=str(raw.get("template", f"{name}.html")),
            order=str(raw.get("order", "date")),
            fields=tuple(fields),
            schema=str(raw.get("schema", "")),
        ))
    nav = []
    for i, item in enumerate(data.get("nav") or []):
        if isinstance(item, str):
            nav.append(NavItem(item, None))
        elif isinstance(item, dict) and isinstance(item.get("id"), str):
            nav.append(NavItem(item["id"], str(item["label"]) if "label" in item else None))
        else:
            diags.error(path, line("nav", i), "a navigation entry is a page id or {id: ..., label: ...}",
                        "for example: nav: [{id: treaty, label: 条约}, people, places]")
    raw_lint = data.get("lint") or {}
    for key in raw_lint:
        if key not in _LINT_KEYS:
            diags.error(path, line("lint", key, "__key__"), f"unknown lint setting '{key}'",
                        f"known settings: {', '.join(sorted(_LINT_KEYS))}")
    characters = raw_lint.get("characters") or {}
    if not isinstance(characters, dict) or not all(isinstance(f, dict) for f in characters.values()):
        diags.error(path, line("lint", "characters"), "lint.characters maps a character to its forms and their words",
                    "for example: 并: {並: [并且], 併: [合并]}")
        characters = {}
    lint = LintConfig({str(k): {str(f): [str(w) for w in (ws or [])] for f, ws in v.items()}
                       for k, v in characters.items()},
                      tuple(str(w) for w in raw_lint.get("accept") or ()),
                      tuple(str(t) for t in raw_lint.get("names_from") or ()))
    raw_timeline = data.get("timeline") or {}
    eras = []
    for i, era in enumerate(raw_timeline.get("eras") or []):
        try:
            eras.append((protect(str(era["label"])), dates.parse(str(era["period"]))))
        except (KeyError, TypeError):
            diags.error(path, line("timeline", "eras", i), "an era needs a label and a period",
                        "for example {label: 中苏同盟, period: 1950-02-14/1960-07-16}")
        except (dates.DateError, MarkupError) as exc:
            diags.error(path, line("timeline", "eras", i), str(exc), dates.HINT)
    timeline = TimelineConfig(tuple(raw_timeline.get("entries") or ()), str(raw_timeline.get("named", "")),
                              tuple(eras))
    if diags.errors:
        return None
    url = base_url if base_url is not None else str(data.get("base_url", "/"))
    return SiteConfig(
        root=root,
        title=str(data.get("title", "")),
        tagline=str(data.get("tagline", "")),
        base_url=url if url.endswith("/") else url + "/",
        variants=tuple(variants),
        types=tuple(types),
        nav=tuple(nav),
        allow_html=bool(data.get("allow_html", False)),
        lint=lint,
        timeline=timeline,
    )
