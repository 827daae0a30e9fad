"""Claims: what the articles of one story state, and what holds across independent origins.

Takes one story's articles with their sentences and extractions; gives a
:class:`~parallax.types.StoryAlignment`: claims with their mentions, origins and status
(corroborated, single-source, disputed), disputes with who says what, the digest and omissions.
A corpus stage run per story.

Modules:
- ``align``: grouping sentences into claims (complete linkage), statuses, digest, omissions.
- ``origins``: a claim's mentions grouped into independent origins (one speaker under any of its
  names, one quotation relayed, one text reworded, one cited source).
- ``claimsim``: story-weighted stem vectors (which pairs are worth comparing at all).
- ``samefact``: the same-fact pair model (meaning from the shared encoder, names, figures,
  negation), trained on the claims gold's tune half.
- ``disputes``: figures as intervals, comparable figures, contradicting accounts.
- ``values``: sums and years that undo a link the same-fact model accepted (one thing stated
  with two values is a dispute; datings years apart are two facts), sums paired by what they
  pay for when a sentence holds several.
- ``stance``: the FNC-1 stance model (agree / disagree / discuss / unrelated).
"""
