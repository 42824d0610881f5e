# What docsite uses of opencc-python-reimplemented 0.1.7 (opencc/opencc.py), which ships no types.
import re

class OpenCC:
    conversion: str | None
    split_chars_re: re.Pattern[str]
    # The loaded configuration's chain: per step, its dictionaries as (longest key, shortest key,
    # {key: values separated by spaces}).
    _dict_chain_data: list[list[tuple[int, int, dict[str, str]]]]
    def __init__(self, conversion: str | None = None) -> None: ...
    def convert(self, string: str) -> str: ...
