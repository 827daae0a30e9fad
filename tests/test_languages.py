"""Other languages: detected, kept in stories of their own language, not scored by English models."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from parallax.cli import main
from parallax.pipeline import analyze
from parallax.text.dates import normalise_date
from parallax.text.language import detect

GERMAN = {
    "de_wetter": ("Unwetter in Bayern", "Ein schweres Unwetter hat am Dienstag in weiten Teilen Bayerns für Chaos "
                  "gesorgt. Die Feuerwehr rückte nach Angaben der Behörden zu mehr als dreihundert Einsätzen aus. "
                  "Bäume stürzten auf Straßen und Bahngleise, der Zugverkehr zwischen München und Nürnberg war "
                  "stundenlang unterbrochen. Der Deutsche Wetterdienst warnt auch für die kommenden Tage vor "
                  "Gewittern, Starkregen und Hagel."),
    "de_fussball": ("Bayern gewinnt das Spitzenspiel", "Der FC Bayern hat das Spitzenspiel gegen Borussia "
                    "Dortmund mit drei zu eins gewonnen. Vor ausverkauftem Haus erzielte der Stürmer zwei Tore in "
                    "der ersten Halbzeit. Der Trainer lobte nach dem Schlusspfiff die Leistung seiner Mannschaft "
                    "und sprach von einem wichtigen Sieg im Kampf um die Meisterschaft."),
    "de_haushalt": ("Bundestag beschließt Haushalt", "Der Bundestag hat am Freitag den Haushalt für das kommende "
                    "Jahr beschlossen. Die Regierung plant Ausgaben von rund vierhundertfünfzig Milliarden Euro. "
                    "Die Opposition kritisierte die hohe Neuverschuldung und warf dem Finanzminister vor, die "
                    "Schuldenbremse zu umgehen. Die Abstimmung fiel mit klarer Mehrheit aus."),
}
SPANISH = {
    "es_incendio": ("Incendio forestal en Valencia", "Un incendio forestal ha obligado a desalojar a cientos de "
                    "vecinos en la provincia de Valencia. Los bomberos trabajan desde la madrugada para controlar "
                    "las llamas, avivadas por el fuerte viento y las altas temperaturas. Las autoridades han "
                    "cortado varias carreteras y piden a la población que siga las indicaciones de emergencia."),
    "es_elecciones": ("Elecciones municipales en Madrid", "Los ciudadanos de Madrid acudieron este domingo a las "
                      "urnas para elegir a su nuevo alcalde. La participación fue superior a la de hace cuatro "
                      "años, según los datos provisionales. Los candidatos de los principales partidos votaron "
                      "por la mañana y pidieron a los votantes que no se quedaran en casa."),
    "es_ciencia": ("Nuevo hallazgo de fósiles", "Un equipo de científicos ha descubierto en Argentina los restos "
                   "fósiles de una especie de dinosaurio desconocida hasta ahora. Los investigadores creen que el "
                   "animal vivió hace unos noventa millones de años y que podía alcanzar los doce metros de "
                   "longitud. El hallazgo se publicará en una revista especializada."),
}
ENGLISH = {
    "en_budget": ("Council passes budget", "The city council approved the budget on Tuesday after a long debate "
                  "about school funding. Opponents said the plan raised property taxes too much, while "
                  "supporters praised the new spending on teachers. The mayor is expected to sign it next week."),
}


def _write(folder: Path) -> None:
    for name, (title, body) in {**GERMAN, **SPANISH, **ENGLISH}.items():
        (folder / f"{name}.txt").write_text(f"{title}\n\n{body}\n", encoding="utf-8")


def test_detect() -> None:
    assert detect(GERMAN["de_wetter"][1])[0] == "de"
    assert detect(SPANISH["es_ciencia"][1])[0] == "es"
    code, conf = detect(ENGLISH["en_budget"][1])
    assert code == "en" and conf is not None and 0 < conf <= 1
    assert detect("OK") == (None, None)


def test_unrelated_german_and_spanish_articles_stay_apart(tmp_path: Path) -> None:
    src = tmp_path / "in"
    src.mkdir()
    _write(src)
    result = analyze([src], out_dir=tmp_path / "out")
    report = json.loads((tmp_path / "out" / "report.json").read_text(encoding="utf-8"))
    by_input = {a["input"]: a for a in report["articles"]}
    stories = {a["story"] for a in report["articles"]}
    # Seven unrelated articles: seven stories, whatever words or names they share.
    assert len(stories) == 7, [(a["input"], a["story"]) for a in report["articles"]]
    for name in GERMAN:
        art = by_input[f"{name}.txt"]
        assert art["language"] == "de" and art["language_confidence"] > 0.9
        assert art["signals"]["sourcing"]["details"]["reason"] == "language not supported"
        assert art["cited_sources"] == []
    assert by_input["es_ciencia.txt"]["language"] == "es"
    assert by_input["en_budget.txt"]["language"] == "en"
    assert "reason" not in (by_input["en_budget.txt"]["signals"]["clickbait"].get("details") or {})
    assert report["corpus"]["set_aside"] == {"reason": "language not supported", "articles": 6,
                                             "languages": {"de": 3, "es": 3}}
    assert result.counts["articles"] == 7


def test_summary_says_what_was_set_aside_and_exit_status(tmp_path: Path) -> None:
    src = tmp_path / "in"
    src.mkdir()
    _write(src)
    (src / "broken.json").write_text("{not json")
    res = CliRunner().invoke(main, ["analyze", str(src), "--out", str(tmp_path / "out")])
    assert res.exit_code == 0, res.output
    assert "6 articles set aside" in res.output and "top rejection reasons" in res.output
    empty = tmp_path / "empty"
    empty.mkdir()
    (empty / "a.json").write_text("{not json")
    (empty / "b.jsonl").write_text(json.dumps({"title": "T", "text": 12345}) + "\n")
    res = CliRunner().invoke(main, ["analyze", str(empty), "--out", str(tmp_path / "out2")])
    assert res.exit_code == 1 and "no input became an article" in res.output


def test_epoch_and_foreign_dates() -> None:
    assert normalise_date("1574168580") == "2019-11-19"
    assert normalise_date("19 novembre 2019") == "2019-11-19"
    assert normalise_date("19 de noviembre de 2019") == "2019-11-19"
    assert normalise_date("19. November 2019") == "2019-11-19"


def test_unknown_timezone_does_not_warn(recwarn: object) -> None:
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert normalise_date("Tue, 19 Nov 2019 10:00:00 XYZ") == "2019-11-19"
