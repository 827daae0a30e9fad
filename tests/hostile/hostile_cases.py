"""Hostile inputs, generated: each case writes its files into a folder and says what must come out.

Run with the small limits of ``LIMITS_ENV`` (so that limit cases stay small and fast): every
limit is reached with a few MB, the way 10 MB or 1 GB are reached with the defaults. Also used by
bench/reliability.py.
"""

from __future__ import annotations

import gzip
import json
import os
import random
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

LIMITS_ENV = {
    "PARALLAX_LIMIT_UNIT_BYTES": "1MB",
    "PARALLAX_LIMIT_LINE_BYTES": "2MB",
    "PARALLAX_LIMIT_RECORDS": "500",
    "PARALLAX_LIMIT_DECOMPRESSED_BYTES": "4MB",
    "PARALLAX_LIMIT_JSON_FILE_BYTES": "3MB",
    "PARALLAX_LIMIT_ARTICLE_SENTENCES": "2000",
    "PARALLAX_LIMIT_ALIGN_SENTENCES": "500",
}

MB = 1024 * 1024
BODY = ("The city council approved the new transport budget on Monday after a long debate. "
        "The mayor said the plan would add twelve bus routes by next spring. "
        "Opponents argued that the money should go to road repairs instead.")


def article_text(title: str, seed: int = 0) -> str:
    """A small, valid article (distinct per seed)."""
    return f"{title}\n\n{BODY} It was meeting number {seed + 1000}.\n"


@dataclass
class Case:
    """Files to write (name → bytes, or a callable making the entry) and the expected ledger.

    ``expect`` is a list of (unit name, status, reason fragment): status is article, duplicate,
    rejected, or "" for "accounted for, any status"; the reason fragment must occur in the
    rejection reason. ``flagged`` names articles whose story must carry a flag.
    """

    name: str
    files: dict[str, bytes | Callable[[Path], None]]
    expect: list[tuple[str, str, str]]
    flagged: list[str] = field(default_factory=list)

    def write(self, folder: Path) -> None:
        for fname, content in self.files.items():
            path = Path(os.fsdecode(os.fsencode(folder) + b"/" + os.fsencode(fname)))
            if callable(content):
                content(path)
            else:
                path.write_bytes(content)


def _jsonl(*records: object) -> bytes:
    return "".join(json.dumps(r) + "\n" for r in records).encode()


def _rec(title: str, seed: int) -> dict[str, str]:
    return {"title": title, "text": BODY + f" Record {seed}."}


def _symlink(target: str) -> Callable[[Path], None]:
    return lambda p: p.symlink_to(target)


def _fifo(p: Path) -> None:
    os.mkfifo(p)


def _many_sentences(n: int, vocab: int = 200) -> bytes:
    rng = random.Random(n)
    words = [f"w{i}x" for i in range(vocab)]
    sents = [" ".join(rng.choice(words) for _ in range(7)).capitalize() + "." for _ in range(n)]
    return ("Many sentences\n\n" + " ".join(sents)).encode()


def cases() -> list[Case]:  # noqa: PLR0915 - one list, read top to bottom
    """All hostile cases; file names start with the case name, so cases can share a folder."""
    c: list[Case] = []

    def add(name: str, files: dict[str, bytes | Callable[[Path], None]],
            expect: list[tuple[str, str, str]], flagged: list[str] | None = None) -> None:
        c.append(Case(name, {f"{name}_{k}" if not k.startswith(name) else k: v for k, v in files.items()},
                      [(f"{name}_{u}", s, r) for u, s, r in expect], flagged or []))

    deep = b"[" * 200_000 + b"]" * 200_000
    add("deep_json", {"x.json": deep}, [("x.json", "rejected", "JSON nested deeper")])
    add("deep_jsonl", {"x.jsonl": deep + b"\n"}, [("x.jsonl#1", "rejected", "JSON nested deeper")])
    obj = b'{"a":' * 100 + b"1" + b"}" * 100
    add("deep_object", {"x.json": obj}, [("x.json", "rejected", "json_depth")])
    add("deep_wrapper", {"x.json": b'{"articles": ' + b"[" * 70 + b"]" * 70 + b"}"},
        [("x.json", "rejected", "json_depth")])
    add("bigint", {"x.jsonl": b'{"id": ' + b"9" * 5000 + b', "text": "' + BODY.encode() + b'"}\n'},
        [("x.jsonl#1", "rejected", "invalid JSON")])
    add("bad_name", {"bad\udcffname.txt": article_text("Bad name", 1).encode()},
        [("bad\\xffname.txt", "article", "")])
    add("surrogate_author", {"x.jsonl": b'{"author": "\\ud800", "title": "Surrogate", "text": "'
                             + BODY.encode() + b' Lone."}\n'}, [("x.jsonl#1", "article", "")])
    add("surrogate_text", {"x.json": b'{"title": "T \\udfff", "text": "' + BODY.encode() + b' \\ud83d!"}'},
        [("x.json", "article", "")])
    add("surrogate_id", {"x.jsonl": b'{"id": "\\ud800", "title": "Id", "text": "' + BODY.encode() + b' Id."}\n'},
        [("x.jsonl#\ufffd", "article", "")])
    add("escapes", {"x.jsonl": _jsonl({"title": "\u001b[2J\u001b]0;PWNED\u0007 Escapes",
                                       "text": BODY + " \u001b[31mred\u001b[0m."})},
        [("x.jsonl#1", "article", "")])
    add("long_line", {"x.jsonl": b'{"text": "' + b"a" * (3 * MB) + b'"}\n' + _jsonl(_rec("After long", 2))},
        [("x.jsonl#1", "rejected", "longer than 2 MB"), ("x.jsonl#2", "article", "")])
    add("big_record", {"x.jsonl": json.dumps({"text": "word " * 300_000}).encode() + b"\n"},
        [("x.jsonl#1", "rejected", "record too large")])
    add("gzip_bomb_txt", {"x.txt.gz": gzip.compress(b"a " * (3 * MB))},
        [("x.txt.gz", "rejected", "decompressed past 1 MB")])
    add("gzip_bomb_jsonl", {"x.jsonl.gz": gzip.compress(_jsonl(*[{"t": "x" * 20_000}] * 250))},
        [("x.jsonl.gz", "rejected", "decompressed past 4 MB")])
    add("gzip_line_bomb", {"x.jsonl.gz": gzip.compress(b"[" + b" " * (3 * MB) + b"]\n")},
        [("x.jsonl.gz#1", "rejected", "longer than")])
    add("flood_jsonl_gz", {"x.jsonl.gz": gzip.compress(b"{}\n" * 1_000_000)},
        [("x.jsonl.gz#1", "rejected", "no text"), ("x.jsonl.gz#rest", "rejected", "stopped after 500 records")])
    add("flood_json_list", {"x.json": b"[" + b"{}, " * 100_000 + b"{}]"},
        [("x.json#1", "rejected", "no text"), ("x.json#rest", "rejected", "stopped after 500 records")])
    add("json_too_big", {"x.json": json.dumps([_rec("Big", i) for i in range(14_000)]).encode()},
        [("x.json", "rejected", "json_file_bytes")])
    add("txt_too_big", {"x.txt": ("Big\n\n" + "word " * 300_000).encode()},
        [("x.txt", "rejected", "too large for one article")])
    quoted = b'title,text\n"Quoted","' + b"line\n" * 500_000 + b'"\nFine,"' + BODY.encode() + b'"\n'
    add("csv_quoted_field", {"x.csv": quoted},
        [("x.csv#row2", "rejected", "CSV record at line 2"), ("x.csv#3", "article", "")])
    add("csv_latin1_row", {"x.csv": b"title,text\nCaf\xe9,\"" + BODY.encode() + b" Latin.\"\nGood,\""
                           + BODY.encode() + b' Good."\n'},
        # One latin-1 byte in a row: the row is decoded (the stray byte counted), not lost.
        [("x.csv#2", "article", ""), ("x.csv#3", "article", "")])
    add("csv_header_only", {"x.csv": b"title,text\n"}, [("x.csv", "rejected", "header but no rows")])
    add("csv_empty", {"x.csv": b""}, [("x.csv", "rejected", "empty")])
    add("csv_extra_fields", {"x.csv": b"title,text\na,b,c\n"}, [("x.csv#row2", "rejected", "3 fields")])
    add("csv_no_text", {"x.csv": b"title,author\nA title,Someone\n"}, [("x.csv#2", "rejected", "no text")])
    add("csv_unclosed_quote", {"x.csv": b'title,text\n"open,' + BODY.encode() + b"\n"}, [("x.csv#row2", "", "")])
    add("tsv_good", {"x.tsv": b"title\ttext\nTabbed\t" + BODY.encode() + b" Tab.\n"}, [("x.tsv#2", "article", "")])
    add("json_empty_list", {"x.json": b"[]"}, [("x.json", "rejected", "empty JSON list")])
    add("json_empty_object", {"x.json": b"{}"}, [("x.json#1", "rejected", "no text")])
    add("json_invalid", {"x.json": b'{"text": '}, [("x.json", "rejected", "invalid JSON")])
    add("json_truncated_list", {"x.json": b'[{"text": "a"}, {"te'}, [("x.json", "rejected", "invalid JSON")])
    add("json_nan", {"x.json": b'{"title": NaN, "text": "' + BODY.encode() + b' NaN.", "date": Infinity}'},
        [("x.json", "article", "")])
    # A title field holding objects with no text: the record is rejected, saying which field.
    add("json_list_title", {"x.json": json.dumps({"title": [{"a": 1}], "text": BODY + " List."}).encode()},
        [("x.json#1", "rejected", "field 'title' holds an object without text")])
    add("jsonl_bad_line", {"x.jsonl": b"{nope\n" + _jsonl(_rec("Good after bad", 3))},
        [("x.jsonl#1", "rejected", "invalid JSON"), ("x.jsonl#2", "article", "")])
    add("jsonl_number", {"x.jsonl": b"42\n"}, [("x.jsonl#1", "rejected", "record is a int")])
    add("jsonl_string", {"x.jsonl": b'"text"\n'}, [("x.jsonl#1", "rejected", "record is a str")])
    add("jsonl_null_text", {"x.jsonl": b'{"text": null}\n'}, [("x.jsonl#1", "rejected", "no text")])
    add("jsonl_dict_text", {"x.jsonl": b'{"text": {"a": 1}}\n'}, [("x.jsonl#1", "", "")])
    # Legacy bytes are decoded (issue #14), not rejected: the unit is kept, the byte counted.
    add("jsonl_bad_utf8", {"x.jsonl": b'{"text": "caf\xe9"}\n'}, [("x.jsonl#1", "article", "")])
    add("jsonl_blank", {"x.jsonl": b"\n\n   \n"}, [("x.jsonl", "rejected", "no records")])
    add("txt_empty", {"x.txt": b""}, [("x.txt", "rejected", "empty file")])
    add("txt_whitespace", {"x.txt": b"   \n\t\n"}, [("x.txt", "rejected", "empty file")])
    add("txt_binary", {"x.txt": bytes(random.Random(5).randrange(256) for _ in range(4000)) + b"\0"},
        [("x.txt", "rejected", "binary")])
    add("txt_latin1", {"x.txt": ("Caf\xe9\n\n" + BODY).encode("latin-1")}, [("x.txt", "article", "")])
    add("txt_utf16", {"x.txt": ("Sixteen\n\n" + BODY).encode("utf-16")}, [("x.txt", "", "")])
    add("txt_title_only", {"x.txt": b"Only a title\n"}, [("x.txt", "", "")])
    add("txt_one_word", {"x.txt": b"Word\n\n" + b"a" * 100_000}, [("x.txt", "", "")])
    add("txt_late_nul", {"x.txt": article_text("Late nul", 4).encode() + b" " * 9000 + b"\0 end.\n"},
        [("x.txt", "", "")])
    add("txt_controls", {"x.txt": ("Controls \x1b[2J\n\n" + BODY + " \x07\x1b]0;PWNED\x07.").encode()},
        [("x.txt", "article", "")])
    add("txt_bidi", {"x.txt": ("Bidi \u202e\u200b title\n\n" + BODY + " \u202edesrever\u202c.").encode()},
        [("x.txt", "article", "")])
    add("txt_emoji", {"x.txt": ("Emoji 🎉\n\n" + BODY + " 🎉" * 50).encode()}, [("x.txt", "article", "")])
    add("too_many_sentences", {"x.txt": _many_sentences(2500)}, [("x.txt", "rejected", "too many for one article")])
    add("too_large_to_align", {"x.txt": _many_sentences(1500)}, [("x.txt", "article", "")], flagged=["x.txt"])
    add("degenerate_pairs", {"x.txt": _many_sentences(450, vocab=6)}, [("x.txt", "article", "")])
    add("html_empty_body", {"x.html": b"<html><body><nav>Home</nav></body></html>"},
        [("x.html", "rejected", "no article text")])
    add("html_script_only", {"x.html": b"<html><body><script>" + b"var a=1;" * 1000 + b"</script></body></html>"},
        [("x.html", "rejected", "")])
    add("html_deep", {"x.html": b"<html><body>" + b"<div>" * 50_000 + b"Deep" + b"</div>" * 50_000 + b"</body></html>"},
        [("x.html", "", "")])
    add("html_bad_charset", {"x.html": b'<html><head><meta charset="no-such"></head><body><p>'
                             + BODY.encode() + b"</p></body></html>"}, [("x.html", "", "")])
    add("sniffed_html", {"x.data": b"<!doctype html><html><body><article><p>" + BODY.encode()
                         + b" Sniffed.</p></article></body></html>"}, [("x.data", "", "")])
    add("unsupported", {"x.exe": b"MZ\x90\x00" + bytes(200)}, [("x.exe", "rejected", "")])
    add("gz_corrupt", {"x.txt.gz": b"not gzip at all"}, [("x.txt.gz", "rejected", "cannot read")])
    add("gz_truncated", {"x.txt.gz": gzip.compress(article_text("Trunc", 6).encode() * 50)[:60]},
        [("x.txt.gz", "rejected", "cannot read")])
    add("gz_json_good", {"x.json.gz": gzip.compress(json.dumps(_rec("Gzipped json", 7)).encode())},
        [("x.json.gz", "article", "")])
    add("symlink_outside", {"passwd.txt": _symlink("/etc/passwd")}, [("passwd.txt", "rejected", "outside")])
    add("symlink_dangling", {"x.txt": _symlink("no-such-target")}, [("x.txt", "rejected", "dangling")])
    add("symlink_loop", {"a": _symlink("symlink_loop_b"), "b": _symlink("symlink_loop_a")},
        [("a", "rejected", "loop"), ("b", "rejected", "loop")])
    add("symlink_folder", {"d": _symlink("..")}, [("d", "rejected", "")])
    add("symlink_inside", {"t.txt": article_text("Linked inside", 8).encode(),
                           "u.txt": _symlink("symlink_inside_t.txt")},
        [("t.txt", "article", ""), ("u.txt", "duplicate", "")])
    add("fifo", {"x.txt": _fifo}, [("x.txt", "rejected", "FIFO")])
    add("duplicate", {"a.txt": article_text("Twice", 9).encode(), "b.txt": article_text("Twice", 9).encode()},
        [("a.txt", "article", ""), ("b.txt", "duplicate", "")])
    return c


def good_articles(folder: Path, n: int = 20) -> list[str]:
    """``n`` ordinary articles in ``folder``; returns their unit names."""
    names = []
    for i in range(n):
        name = f"good_{i:02d}.txt"
        (folder / name).write_text(
            f"Harbour {i} reopens after storm\n\nThe harbour of town number {i} reopened on Friday after "
            f"the storm damaged {i + 3} piers. The port authority said repairs cost {i + 2} million euros. "
            f"Fishermen told reporters they had lost {i + 5} days of work.\n", encoding="utf-8")
        names.append(name)
    return names
