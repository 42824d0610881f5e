"""A static site generator for documentary sites in several Chinese script variants.

The build runs in one direction (see ``docsite.pipeline``), and the folders follow it:

- ``config/``: site.yaml read into a ``SiteConfig``: its settings declared (``schema``) with
  options that check themselves (``options``), read and checked against each other (``settings``);
- ``stages/``: load -> resolve (with ``timelines``) -> views (each variant's converted view of a
  page) -> render (with ``jsonld``, ``search``, ``exports``, ``publish``) -> write;
- ``text/``: what the stages use on text: script conversion (``variants``, ``opencc_fast``),
  Markdown, dates, citations, reading editor-written files, the conversion lint;
- ``incremental/``: what lets a build redo only what changed (``.cache/``, the last build's record);
- ``model/``: the plain data that passes between the stages: the configuration (``config``), a
  loaded page and the content (``page``), the resolved site (``site``), its chronology
  (``chronology``), a variant's view of a page (``view``), addresses of pages (``urls``); and the
  kinds of front-matter field, one class each (``fields``);
- ``commands/``: one module a command (``build``, ``check``, ``serve``, ``new``); ``cli`` parses the
  command line and calls the command's ``run`` (``serve.serve``);
- ``processes``: sharing the work among processes, forked or spawned.
"""
