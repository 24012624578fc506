"""Word-piece alignment (compare/pieces.py) on the two seed articles' sentences about the
call for a just peace: the same fact in other words finds its counterparts, an unrelated
sentence of the same article does not."""

from __future__ import annotations

import numpy as np

from newsprism.analyze.embed import Pieces, get_embedder
from newsprism.compare.pieces import (
    PIECE_FEATURES,
    content_pieces,
    pair_piece_features,
    piece_features,
)

RFERL = (
    'The UN chief has repeatedly called for a "just peace" that respects international law '
    'and Ukraine’s "territorial integrity."'
)
RT = "He urged a “just peace” in Ukraine and called for an immediate ceasefire in Gaza and Lebanon."
RT_OTHER = (
    "Earlier that day, Guterres addressed the wide-format BRICS Plus/Outreach panel hosted by "
    "Russian leaders, with numerous foreign dignitaries in attendance."
)


def test_pieces_come_from_the_same_pass_as_the_sentence_vectors() -> None:
    embedder = get_embedder()
    vectors, pieces = embedder.encode_pieces([RT, RFERL])
    assert np.allclose(vectors, embedder.encode([RT, RFERL]))
    rt = pieces[0]
    assert rt.tokens[:4] == ("he", "urged", "a", "“")
    assert [RT[s:e].lower() for s, e in rt.offsets.tolist()] == list(rt.tokens)
    assert np.allclose(np.linalg.norm(rt.vectors, axis=1), 1.0, atol=1e-5)


def test_the_same_call_in_other_words_finds_its_counterparts() -> None:
    _, pieces = get_embedder().encode_pieces([RFERL, RT, RT_OTHER])
    # The RT clause "He urged a just peace in Ukraine" is the first clause of its sentence.
    clause = (0, RT.index(" and called"))
    story = content_pieces([[pieces[0]], [pieces[1], pieces[2]]], [[[]], [[clause], []]])
    (rferl,), (rt, other) = story
    same = dict(zip(PIECE_FEATURES, piece_features(rferl, rt), strict=True))
    unrelated = dict(zip(PIECE_FEATURES, piece_features(rferl, other), strict=True))
    for name in PIECE_FEATURES:
        assert same[name] > unrelated[name], name
    # "just peace" and "called for" are the shared words; nothing of the panel sentence is.
    assert unrelated["pieces_mutual"] == 0.0 and same["pieces_mutual"] > 2.0
    assert same["pieces_closest"] > 0.9  # "just" / "just"
    # The clause restates the call more closely than the whole sentence does.
    assert same["pieces_clause_recall"] > same["pieces_recall_min"]
    # "urged" finds "called" as its closest piece in the other outlet's sentence.
    urged = pieces[1].tokens.index("urged")
    closest = int(np.argmax(pieces[0].vectors @ pieces[1].vectors[urged]))
    assert pieces[0].tokens[closest] == "called"


def test_many_pairs_at_once_give_the_pair_by_pair_numbers() -> None:
    texts = [RFERL, RT, RT_OTHER]
    _, pieces = get_embedder().encode_pieces(texts)
    clause = [(0, RT.index(" and called"))]
    empty = Pieces((), np.zeros((0, 2), np.int32), np.zeros((0, 384), np.float32))
    left, right = content_pieces(
        [[pieces[0], empty], [pieces[1], empty, pieces[2]]], [[[], []], [clause, [], []]]
    )
    pairs = np.array([(0, 0), (0, 1), (0, 2), (1, 0), (1, 2)], dtype=np.int64)
    together = pair_piece_features(left, right, pairs)
    one_by_one = [piece_features(left[i], right[j]) for i, j in pairs.tolist()]
    assert np.allclose(together, np.array(one_by_one, dtype=np.float32), atol=1e-5)
    # The numbers themselves, from the closeness of every two pieces of RFE/RL's and RT's
    # sentences: each piece's closest counterpart, weighted by rarity.
    a, b = left[0], right[0]
    closeness = a.vectors @ b.vectors.T
    recall = sorted(
        (
            float(closeness.max(axis=1) @ a.weights / a.weights.sum()),
            float(closeness.max(axis=0) @ b.weights / b.weights.sum()),
        )
    )
    first = dict(zip(PIECE_FEATURES, together[0].tolist(), strict=True))
    assert np.allclose([first["pieces_recall_min"], first["pieces_recall_max"]], recall)
    assert np.isclose(first["pieces_closest"], closeness.max())
    # A sentence with no word piece (an empty one) has all-zero features.
    assert not together[[1, 3, 4]].any()
