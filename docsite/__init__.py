"""A static site generator for documentary sites in several Chinese script variants.

The build runs in one direction (see ``docsite.pipeline``), and the folders follow it:

- ``config/``: site.yaml read into a ``SiteConfig``;
- ``stages/``: load -> resolve (with ``timelines``) -> views (each variant's converted view of a
  page) -> render (with ``jsonld``, ``search``, ``exports``, ``publish``) -> write;
- ``text/``: what the stages use on text: script conversion (``variants``, ``opencc_fast``),
  Markdown, dates, citations, reading editor-written files, the conversion lint;
- ``incremental/``: what lets a build redo only what changed (``.cache/``, the last build's record);
- ``model/``: addresses of pages;
- ``commands/``: one module a command (``build``, ``check``, ``serve``, ``new``); ``cli`` parses the
  command line and calls the command's ``run`` (``serve.serve``);
- ``processes``: sharing the work among processes, forked or spawned.
"""
