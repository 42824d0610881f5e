# What docsite uses of livereload 2.7 (livereload/watcher.py), which ships no types.
class Watcher:
    filepath: str | None  # the file that changed last, named by livereload's reload message when none is given
    def __init__(self) -> None: ...
