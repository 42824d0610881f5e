"""The Content-Security-Policy of every page: scripts and styles from the site's own files only, and
inline scripts only those the templates write, allowed by the sha256 of their text (CSP's hash
sources), so that a script that content would smuggle into a page does not run.

The inline scripts are the templates' ``partials/*.js`` (the colour scheme before the first paint,
404.html's base path), included whole in a ``<script>`` element, their ends trimmed (``{% filter
trim %}``): they take no values from the page, so each has one text and one hash, worked out when
the templates are loaded (by the same loader, which reads them without indentation: they are
written without it, so that their text is the same however they are read). The policy is written
in every page's ``<meta http-equiv>`` for hosts that send no headers, and in ``_headers`` with what
a meta element cannot say (``frame-ancestors``).
"""

from __future__ import annotations

import base64
import hashlib
from fnmatch import fnmatchcase

import jinja2

#: The templates written inline in a <script> element.
INLINE_SCRIPTS = "partials/*.js"
#: Everything but scripts: the site's own files, images from the web too (a Markdown image may be one).
OTHER_SOURCES = ("default-src 'self'", "style-src 'self'", "img-src 'self' https:", "connect-src 'self'",
                 "object-src 'none'", "base-uri 'self'", "form-action 'self'")


def script_hash(text: str) -> str:
    """The hash source that allows the inline script ``text``."""
    return "'sha256-" + base64.b64encode(hashlib.sha256(text.encode("utf-8")).digest()).decode("ascii") + "'"


def meta_policy(env: jinja2.Environment) -> str:
    """The policy of every page, for its <meta http-equiv>: the inline scripts of ``env``'s
    templates allowed by their hashes."""
    names = env.list_templates(filter_func=lambda name: fnmatchcase(name, INLINE_SCRIPTS))
    texts = {env.get_template(name).render().strip() for name in names}
    hashes = sorted(script_hash(text) for text in texts)
    return "; ".join([OTHER_SOURCES[0], "script-src 'self' " + " ".join(hashes), *OTHER_SOURCES[1:]])


def header_policy(meta: str) -> str:
    """The policy as a header: with who may show the site in a frame (no one), which only a header may say."""
    return meta + "; frame-ancestors 'none'"
