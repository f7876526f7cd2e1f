from mpdesk.services.triage_eval import score


def test_perfect_prediction_scores_one() -> None:
    gold = {
        "marketplace": "wb",
        "category": "finance",
        "event_date": "2026-01-02",
        "entities": [{"type": "amount", "value": "10.00"}],
        "missing": ["evidence"],
    }
    report = score([("a", gold, dict(gold))])
    assert report["summary"]["category_accuracy"] == 1.0
    assert report["summary"]["entity_f1"] == 1.0
    assert report["summary"]["missing_f1"] == 1.0
    assert report["misses"] == []


def test_misses_and_counts() -> None:
    gold = {"marketplace": None, "category": "listing", "event_date": None,
            "entities": [{"type": "sku", "value": "1"}, {"type": "sku", "value": "2"}],
            "missing": ["date", "evidence"]}  # fmt: skip
    pred = {"marketplace": "wb", "category": "other", "event_date": "2026-01-01",
            "entities": [{"type": "sku", "value": "1"}, {"type": "vendor_code", "value": "2"}],
            "missing": ["evidence"]}  # fmt: skip
    report = score([("x", gold, pred)])
    s = report["summary"]
    assert s["marketplace_accuracy"] == 0.0
    assert s["entity_precision"] == 0.5 and s["entity_recall"] == 0.5
    assert report["confusion"]["listing"] == {"other": 1}
    assert report["missing"]["date"]["recall"] == 0.0
    assert report["misses"][0]["entities"] == {"missed": ["sku:2"], "extra": ["vendor_code:2"]}


def _answer(category: str, flagged: bool, alternatives: list[str], p: float) -> dict:
    return {"category": category, "needs_confirmation": flagged,
            "category_alternatives": alternatives,
            "category_probabilities": {category: p}}  # fmt: skip


def test_confirmation_metrics_follow_the_contract() -> None:
    from mpdesk.services.triage_eval import confidence_scores

    pairs = [
        ("a", {"category": "finance"}, _answer("finance", False, [], 0.95)),  # sure, right
        ("b", {"category": "finance"}, _answer("logistics", False, [], 0.9)),  # sure, wrong
        ("c", {"category": "finance"}, _answer("logistics", True, ["finance"], 0.5)),
        ("d", {"category": "listing"}, _answer("logistics", True, ["finance"], 0.45)),
    ]
    metrics, table = confidence_scores(pairs)
    assert metrics == {"confirmation_rate": 0.5, "confident_wrong_rate": 0.25,
                       "flagged_top2_acc": 0.5}  # fmt: skip
    assert [(row["from"], row["cases"], row["accuracy"]) for row in table] == [
        (0.4, 1, 0.0),
        (0.5, 1, 0.0),
        (0.9, 2, 0.5),
    ]
