import numpy as np

from hadath.corpora.conll import parse_conll
from hadath.evaluation.ner import score
from hadath.nlp.ner import LABELS, spans_from_bio, viterbi_bio
from hadath.text import split_sentences, split_words

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


def _log_probs(*rows: dict[str, float]) -> np.ndarray:
    """words x labels log-probabilities; unnamed labels share what is left of each row."""
    out = np.zeros((len(rows), len(LABELS)))
    for r, row in enumerate(rows):
        rest = (1 - sum(row.values())) / (len(LABELS) - len(row))
        out[r] = [np.log(row.get(label, rest)) for label in LABELS]
    return out


def test_decoding_never_opens_an_entity_with_an_inside_tag():
    # Word by word the best labels are O, I-ORG; as a sequence, B-ORG I-ORG (0.4 x 0.9) wins.
    log_probs = _log_probs({"O": 0.5, "B-ORG": 0.4}, {"I-ORG": 0.9})
    assert [LABELS[k] for k in viterbi_bio(log_probs)] == ["B-ORG", "I-ORG"]
    assert LABELS[viterbi_bio(_log_probs({"I-PERS": 0.6, "B-PERS": 0.3}))[0]] == "B-PERS"


def test_decoding_never_continues_another_type():
    log_probs = _log_probs({"B-PERS": 0.9}, {"I-ORG": 0.5, "I-PERS": 0.3})
    assert [LABELS[k] for k in viterbi_bio(log_probs)] == ["B-PERS", "I-PERS"]
    assert viterbi_bio(np.zeros((0, len(LABELS)))) == []


def test_decoding_keeps_valid_best_labels():
    log_probs = _log_probs({"B-LOC": 0.8}, {"O": 0.7}, {"B-PERS": 0.6}, {"I-PERS": 0.9})
    assert [LABELS[k] for k in viterbi_bio(log_probs)] == ["B-LOC", "O", "B-PERS", "I-PERS"]
