"""Images stage: every image a page shows, made ready for readers with Pillow.

Each image is published at the widths of ``WIDTHS`` narrower than itself and its own, in its own
format and in the modern formats (AVIF, WebP) where they are smaller, under names that hold a hash
of its bytes (``static/figures/map.1a2b3c4d5e-640.webp``): cached for a year, never stale. Its page
writes its size (no layout shift), the widths as a ``srcset`` (a phone loads the small one) and
asks for it lazily. Processing is slow, so what it made is kept in .cache/images/ by that hash: a
build after it takes the files from there and opens no image.
"""

from __future__ import annotations

import hashlib
import io
import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING

from markupsafe import Markup

from docsite.diagnostics import Diagnostics
from docsite.model.files import IMAGE_SUFFIXES, Encoding, Image, Rendition
from docsite.model.site import Site

# Pillow is imported where an image is met, not with this module: most sites, and most builds after
# an edit, have none to look at, and importing it is a tenth of a second.
if TYPE_CHECKING:
    from PIL import Image as Pillow

#: The widths an image is published at, besides its own (narrower ones only): a phone's screen, and
#: twice that, up to a wide screen's text at twice the pixels.
WIDTHS = (320, 640, 960, 1280, 1920)
#: The widest the text column shows an image, in CSS pixels (static/style.css: 38em of 17 px, rounded up).
COLUMN = 650
FOLDER = "static/figures"
_MIME = {"JPEG": "image/jpeg", "PNG": "image/png", "GIF": "image/gif", "WEBP": "image/webp", "AVIF": "image/avif"}
_SUFFIX = {"JPEG": "jpg", "PNG": "png", "GIF": "gif", "WEBP": "webp", "AVIF": "avif"}
_SAFE = re.compile(r"[^a-z0-9-]+")


@dataclass
class Made:
    """The images of a build: by source path, their files by output path, and those processed anew."""

    images: dict[str, Image] = field(default_factory=dict)
    files: dict[str, bytes] = field(default_factory=dict)
    processed: list[str] = field(default_factory=list)


def process(site: Site, diags: Diagnostics, kept: Path | None) -> Made:
    """Every image the pages show or link to in content/, processed or taken from ``kept`` (the
    .cache/images/ folder; None: keep nothing). An image Pillow cannot read is an error at each
    line that shows it."""
    made = Made()
    root = site.config.root
    for page in site.pages.values():
        for ref in page.files:
            if not (ref.kind == "image" or (ref.kind == "file" and ref.target.startswith("content/")
                                             and PurePosixPath(ref.target).suffix.lower() in IMAGE_SUFFIXES)):
                continue
            if ref.target in made.images:
                continue
            try:
                image, files = _image(root, ref.target, kept, made)
            except (OSError, ValueError) as exc:
                line, col = page.locate(ref.line, ref.raw)
                diags.error(page.path, line, f"{ref.target} cannot be read as an image: {exc}",
                            "save it again as PNG or JPEG", col=col)
                continue
            made.images[ref.target] = image
            made.files |= files
    return made


def _image(root: Path, source: str, kept: Path | None, made: Made) -> tuple[Image, dict[str, bytes]]:
    """An image's record and files, from ``kept`` when it was processed before."""
    data = (root / source).read_bytes()
    digest = hashlib.sha256(_recipe().encode() + b"\0" + data).hexdigest()
    stem = _SAFE.sub("-", PurePosixPath(source).stem.lower()).strip("-") or "image"
    folder = kept / digest if kept is not None else None
    if folder is not None and (folder / "image.json").is_file():
        recorded = json.loads((folder / "image.json").read_text(encoding="utf-8"))
        encoded = {(mime, width): (folder / name).read_bytes() for mime, width, name in recorded["files"]}
        size = recorded["size"]
    else:
        size, encoded = _encoded(data)
        made.processed.append(source)
        if folder is not None:
            folder.mkdir(parents=True, exist_ok=True)
            names = []
            for (mime, width), content in encoded.items():
                name = f"{width}.{mime.partition('/')[2]}"
                (folder / name).write_bytes(content)
                names.append((mime, width, name))
            (folder / "image.tmp").write_text(json.dumps({"size": size, "files": names}), encoding="utf-8")
            (folder / "image.tmp").replace(folder / "image.json")  # complete, or not there
    files: dict[str, bytes] = {}
    encodings: dict[str, list[Rendition]] = {}
    for (mime, width), content in encoded.items():
        path = f"{FOLDER}/{stem}.{digest[:10]}-{width}.{_SUFFIX[_format(mime)]}"
        files[path] = content
        encodings.setdefault(mime, []).append(Rendition(path, width))
    return Image(source, digest, size[0], size[1],
                 tuple(Encoding(mime, tuple(renditions)) for mime, renditions in encodings.items())), files


@cache
def _recipe() -> str:
    """How images are processed (this module, Pillow and what it can write): a change makes every image again."""
    import PIL
    from PIL import features

    return f"{hashlib.sha256(Path(__file__).read_bytes()).hexdigest()} pillow={PIL.__version__} " \
           f"avif={features.check('avif')}"


def _format(mime: str) -> str:
    return next(name for name, known in _MIME.items() if known == mime)


def _encoded(data: bytes) -> tuple[tuple[int, int], dict[tuple[str, int], bytes]]:
    """As ``_renditions``, with Pillow's refusals as the ValueError whose message says why."""
    from PIL import Image as Pillow
    from PIL import UnidentifiedImageError

    try:
        return _renditions(data)
    except UnidentifiedImageError as exc:
        raise ValueError("its bytes are of no image format") from exc
    except Pillow.DecompressionBombError as exc:
        raise ValueError(str(exc)) from exc


def _renditions(data: bytes) -> tuple[tuple[int, int], dict[tuple[str, int], bytes]]:
    """The image's size, and its files by (type, width): the modern formats first, each only when
    its files are smaller in all than the original format's, which comes last."""
    from PIL import Image as Pillow
    from PIL import ImageOps

    with Pillow.open(io.BytesIO(data)) as opened:
        original = opened.format or "PNG"
        if original not in _MIME:
            raise ValueError(f"{original} is not a format browsers show")
        upright = ImageOps.exif_transpose(opened)
        if upright.mode in ("P", "1"):  # resized smoothly in full colour, not by its palette
            upright = upright.convert("RGBA")
        width, height = upright.size
        animated = bool(getattr(opened, "is_animated", False))
        turned = upright.size != opened.size or bool(opened.getexif().get(0x0112, 1) != 1)
        widths = [w for w in WIDTHS if w < width] + [width]
        if animated:  # resizing would keep one frame: published as it is
            return (width, height), {(_MIME[original], width): data}
        sized = {w: upright if w == width else upright.resize((w, max(1, round(height * w / width))),
                                                               Pillow.Resampling.LANCZOS) for w in widths}
        own = {w: data if w == width and not turned else _save(sized[w], original) for w in widths}
        out: dict[tuple[str, int], bytes] = {}
        for modern in _modern(original):
            encoded = {w: _save(sized[w], modern, lossless=original != "JPEG") for w in widths}
            if sum(map(len, encoded.values())) < sum(map(len, own.values())):
                out |= {(_MIME[modern], w): content for w, content in encoded.items()}
        out |= {(_MIME[original], w): content for w, content in own.items()}
        return (width, height), out


def _modern(original: str) -> list[str]:
    """The formats tried besides the original: AVIF (where this Pillow writes it) for photographs,
    lossy; WebP for every image (lossless for drawings, PNG and GIF)."""
    from PIL import features

    formats = ["AVIF"] if original == "JPEG" and features.check("avif") else []
    return [*formats, "WEBP"] if original != "WEBP" else []


def _save(image: Pillow.Image, kind: str, lossless: bool = False) -> bytes:
    """``image`` in format ``kind``, without its metadata; the same bytes for the same image.
    ``lossless``: a drawing's WebP keeps every pixel."""
    out = io.BytesIO()
    if kind == "JPEG":
        image.convert("RGB").save(out, "JPEG", quality=85, optimize=True, progressive=True)
    elif kind == "PNG":
        image.save(out, "PNG", optimize=True)
    elif kind == "GIF":
        image.save(out, "GIF", optimize=True)
    elif kind == "AVIF":
        image.convert("RGB").save(out, "AVIF", quality=60, speed=8)
    else:
        converted = image.convert("RGBA" if image.mode in ("LA", "RGBA", "PA") else "RGB")
        converted.save(out, "WEBP", quality=80, lossless=lossless, method=4)
    return out.getvalue()


def html(image: Image, alt: str, title: str, url: Callable[[str], str]) -> Markup:
    """An image as a page shows it: its modern formats offered first, its width and height written
    (the space it takes is known before it loads), loaded only when near the screen. ``url`` makes
    an output path a link from the page."""
    def srcset(encoding: Encoding) -> str:
        return ", ".join(f"{url(r.path)} {r.width}w" for r in encoding.renditions)

    sizes = f"min({min(image.width, COLUMN)}px, 100vw)"
    sources = Markup("").join(Markup('<source type="{}" srcset="{}" sizes="{}">').format(e.mime, srcset(e), sizes)
                              for e in image.encodings[:-1])
    fallback = image.fallback
    title_attr = Markup(' title="{}"').format(title) if title else ""
    img = Markup('<img src="{}" srcset="{}" sizes="{}" width="{}" height="{}" alt="{}"{} loading="lazy" '
                 'decoding="async">').format(url(fallback.renditions[-1].path), srcset(fallback), sizes, image.width,
                                             image.height, alt, title_attr)
    return Markup("<picture>{}{}</picture>").format(sources, img) if sources else img
