from hadath.nlp.conll import parse_conll
from hadath.nlp.evaluate import score
from hadath.nlp.ner import spans_from_bio, split_sentences, split_words

GOLD = """التقى O
حسن B-PERS
رشاد I-PERS
نتنياهو B-PERS
في O
القدس B-LOC

وصل O
الوفد O
إلى O
واشنطن B-LOC
"""


def test_seqeval_figures_on_a_tiny_fixture():
    gold = [s.labels for s in parse_conll(GOLD)]
    # One person right, one person cut short, one place right, one place missed, one spurious ORG.
    predicted = [["O", "B-PERS", "I-PERS", "B-PERS", "O", "B-LOC"], ["O", "B-ORG", "O", "O"]]
    predicted[0][3] = "O"
    scores = score(gold, predicted)
    # gold 4 entities; predicted 3; correct 2 (حسن رشاد, القدس)
    assert (round(scores.precision, 4), round(scores.recall, 4)) == (round(2 / 3, 4), 0.5)
    assert round(scores.f1, 4) == round(2 * (2 / 3) * 0.5 / (2 / 3 + 0.5), 4)
    assert scores.per_type["LOC"]["recall"] == 0.5


def test_conll_parser_accepts_tabs_and_glued_labels():
    sentences = parse_conll("أ\tB-LOC\nب Oالإصابة\n\n")
    assert sentences[0].labels == ["B-LOC", "O"]


def test_bio_spans_open_on_a_stray_inside_tag():
    assert spans_from_bio(["O", "I-PERS", "I-PERS", "B-LOC", "I-ORG"]) == [("PERS", 1, 3), ("LOC", 3, 4), ("ORG", 4, 5)]


def test_words_and_sentences_keep_offsets():
    text = "قال ويتكوف، اليوم.\nوأضاف: نعم"
    words = split_words(text)
    assert [w.text for w in words][:3] == ["قال", "ويتكوف", "،"]
    assert all(text[w.start:w.end] == w.text for w in words)
    assert [text[s:e] for s, e in split_sentences(text)] == ["قال ويتكوف، اليوم.", "وأضاف: نعم"]
