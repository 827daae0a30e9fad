"""Text: clean a raw unit into an article body, and cut it into paragraphs and sentences.

Takes a :class:`~parallax.types.RawDocument`; gives a :class:`~parallax.types.CleanDocument`
(title, body, removed boilerplate, reader comments, outlet, date) and then its sentences with
character offsets. Pure functions of one article. Also home to the small text tools that later
stages share (dates, quotation marks, hashed TF-IDF vectors).

Modules:
- ``clean``: the cleaner (title, body, comments, outlet and date with their evidence).
- ``boilerplate``: rules for navigation, promotions, captions, read-more, bios, share lines.
- ``htmltext``: main text and metadata of an HTML page (trafilatura).
- ``outlets``: the outlet from metadata, URL, site name or the text's self-reference.
- ``markdown``: Markdown as the text a reader sees, and its title.
- ``language``: the article's language and confidence (py3langid), and which are supported.
- ``dates``: publication dates and weekday resolution.
- ``segment``: paragraphs and sentences (blingfire) with offsets.
- ``quotes``: the quotation-mark patterns every later stage shares.
- ``textvec``: fixed TF-IDF vectors (hashed terms × a background IDF).
"""
