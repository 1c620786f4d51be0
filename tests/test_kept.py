from kontaktdichte.kept import KeptAnswers


def test_an_answer_is_worked_out_once_and_kept():
    asked = []
    squares = KeptAnswers(lambda n: asked.append(n) or n * n)
    assert [squares[3], squares[4], squares[3]] == [9, 16, 9]
    assert asked == [3, 4]
    assert squares.get(5) is None and asked == [3, 4]  # only a look-up by [] works one out


def test_past_its_limit_it_starts_afresh():
    asked = []
    kept = KeptAnswers(lambda n: asked.append(n) or -n, limit=2)
    assert [kept[1], kept[2], kept[3]] == [-1, -2, -3]
    assert len(kept) == 1 and 3 in kept  # full at the third: cleared, then the third kept
    assert kept[1] == -1 and asked == [1, 2, 3, 1]


def test_an_answer_that_needs_more_than_its_key_is_worked_out_once_and_kept():
    kept, made = KeptAnswers(limit=2), []
    assert kept.answer("a", lambda: made.append("a") or "A") == "A"
    assert kept.answer("a", lambda: made.append("again") or "B") == "A"
    kept.answer("b", lambda: "B")
    assert kept.answer("c", lambda: "C") == "C" and list(kept) == ["c"]  # past its limit: afresh
    assert made == ["a"]
