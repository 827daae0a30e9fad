"""Who says what in the Raqqa sample: the speakers a careful reader names, sentence by sentence."""

from __future__ import annotations

from typing import Any

from conftest import AMN, FAR_RIGHT, PARTISAN, SMALL_BLOG

from parallax.extract.attribution import attribute
from parallax.extract.names import acronyms, canonical_name, normalise_speaker
from parallax.text.segment import split_sentences
from parallax.types import Entity


def _speaker_of(article: dict[str, Any], fragment: str) -> str | None:
    hits = [s["speaker"] for s in article["sentences"] if fragment in s["text"]]
    assert hits, f"no sentence contains {fragment!r}"
    return hits[0]


def test_the_six_quoted_people(raqqa_by_input: dict[str, Any]) -> None:
    blog = raqqa_by_input[SMALL_BLOG]
    assert _speaker_of(blog, "Major military operations in Raqqa are finished") == "Talal Salo"
    assert _speaker_of(blog, "suicide bombers may be still hiding") == "Moustapha Bali"
    assert _speaker_of(blog, "They might disappear from Syria") == "Abdalaziz Alhamza"
    assert _speaker_of(blog, "The city is in ruins") == "Hassan Mohammad Ali"
    assert _speaker_of(blog, "Eventually, we would get to the point") == "Heather Nauert"
    amn = raqqa_by_input[AMN]
    assert _speaker_of(amn, "control 90 [percent] of Raqqa") == "Ryan Dillon"
    # A misspelt surname at the cue ("Dillion added") is still Dillon.
    assert _speaker_of(amn, "Iraqis and Kurds have worked together") == "Ryan Dillon"


def test_quotations_over_several_sentences(raqqa_by_input: dict[str, Any]) -> None:
    blog = raqqa_by_input[SMALL_BLOG]
    # A quote paragraph with no cue right after Salo's attributed quote is still Salo.
    assert _speaker_of(blog, "The SDF have taken casualties") == "Talal Salo"
    # A quote whose cue comes two sentences later ("…,” said Abdalaziz Alhamza") is his from its start.
    assert _speaker_of(blog, "We don’t consider it a liberation") == "Abdalaziz Alhamza"
    partisan = raqqa_by_input[PARTISAN]
    assert _speaker_of(partisan, "Even after Raqqa falls") == "Tom Bowman"
    assert _speaker_of(partisan, "Non-Muslims were persecuted") == "Ruth Sherlock"
    # "According to CBS News reporter Holly Williams": the person, not the outlet she works for.
    assert _speaker_of(partisan, "the battle is won") == "Holly Williams"


def test_unnamed_and_passive_sources(raqqa_by_input: dict[str, Any]) -> None:
    far = raqqa_by_input[FAR_RIGHT]
    assert _speaker_of(far, "We saw them with our own eyes") == "SDF fighter"
    assert _speaker_of(far, "about 1,000 injured IS fighters") == "SDF fighter"
    assert _speaker_of(far, "later said the deal was never a secret") == "Ryan Dillon"
    names = {c["name"] for c in far["cited_sources"]}
    assert "SDF fighter" not in names  # unnamed sources are not cited sources
    assert {"RT", "Ruptly", "BBC"} <= names
    assert not names & {"Raqqa", "Syria", "Kurdish"}


def test_acronyms_and_names() -> None:
    defined = acronyms("U.S.-backed Syrian Democratic Forces (SDF) and Raqqa Is Being Slaughtered Silently (RBSS) said")
    assert defined == {"SDF": "Syrian Democratic Forces", "RBSS": "Raqqa Is Being Slaughtered Silently"}
    assert canonical_name("S.D.F.", defined) == "Syrian Democratic Forces"
    assert canonical_name("Being Slaughtered Silently", defined) == "Raqqa Is Being Slaughtered Silently"
    assert normalise_speaker("Army Col. Ryan S. Dillon") == "Ryan Dillon"
    assert normalise_speaker("the Save the Children organization") == "Save the Children"


def test_according_to_takes_the_source_after_it() -> None:
    text = "Fighters cheered in the streets, according to residents reached by phone."
    sents = split_sentences(text)
    atts = attribute(text, sents, [Entity(0, 8, "Fighters", "PERSON")])
    assert [(a.speaker, a.anonymous) for a in atts] == [("residents", True)]


def test_institutions_and_plural_cues() -> None:
    text = ("The administration has argued that the bill puts Americans at risk. "
            "Administration officials warn that it would.")
    atts = attribute(text, split_sentences(text), [])
    assert [(a.speaker, a.anonymous) for a in atts] == [("administration", True), ("Administration officials", True)]


def test_a_name_after_who_said_is_not_the_speaker() -> None:
    text = "BuzzFeed cited two officials who said Cohen acknowledged that he was told to lie."
    cohen = text.index("Cohen")
    atts = attribute(text, split_sentences(text), [Entity(cohen, cohen + 5, "Cohen", "PERSON")])
    assert all(a.speaker != "Cohen" for a in atts)


def test_who_was_told_is_not_the_speaker() -> None:
    text = "A senior administration official told Fox News that the White House plans to move $8 billion."
    fox = text.index("Fox News")
    atts = attribute(text, split_sentences(text), [Entity(fox, fox + 8, "Fox News", "ORG")])
    assert [(a.speaker, a.anonymous) for a in atts] == [("senior administration official", True)]


def test_other_states_is_no_cue() -> None:
    text = "They note that then-President Bill Clinton signed similar legislation, and 19 other states also have it."
    clinton = text.index("Bill Clinton")
    atts = attribute(text, split_sentences(text), [Entity(clinton, clinton + 12, "Bill Clinton", "PERSON")])
    assert all(a.speaker != "Bill Clinton" for a in atts)
    # The verb still is one: "The report states that …".
    from parallax.extract.attribution import _CUE

    found = _CUE.search("The report states that the law was followed.")
    assert found is not None and found.group(0) == "states"
    assert _CUE.search("19 other states also have similar policies") is None


def test_full_names_do_not_depend_on_the_hash_seed() -> None:
    """An ambiguous surname goes to the person named first, whatever the set order."""
    import os
    import subprocess
    import sys

    code = (
        "from parallax.extract.names import full_names\n"
        "from parallax.types import Entity\n"
        "ents = [Entity(0, 11, 'James Foley', 'PERSON'), Entity(40, 51, 'Diane Foley', 'PERSON'),"
        " Entity(80, 85, 'Foley', 'PERSON')]\n"
        "print(full_names(ents)['Foley'])\n"
    )
    seen = set()
    for seed in ("0", "1", "2", "3"):
        env = {**os.environ, "PYTHONHASHSEED": seed}
        out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True)
        seen.add(out.stdout.strip())
    assert seen == {"James Foley"}


def test_a_closing_frame_outranks_a_verb_inside_what_it_reports() -> None:
    """"X told Y …, the indictment said": the frame set off by a comma says who reports the whole
    sentence; Stone's "told" is part of what the indictment says."""
    text = ("Mr. Stone told Mr. Credico he should \u201cdo a \u2018Frank Pentangeli\u2019\u201d before the House "
            "committee, the indictment said, a reference to a \u201cGodfather\u201d character.")
    ents = [Entity(text.index(n), text.index(n) + len(n), n, "PERSON") for n in ("Stone", "Credico")]
    atts = attribute(text, split_sentences(text), ents)
    assert [(a.speaker, a.anonymous) for a in atts] == [("indictment", True)]
    relayed = "Stone, according to the indictment, told Credico that he should stay quiet."
    atts = attribute(relayed, split_sentences(relayed), [Entity(0, 5, "Stone", "PERSON")])
    assert [(a.speaker, a.anonymous) for a in atts] == [("indictment", True)]
    # A time or a channel may follow the frame's verb.
    dated = "Smith told reporters the plan was dead, police said Friday."
    atts = attribute(dated, split_sentences(dated), [Entity(0, 5, "Smith", "PERSON")])
    assert [(a.speaker, a.anonymous) for a in atts] == [("police", True)]
    # A frame with a named speaker keeps working, and an appositive before "said" is no frame.
    plain = "The city is in ruins and needs time, Hassan Ali said."
    hassan = plain.index("Hassan Ali")
    atts = attribute(plain, split_sentences(plain), [Entity(hassan, hassan + 10, "Hassan Ali", "PERSON")])
    assert [a.speaker for a in atts] == ["Hassan Ali"]
    appositive = "Ryan Dillon, a spokesman for the coalition, said the city had fallen."
    atts = attribute(appositive, split_sentences(appositive), [Entity(0, 11, "Ryan Dillon", "PERSON")])
    assert [a.speaker for a in atts] == ["Ryan Dillon"]


def test_titles_read_as_names_and_institutions_in_unnamed_sources() -> None:
    """NER reads "Pro Tem" as a person; the speaker is the name after it. An unnamed source keeps
    the body it speaks for ("senior administration official"), which origins use."""
    text = "\u201cIt is not the intent of the law,\u201d state Senate President Pro Tem David Long (R) said."
    ents = [Entity(text.index(n), text.index(n) + len(n), n, "PERSON") for n in ("Pro Tem", "David Long")]
    assert [a.speaker for a in attribute(text, split_sentences(text), ents)] == ["David Long"]
    text = "That will buy some 234 miles of border wall, a senior administration official told reporters Friday."
    atts = attribute(text, split_sentences(text), [])
    assert [(a.speaker, a.anonymous) for a in atts] == [("senior administration official", True)]


def _ents(text: str, *spans: tuple[str, str]) -> list[Entity]:
    return [Entity(text.index(t), text.index(t) + len(t), t, label) for t, label in spans]


def test_a_nationality_before_a_role_is_not_the_speaker() -> None:
    # "British" and "Democratic" are NORP entities right after the cue; the person after the
    # profession ("astronomer", "pollster", "physicist") speaks.
    cases = [
        ("According to British astronomer Patrick Moore, Pluto will pass behind Jupiter.",
         [("British", "NORP"), ("Patrick Moore", "PERSON")], "Patrick Moore"),
        ("\"It's hard to dispute the rising negatives,\" said Democratic pollster Stan Greenberg.",
         [("Democratic", "NORP"), ("Stan Greenberg", "PERSON")], "Stan Greenberg"),
        ("The effect was described by Irish physicist John Smith on Monday.",
         [("Irish", "NORP"), ("John Smith", "PERSON")], "John Smith"),
    ]
    for text, spans, speaker in cases:
        atts = attribute(text, split_sentences(text), _ents(text, *spans))
        assert [a.speaker for a in atts] == [speaker], text


def test_a_name_after_a_participle_is_what_was_said() -> None:
    text = "Since announcing former Massachusetts governor William Weld as his running mate, Johnson has risen."
    atts = attribute(text, split_sentences(text), _ents(text, ("William Weld", "PERSON"), ("Johnson", "PERSON")))
    assert all(a.speaker != "William Weld" for a in atts)


def test_a_party_or_nationality_speaks_only_as_a_plural_noun() -> None:
    cases = [
        # An apposition: the governor speaks (unnamed here), never "Republican".
        ("The governor, a Republican, told The Indianapolis Star that he was taken aback.",
         [("Republican", "NORP"), ("The Indianapolis Star", "ORG")], None),
        # An adjective of the person named after it, who is what was said.
        ("Song said Democratic presidential candidate Hillary Clinton had said the plan would fail.",
         [("Song", "PERSON"), ("Democratic", "NORP"), ("Hillary Clinton", "PERSON")], "Song"),
        # A singular noun for one person, and the state before it.
        ("In an interview Thursday, the Wisconsin Republican criticized the policy and said allies were worried.",
         [("Wisconsin", "GPE"), ("Republican", "NORP")], None),
        # A plural noun speaks.
        ("Some Democrats said they feared a split at the convention.", [("Democrats", "NORP")], "Democrats"),
    ]
    for text, spans, speaker in cases:
        atts = attribute(text, split_sentences(text), _ents(text, *spans))
        assert [a.speaker for a in atts if not a.anonymous] == ([speaker] if speaker else []), text


def test_the_object_of_a_verb_is_not_the_speaker() -> None:
    cases = [
        ("A group of nearly 90 professors has sent Ryan, R-Wis., a letter saying he misused Catholic doctrine.",
         [("Ryan", "PERSON")]),
        ("In the letter, addressed to the U.S. attorney Channing D. Phillips, the senator asks for an inquiry.",
         [("Channing D. Phillips", "PERSON")]),
    ]
    for text, spans in cases:
        atts = attribute(text, split_sentences(text), _ents(text, *spans))
        assert all(a.speaker != spans[0][0] for a in atts), text


def test_a_name_with_a_possessive_is_what_was_said_about() -> None:
    text = "Susan Rice said Israeli Prime Minister Benjamin Netanyahu's planned speech would be destructive."
    atts = attribute(text, split_sentences(text),
                     _ents(text, ("Susan Rice", "PERSON"), ("Israeli", "NORP"), ("Benjamin Netanyahu", "PERSON")))
    assert [a.speaker for a in atts] == ["Susan Rice"]


def test_a_participle_clause_takes_the_subject_of_the_sentence() -> None:
    text = ("Rick Santorum on Sunday tried to clarify his comment that President Obama subscribed to a "
            "\u201cphony theology,\u201d saying he was not questioning the president's faith.")
    atts = attribute(text, split_sentences(text), _ents(text, ("Rick Santorum", "PERSON"), ("Obama", "PERSON")))
    assert [a.speaker for a in atts] == ["Rick Santorum"]


def test_a_place_or_name_before_a_role_noun_is_not_the_speaker() -> None:
    text = "The Vermont senator said he still plans to compete in next Tuesday's primary."
    atts = attribute(text, split_sentences(text), _ents(text, ("Vermont", "GPE")))
    assert all(a.speaker != "Vermont" for a in atts)


def test_an_institution_after_the_cue_speaks_only_at_the_end_of_the_frame() -> None:
    said = "Josh Earnest also said the Indiana law was a significant expansion of current law."
    atts = attribute(said, split_sentences(said), _ents(said, ("Josh Earnest", "PERSON"), ("Indiana", "GPE")))
    assert [a.speaker for a in atts] == ["Josh Earnest"]
    framed = "\u201cWe will respond,\u201d said the Pentagon on Monday."
    atts = attribute(framed, split_sentences(framed), _ents(framed, ("Pentagon", "ORG")))
    assert [a.speaker for a in atts] == ["Pentagon"]
    poll = "Trump leads by 18 points, according to the Fox poll."
    atts = attribute(poll, split_sentences(poll), _ents(poll, ("Trump", "PERSON"), ("Fox", "ORG")))
    assert [a.speaker for a in atts] == ["Fox"]


def test_the_person_named_speaks_before_the_one_whose_aide_they_are() -> None:
    text = "Clinton's campaign chairman, John Podesta, said in a statement that the speech was dark."
    atts = attribute(text, split_sentences(text), _ents(text, ("Clinton", "PERSON"), ("John Podesta", "PERSON")))
    assert [a.speaker for a in atts] == ["John Podesta"]


def test_who_asks_is_not_who_answers() -> None:
    text = ("Rubio was asked by Fox Business moderator Gerard Baker whether the credits cost too much. "
            "\u201cThe most important job I will ever have is the job of being a parent,\u201d he said.")
    atts = attribute(text, split_sentences(text), _ents(text, ("Rubio", "PERSON"), ("Gerard Baker", "PERSON")))
    assert "Gerard Baker" not in {a.speaker for a in atts}


def test_an_act_is_not_words() -> None:
    """"declared a national emergency", "announced his candidacy": the outlets reporting the act
    are its sources; "announced that …" still reports words."""
    act = "President Donald Trump on Friday declared a national emergency at the southern border."
    assert attribute(act, split_sentences(act), _ents(act, ("Donald Trump", "PERSON"))) == []
    words = "Donald Trump announced that Mexico will pay for the wall."
    assert [a.speaker for a in attribute(words, split_sentences(words), _ents(words, ("Donald Trump", "PERSON")))] \
        == ["Donald Trump"]


def test_he_or_she_stands_for_a_person_not_a_group() -> None:
    text = ("Some Democrats said they feared a split at the convention. "
            "\u201cIt is not enough just to beat the other side,\u201d he said.")
    atts = attribute(text, split_sentences(text), _ents(text, ("Democrats", "NORP")))
    assert [a.speaker for a in atts] == ["Democrats"]


def test_who_is_told_is_not_the_speaker_even_in_capitals() -> None:
    text = "He denounced the coup attempt, telling USA TODAY he had nothing to do with it."
    atts = attribute(text, split_sentences(text), [])
    assert all(a.speaker != "TODAY" for a in atts)


def test_he_stands_for_a_name_with_a_lowercase_particle() -> None:
    text = ("Abu Bakr al-Baghdadi said the city would be defended. "
            "\u201cWe will not leave,\u201d he said.")
    atts = attribute(text, split_sentences(text), _ents(text, ("Abu Bakr al-Baghdadi", "PERSON")))
    assert [a.speaker for a in atts] == ["Abu Bakr al-Baghdadi", "Abu Bakr al-Baghdadi"]


def test_an_unnamed_source_before_the_cue_is_its_subject() -> None:
    """"Police said John Smith was arrested": the name after the cue is what was said. A source
    described by what it knows keeps the whole description, names inside it included."""
    cases = [
        ("Police said John Smith was arrested on Monday.", [("John Smith", "PERSON")], "Police"),
        ("Two people briefed on the talks said Comey was fired.", [("Comey", "PERSON")],
         "people briefed on the talks"),
        ("Aides close to Ryan said he would not run.", [("Ryan", "PERSON")], "Aides close to Ryan"),
        ("The meeting was canceled, according to a person familiar with the matter.", [],
         "person familiar with the matter"),
    ]
    for text, spans, speaker in cases:
        atts = attribute(text, split_sentences(text), _ents(text, *spans))
        assert [(a.speaker, a.anonymous) for a in atts] == [(speaker, True)], text
    # Someone's spokesman is left to the person named, and who asks is not who answers.
    text = "Trump's spokesman said the president was fine."
    assert [a.speaker for a in attribute(text, split_sentences(text), _ents(text, ("Trump", "PERSON")))] == ["Trump"]
    text = "A reporter asked Sanders how he was feeling. He replied: \u201cThe bigger the turnout, the better.\u201d"
    atts = attribute(text, split_sentences(text), _ents(text, ("Sanders", "PERSON")))
    assert "reporter" not in {a.speaker for a in atts}


def test_an_unclosed_straight_quote_does_not_turn_later_quotes_inside_out() -> None:
    """The mark after "called it" is never closed; carried on, it paired every later mark the
    wrong way round and hid every cue of the paragraph."""
    text = ('The mayor called it "a disaster. Officials said the bridge would reopen on Monday. '
            'Residents told reporters that "we are tired of waiting." '
            '"It is over," Jones said.')
    atts = attribute(text, split_sentences(text), _ents(text, ("Jones", "PERSON")))
    assert [(a.sentence, a.speaker) for a in atts] == [(1, "Officials"), (2, "Residents"), (3, "Jones")]
    # A quotation that runs over two sentences and is closed is still one quotation.
    text = '"It is over. We are done," Jones said.'
    atts = attribute(text, split_sentences(text), _ents(text, ("Jones", "PERSON")))
    assert [(a.sentence, a.speaker) for a in atts] == [(0, "Jones"), (1, "Jones")]


def test_two_people_of_one_family_are_two_speakers() -> None:
    """"Tracy Martin, Trayvon's father": a surname shared with someone named earlier does not
    make two full names one person; a title or a surname alone still resolves."""
    from parallax.extract.names import full_names, same_person

    assert same_person("Dillon", "Ryan Dillon") and same_person("Defense Secretary James Mattis", "James Mattis")
    assert same_person("George Bush", "George W. Bush")
    assert not same_person("Tracy Martin", "Trayvon Martin")
    text = ("Trayvon Martin was shot in 2012. "
            "Tracy Martin, Trayvon's father, issued a statement Thursday, saying the foundation has no comment.")
    ents = _ents(text, ("Trayvon Martin", "PERSON"), ("Tracy Martin", "PERSON"))
    assert "Tracy Martin" not in full_names(ents)
    assert [a.speaker for a in attribute(text, split_sentences(text), ents)] == ["Tracy Martin"]


def test_objects_compounds_and_relatives_are_not_speakers() -> None:
    # Found on the claims gold's tune half and the BASIL triplets outside it (1 Dec 2026).
    text = "In the speech Bloomberg criticized Democrats, but argued that Trump was a demagogue."
    ents = [Entity(text.index("Bloomberg"), text.index("Bloomberg") + 9, "Bloomberg", "GPE"),
            Entity(text.index("Democrats"), text.index("Democrats") + 9, "Democrats", "NORP")]
    assert [a.speaker for a in attribute(text, split_sentences(text), ents)] == ["Bloomberg"]
    text = "Support grew after Chick-fil-A president Dan Cathy said the Atlanta-based company was guilty."
    ents = [Entity(text.index("Dan"), text.index("Dan") + 9, "Dan Cathy", "PERSON"),
            Entity(text.index("Atlanta"), text.index("Atlanta") + 7, "Atlanta", "GPE")]
    assert [a.speaker for a in attribute(text, split_sentences(text), ents)] == ["Dan Cathy"]
    text = "The argument that confounded Justice Kennedy drew the ire of Justice Antonin Scalia who said he was lost."
    ents = [Entity(text.index("Kennedy"), text.index("Kennedy") + 7, "Kennedy", "PERSON"),
            Entity(text.index("Antonin"), text.index("Antonin") + 14, "Antonin Scalia", "PERSON")]
    assert [a.speaker for a in attribute(text, split_sentences(text), ents)] == ["Antonin Scalia"]
    # (With a short gap — "… on congressional Democrats in their efforts, warning" — the nearest
    # entity still speaks: the rule for an entity right before the cue comes first.)
    text = ("Senior White House officials raised the stakes on congressional Democrats in their efforts to get "
            "a deal passed on the Bush tax cuts, warning on Wednesday that inaction would raise the risk.")
    ents = [Entity(text.index("White"), text.index("White") + 11, "White House", "ORG"),
            Entity(text.index("Democrats"), text.index("Democrats") + 9, "Democrats", "NORP")]
    assert all(a.speaker != "Democrats" for a in attribute(text, split_sentences(text), ents))
