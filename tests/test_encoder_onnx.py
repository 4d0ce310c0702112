"""The encoder's onnxruntime backend (int8) against the NumPy reference: the same network,
close vectors, and the same sentiment labels."""

from __future__ import annotations

import numpy as np
import pytest
import spacy

from helpers import encoder, encoder_onnx
from helpers.sentiment import parse_for_targets, score_mentions

pytest.importorskip("onnxruntime")
pytest.importorskip("onnx")

SENTENCES = [
    ("Russia rejected the proposal.", "Russia"),
    ("The talks in Geneva ended without agreement on Monday.", "Geneva"),
    ("NATO allies pledged more air defence systems to Ukraine after the strikes.", "Ukraine"),
    ("Critics said the senator's plan was a disaster for working families.", "senator"),
    ("Macron praised Merkel for her courage and her leadership during the crisis.", "Merkel"),
    ("The company's chief executive was arrested on fraud charges in Paris.", "company"),
    ("Fans cheered as Serena Williams won her seventh title at Wimbledon.", "Serena Williams"),
    ("The minister denied that the government had misled parliament.", "government"),
]


@pytest.fixture(scope="module")
def backends(tmp_path_factory):
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("HELPERS_CACHE_DIR", str(tmp_path_factory.mktemp("cache")))
        reference = encoder.MiniLM(encoder.model_folder(), "numpy")
        fast = encoder.MiniLM(encoder.model_folder(), "onnx")
        fast.hidden_states([[1996]])  # builds and caches the graph in the temporary folder
        assert encoder_onnx.graph_path(fast).exists()
        yield reference, fast


def test_the_float_graph_is_the_numpy_network(backends):
    import onnxruntime

    reference, _ = backends
    session = onnxruntime.InferenceSession(encoder_onnx.build_graph(reference).SerializeToString(),
                                           providers=["CPUExecutionProvider"])
    ids = [1996, 5036, 2001, 2772, 1999, 2899, 1012]
    states = session.run(["states"], {"ids": np.array([[reference.first, *ids, reference.last]])})[0][0]
    assert np.allclose(states, reference.reference_states([ids])[0], atol=1e-4)


def test_int8_vectors_are_close_to_the_reference(backends):
    reference, fast = backends
    nlp = spacy.blank("en")
    sentences = [nlp(text)[:] for text, _ in SENTENCES]
    for want, got in zip(reference.sentence_rows(sentences), fast.sentence_rows(sentences)):
        assert want.shape == got.shape
        cosine = (want * got).sum(1) / np.linalg.norm(want, axis=1) / np.linalg.norm(got, axis=1)
        assert cosine.min() > 0.97
        assert not np.array_equal(want, got)  # the int8 backend really ran


def test_both_backends_give_the_same_sentiment_labels(backends):
    # Labels agree wherever the reference is not on the fence; near a class boundary int8
    # can tip one (on NewsMTSC dev the labels agreed on 775 of 785 mentions), so there the
    # probabilities are held close instead.
    docs = parse_for_targets([text for text, _ in SENTENCES])
    items = [(doc, [(text.index(target), text.index(target) + len(target))]) for doc, (text, target)
             in zip(docs, SENTENCES)]
    reference, fast = ([rows[0] for rows in score_mentions(
        items, "target-minilm", rows_of=lambda sentences, source, b=backend: b.sentence_rows(sentences))]
        for backend in backends)
    clear = 0
    for want, got in zip(reference, fast):
        assert np.allclose(want["probabilities"], got["probabilities"], atol=0.15)
        top, second = sorted(want["probabilities"])[::-1][:2]
        if top - second > 0.2:
            clear += 1
            assert want["label"] == got["label"]
    assert clear >= 6
    assert {"negative", "neutral", "positive"} == {row["label"] for row in reference}


def test_a_sentence_gets_the_same_numbers_alone_or_with_others(backends):
    _, fast = backends
    batch = [[1996, 5036, 2001, 2772], [3607, 5837, 1996, 6378, 1012], [1996, 5036, 2001, 2772]]
    together = fast.hidden_states(batch)
    assert np.array_equal(together[0], fast.hidden_states(batch[:1])[0])
    assert np.array_equal(together[0], together[2])
