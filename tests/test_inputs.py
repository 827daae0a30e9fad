"""Inputs as people bring them: untitled text, records, feeds, web archives, stray bytes.

Every fixture is written by the test itself.
"""

from __future__ import annotations

import gzip
import io
import json
import os
from pathlib import Path

from parallax.ingest.readers import IngestOptions, read_file
from parallax.text.clean import clean, split_blocks
from parallax.types import RawDocument, Rejection

P1 = "The city council approved the budget on Tuesday after a long debate about school funding."
P2 = "Opponents said the plan raised property taxes too much, while supporters praised new spending."
P3 = "The mayor is expected to sign the measure next week, a spokeswoman said in a statement."


def units(path: Path, **kw: object) -> list[RawDocument | Rejection]:
    return list(read_file(path, IngestOptions(**kw)))  # type: ignore[arg-type]


def test_single_newline_paragraphs_and_crlf_stay_paragraphs() -> None:
    assert split_blocks(f"{P1}\n{P2}\n{P3}") == [P1, P2, P3]
    assert split_blocks(f"{P1}\r\n{P2}".replace("\r\n", "\n")) == [P1, P2]
    wrapped = "The city council approved the budget on\nTuesday after a long debate about school\nfunding."
    assert split_blocks(wrapped) == [" ".join(wrapped.split())]


def test_untitled_text_keeps_its_lead(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_bytes(f"{P1}\r\n{P2}\r\n{P3}\r\n".encode())
    [u] = units(tmp_path / "a.txt")
    assert isinstance(u, RawDocument)
    doc = clean(u)
    assert doc.title == "" and doc.text == f"{P1}\n\n{P2}\n\n{P3}"
    (tmp_path / "b.txt").write_text(f"Council passes budget\n{P1}\n{P2}\n")
    [b] = units(tmp_path / "b.txt")
    assert isinstance(b, RawDocument)
    doc = clean(b)
    assert doc.title == "Council passes budget" and doc.text == f"{P1}\n\n{P2}"


def test_records_without_title_keep_their_lead(tmp_path: Path) -> None:
    recs = [{"text": f"{P1}\n{P2}"}, {"title": "", "text": f"{P1}\n\n{P2}"}, {"title": None, "text": P1}]
    (tmp_path / "a.jsonl").write_text("\n".join(json.dumps(r) for r in recs))
    docs = [clean(u) for u in units(tmp_path / "a.jsonl") if isinstance(u, RawDocument)]
    assert [d.title for d in docs] == ["", "", ""]
    assert [d.text.split("\n\n")[0] for d in docs] == [P1, P1, P1]


def test_wordpress_nested_fields_and_html_text(tmp_path: Path) -> None:
    post = {"id": 4711, "link": "https://example.org/budget", "date": "2019-11-19T10:00:00",
            "title": {"rendered": "Council passes &#8216;budget&#8217;"},
            "content": {"rendered": f"<p>{P1}</p>\n<p>{P2}</p>\n<p>{P3}</p>", "protected": False},
            "author": 3, "_embedded": {"author": [{"name": "Jane Doe"}]}}
    (tmp_path / "posts.json").write_text(json.dumps([post]))
    [u] = units(tmp_path / "posts.json")
    assert isinstance(u, RawDocument) and u.input == "posts.json#4711"
    doc = clean(u)
    assert "<p>" not in doc.text and doc.text.split("\n\n") == [P1, P2, P3]
    assert doc.author == "Jane Doe" and doc.published == "2019-11-19" and doc.url == "https://example.org/budget"
    assert doc.title == "Council passes ‘budget’"


def test_text_that_is_a_number_is_rejected(tmp_path: Path) -> None:
    (tmp_path / "a.jsonl").write_text(json.dumps({"title": "T", "text": 12345}))
    [u] = units(tmp_path / "a.jsonl")
    assert isinstance(u, Rejection) and "int" in u.reason and "'text'" in u.reason


def test_gdelt_list_without_text_says_why(tmp_path: Path) -> None:
    data = {"articles": [{"url": "https://x.org/a", "title": "A", "seendate": "20191119T123000Z"}]}
    (tmp_path / "gdelt.json").write_text(json.dumps(data))
    [u] = units(tmp_path / "gdelt.json")
    assert isinstance(u, Rejection) and "only url and title" in u.reason


def test_json_feed_items_and_summary_only(tmp_path: Path) -> None:
    feed = {"version": "https://jsonfeed.org/version/1.1", "title": "Town Gazette", "items": [
        {"id": "1", "url": "https://g.org/1", "title": "Budget", "content_html": f"<p>{P1}</p><p>{P2}</p>",
         "date_published": "2019-11-19T10:00:00Z", "authors": [{"name": "Jane Doe"}]},
        {"id": "2", "title": "Teaser", "summary": P3, "date_published": "2019-11-20T10:00:00Z"},
    ]}
    (tmp_path / "feed.json").write_text(json.dumps(feed))
    a, b = units(tmp_path / "feed.json")
    assert isinstance(a, RawDocument) and isinstance(b, RawDocument)
    assert a.outlet == "Town Gazette" and a.author == "Jane Doe" and not a.summary_only
    assert clean(a).text == f"{P1}\n\n{P2}"
    assert b.summary_only and clean(b).summary_only and b.text == P3


RSS = f"""<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/"
     xmlns:dc="http://purl.org/dc/elements/1.1/"><channel><title>Town Gazette</title>
<item><title>Budget passes</title><link>https://g.org/1</link><guid>g1</guid>
<pubDate>Tue, 19 Nov 2019 10:00:00 +0000</pubDate><dc:creator>Jane Doe</dc:creator>
<description>Short teaser</description>
<content:encoded><![CDATA[<p>{P1}</p><p>{P2}</p>]]></content:encoded></item>
<item><title>Only a summary</title><link>https://g.org/2</link><description>{P3}</description></item>
</channel></rss>"""

ATOM = f"""<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom"><title>Atom Times</title>
<entry><title>Budget</title><link href="https://a.org/1"/><id>urn:1</id><updated>2019-11-19T10:00:00Z</updated>
<author><name>Jane Doe</name></author>
<content type="html">&lt;p&gt;{P1}&lt;/p&gt;&lt;p&gt;{P2}&lt;/p&gt;</content></entry>
</feed>"""


def test_rss_and_atom(tmp_path: Path) -> None:
    (tmp_path / "feed.rss").write_text(RSS)
    a, b = units(tmp_path / "feed.rss")
    assert isinstance(a, RawDocument) and isinstance(b, RawDocument)
    assert a.input == "feed.rss#g1" and a.outlet == "Town Gazette" and a.author == "Jane Doe"
    assert clean(a).text == f"{P1}\n\n{P2}" and clean(a).published == "2019-11-19"
    assert b.summary_only and not a.summary_only
    (tmp_path / "feed.xml").write_text(ATOM)
    [c] = units(tmp_path / "feed.xml")
    assert isinstance(c, RawDocument) and c.url == "https://a.org/1" and clean(c).text == f"{P1}\n\n{P2}"
    # Sniffed without an extension.
    (tmp_path / "feed").write_text(ATOM)
    assert isinstance(units(tmp_path / "feed")[0], RawDocument)


def test_hostile_xml_is_refused_not_expanded(tmp_path: Path) -> None:
    laughs = ('<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
              + "".join(f'<!ENTITY lol{i} "{("&lol" + (str(i - 1) if i > 1 else "") + ";") * 10}">'
                        for i in range(1, 10))
              + ']><rss><channel><item><title>&lol9;</title><description>x</description></item></channel></rss>')
    (tmp_path / "laughs.rss").write_text(laughs)
    [u] = units(tmp_path / "laughs.rss")
    assert isinstance(u, Rejection) and "refused" in u.reason
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP SECRET")
    xxe = (f'<?xml version="1.0"?><!DOCTYPE r [<!ENTITY x SYSTEM "file://{secret}">]>'
           "<rss><channel><item><title>&x;</title><description>&x;</description></item></channel></rss>")
    (tmp_path / "xxe.rss").write_text(xxe)
    [v] = units(tmp_path / "xxe.rss")
    assert isinstance(v, Rejection) and "refused" in v.reason and "TOP SECRET" not in v.reason


def _warc(gz: bool, pages: int = 3) -> tuple[bytes, list[int]]:
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    buf = io.BytesIO()
    writer = WARCWriter(buf, gzip=gz)
    offsets = []
    for i in range(pages):
        body = (f"<html><head><title>Story {i}</title></head><body><article><h1>Story {i}</h1>"
                f"<p>{P1} {os.urandom(400).hex()}</p><p>{P2}</p><p>{P3}</p></article></body></html>").encode()
        headers = StatusAndHeaders("200 OK", [("Content-Type", "text/html; charset=utf-8")], protocol="HTTP/1.1")
        offsets.append(buf.tell())
        writer.write_record(writer.create_warc_record(f"https://news.example/{i}", "response",
                                                      payload=io.BytesIO(body), http_headers=headers))
    img = StatusAndHeaders("200 OK", [("Content-Type", "image/png")], protocol="HTTP/1.1")
    offsets.append(buf.tell())
    writer.write_record(writer.create_warc_record("https://news.example/x.png", "response",
                                                  payload=io.BytesIO(b"\x89PNG...."), http_headers=img))
    return buf.getvalue(), offsets


def test_warc_gz_pages_and_truncated_record(tmp_path: Path) -> None:
    for gz in (True, False):
        data, offsets = _warc(gz)
        path = tmp_path / ("cc.warc.gz" if gz else "cc.warc")
        path.write_bytes(data)
        got = units(path)
        assert [type(u).__name__ for u in got] == ["RawDocument"] * 3 + ["Rejection"]
        page = got[0]
        assert isinstance(page, RawDocument) and page.url == "https://news.example/0"
        assert clean(page).title == "Story 0"
        assert isinstance(got[3], Rejection) and "image/png" in got[3].reason
        # Cut inside the third page's payload, then inside its headers.
        for cut in (offsets[2] + (offsets[3] - offsets[2]) // 2, offsets[2] + 40):
            path.write_bytes(data[:cut])
            got = units(path)
            assert sum(isinstance(u, RawDocument) for u in got) == 2
            [bad] = [u for u in got if isinstance(u, Rejection)]
            assert "truncated WARC record at offset" in bad.reason and str(offsets[2]) in bad.reason


def test_cp1252_csv_row_by_row_with_id_column(tmp_path: Path) -> None:
    rows = [f'{i},"Story {i}","{P1} Row {i}."' for i in range(1, 201)]
    rows[150] = f'151,"José speaks","{P1} José said."'
    data = ("id,title,text\n" + "\n".join(rows) + "\n").encode("cp1252")
    (tmp_path / "a.csv").write_bytes(data)
    got = units(tmp_path / "a.csv")
    assert len(got) == 200 and all(isinstance(u, RawDocument) for u in got)
    jose = got[150]
    assert isinstance(jose, RawDocument) and jose.input == "a.csv#151" and "José" in jose.text
    # A stray byte in the header's first 8 KB costs nothing either.
    (tmp_path / "b.csv").write_bytes(b"id,title,text\n1,\"Caf\xe9\",\"" + P1.encode() + b"\"\n")
    [b] = units(tmp_path / "b.csv")
    assert isinstance(b, RawDocument) and b.title == "Café"


def test_utf8_page_with_stray_bytes_is_kept_and_counted(tmp_path: Path) -> None:
    html = (f"<html><head><meta charset='utf-8'><title>Budget – news</title></head><body><article>"
            f"<p>{P1} “quoted”</p><p>{P2}</p><p>{P3}</p></article></body></html>").encode()
    (tmp_path / "a.html").write_bytes(html.replace(b"Opponents", b"Opp\x92onents\x93"))
    [u] = units(tmp_path / "a.html")
    assert isinstance(u, RawDocument) and u.decoding and u.decoding["replaced_bytes"] == 2


def test_markdown_title_and_text(tmp_path: Path) -> None:
    (tmp_path / "a.md").write_text(f"# Parallax budget\n\n**{P1}** See [the plan](https://x.org).\n\n## More\n\n{P2}\n")
    [u] = units(tmp_path / "a.md")
    assert isinstance(u, RawDocument)
    doc = clean(u)
    assert doc.title == "Parallax budget" and doc.text == f"{P1} See the plan.\n\nMore\n\n{P2}"


def test_gzipped_jsonl_decodes_stray_bytes(tmp_path: Path) -> None:
    line = json.dumps({"title": "T", "text": P1}).encode().replace(b"council", b"counc\xe9l")
    (tmp_path / "a.jsonl.gz").write_bytes(gzip.compress(line + b"\n"))
    [u] = units(tmp_path / "a.jsonl.gz")
    assert isinstance(u, RawDocument) and "councél" in u.text


def test_news_please_and_media_cloud_shapes(tmp_path: Path) -> None:
    news_please = {"authors": ["Jane Doe", "John Roe"], "date_publish": "2019-11-19 10:00:00",
                   "maintext": f"{P1}\n{P2}", "source_domain": "example.org", "title": "Budget",
                   "url": "https://example.org/budget", "language": "en"}
    media_cloud = {"stories_id": 991, "media_name": "Town Gazette", "publish_date": "2019-11-19 10:00:00",
                   "title": "Budget", "url": "https://g.org/b", "story_text": P3}
    (tmp_path / "np.jsonl").write_text(json.dumps(news_please) + "\n" + json.dumps(media_cloud) + "\n")
    a, b = units(tmp_path / "np.jsonl")
    assert isinstance(a, RawDocument) and isinstance(b, RawDocument)
    assert a.author == "Jane Doe, John Roe" and a.outlet == "example.org" and clean(a).text == f"{P1}\n\n{P2}"
    assert b.input == "np.jsonl#991" and b.outlet == "Town Gazette" and b.text == P3


def test_fnc1_bodies_all_become_articles(data_dir: Path) -> None:
    """FNC-1's bodies: untitled, one paragraph per line; not one may be lost."""
    bodies = data_dir / "fnc1" / "train_bodies.csv"
    got = units(bodies)
    assert len(got) == 1683
    rejected = [u for u in got if isinstance(u, Rejection)]
    assert rejected == []
    empty = [u.input for u in got if isinstance(u, RawDocument) and not clean(u).text.strip()]
    assert empty == []
    assert got[0].input == "train_bodies.csv#0"  # named by the "Body ID" column


def test_sloppy_feed_is_recovered_and_broken_files_answered(tmp_path: Path) -> None:
    # "&nbsp;" is not an XML entity and a bare "&" is not XML: real feeds carry both.
    sloppy = RSS.replace("<title>Budget passes</title>", "<title>Budget&nbsp;passes & more</title>")
    (tmp_path / "sloppy.rss").write_text(sloppy)
    got = units(tmp_path / "sloppy.rss")
    assert [type(u).__name__ for u in got] == ["RawDocument", "RawDocument"]
    assert isinstance(got[0], RawDocument) and got[0].title and "passes" in got[0].title
    (tmp_path / "junk.xml").write_bytes(b"<<<>>> not xml at all \x00")
    [junk] = units(tmp_path / "junk.xml")
    assert isinstance(junk, Rejection)
    (tmp_path / "sitemap.xml").write_text('<?xml version="1.0"?><urlset><url><loc>https://x.org</loc></url></urlset>')
    [sitemap] = units(tmp_path / "sitemap.xml")
    assert isinstance(sitemap, Rejection) and "not an RSS or Atom feed" in sitemap.reason


def test_newsapi_truncated_content_is_summary_only(tmp_path: Path) -> None:
    rec = {"source": {"id": None, "name": "Town Gazette"}, "title": "Budget", "publishedAt": "2019-11-19T10:00:00Z",
           "content": P1[:150] + "… [+2345 chars]", "url": "https://g.org/b"}
    (tmp_path / "newsapi.json").write_text(json.dumps({"status": "ok", "articles": [rec]}))
    [u] = units(tmp_path / "newsapi.json")
    assert isinstance(u, RawDocument) and u.summary_only and "chars]" not in u.text and u.outlet == "Town Gazette"


def test_utf16_text_with_bom(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_bytes(f"Council passes budget\n{P1}\n".encode("utf-16"))
    [u] = units(tmp_path / "a.txt")
    assert isinstance(u, RawDocument) and u.text.startswith("Council") and u.decoding
    assert u.decoding["evidence"] == "byte-order mark"


def test_comment_widgets_are_not_comments(tmp_path: Path) -> None:
    from parallax.text.boilerplate import is_comment_widget

    for widget in ("Comments are closed.", "Leave a Reply", "Loading comments...", "0 Comments",
                   "comments powered by Disqus"):
        assert is_comment_widget(widget), widget
    assert not is_comment_widget("I think 0 comments is wrong, the mayor lied about the budget.")
    page = (f"<html><head><title>Budget</title></head><body><article><p>{P1}</p><p>{P2}</p><p>{P3}</p></article>"
            "<div id='comments' class='comments'><h3>Leave a Reply</h3><p>Comments are closed.</p>"
            "<p>Loading comments...</p><a href='#'>0 Comments</a></div></body></html>")
    (tmp_path / "a.html").write_text(page)
    [u] = units(tmp_path / "a.html")
    assert isinstance(u, RawDocument)
    doc = clean(u)
    assert doc.comments == [] and "Comments are closed" not in doc.text
    text = f"Budget passes\n\n{P1}\n\n{P2}\n\n{P3}\n\nComments are closed.\n"
    (tmp_path / "b.txt").write_text(text)
    [b] = units(tmp_path / "b.txt")
    assert isinstance(b, RawDocument)
    doc_b = clean(b)
    assert doc_b.comments == [] and doc_b.text.endswith(P3)
    assert ("comments-widget", "Comments are closed.") in {(r.kind, r.text) for r in doc_b.removed}


def test_french_cp1252_csv_is_not_read_as_central_european(tmp_path: Path) -> None:
    french = "Les élèves de l’école près du marché ont été reçus à la mairie où ils étudièrent."
    rows = ["id,title,text"] + [f'{i},"Titre {i}","{french if i % 3 == 0 else P1}"' for i in range(30)]
    (tmp_path / "fr.csv").write_bytes(("\n".join(rows) + "\n").encode("cp1252"))
    got = units(tmp_path / "fr.csv")
    assert all(isinstance(u, RawDocument) for u in got) and len(got) == 30
    first = got[0]
    assert isinstance(first, RawDocument) and first.text == french
    assert first.decoding and first.decoding["encoding"] == "cp1252" and first.decoding["replaced_bytes"] == 0
