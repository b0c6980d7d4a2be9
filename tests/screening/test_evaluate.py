"""Cross-validation without leakage, the screening model's estimator conventions, the figures' arithmetic."""

import numpy as np
import pytest
from sklearn.base import BaseEstimator, ClassifierMixin, clone

from lit_review.screening.evaluate import cross_validate, evaluate_theme, prf, screened_share
from lit_review.screening.model import ScreeningModel, best_f1_threshold


class Memorizer(ClassifierMixin, BaseEstimator):
    """Remembers each training row's label; on an unseen row, guesses (seeded) at the training prevalence."""

    def __init__(self, random_state=0):
        self.random_state = random_state

    def fit(self, X, y):
        self.seen_ = {X[i].toarray().tobytes(): bool(v) for i, v in enumerate(y)}
        self.rate_ = float(np.mean(y))
        self.classes_ = np.array([False, True])
        return self

    def predict_proba(self, X):
        rng = np.random.default_rng(self.random_state)
        p = np.array(
            [
                float(self.seen_.get(X[i].toarray().tobytes(), rng.random() < self.rate_))
                for i in range(X.shape[0])
            ]
        )
        return np.column_stack([1 - p, p])

    def predict(self, X):
        return self.predict_proba(X)[:, 1] >= 0.5


@pytest.fixture(scope="module")
def screening_inputs(seed_corpus):
    from lit_review.project import Project
    from lit_review.screening.model import Features
    from lit_review.screening.session import Screening, read_project_decisions
    from lit_review.themes import load_themes

    from ..conftest import ROOT

    project = Project.at(ROOT)
    features = Features.build(seed_corpus.corpus.papers, load_themes(project.themes))
    return Screening(project, features, *read_project_decisions(project, features))


def test_a_memorizing_model_is_at_chance_in_cv_and_perfect_on_its_training_rows(screening_inputs):
    labels = screening_inputs.labels("gradient-free")
    X = screening_inputs.features.matrix("gradient-free", with_rules=False)[labels.index.to_numpy()]
    y = labels.to_numpy()
    on_training = Memorizer().fit(X, y).predict(X)
    assert prf(y, on_training) == (1.0, 1.0, 1.0)  # what a leaking evaluation would report
    cv = cross_validate(Memorizer(), X, y)
    _, _, f1 = prf(y, cv.predicted)
    assert f1 < 0.3  # chance: F1 near the prevalence, 18/209
    assert screened_share(y, cv.proba) > 0.7  # random order: about 95% screened for 95% found


def test_cv_never_scores_a_paper_with_a_model_trained_on_it(screening_inputs):
    seen = []

    class Spy(Memorizer):
        def fit(self, X, y):
            seen.append(set(self_rows(X)))
            return super().fit(X, y)

        def predict_proba(self, X):
            assert not (set(self_rows(X)) & seen[-1])
            return super().predict_proba(X)

    labels = screening_inputs.labels("efficient-fine-tuning")
    X = screening_inputs.features.matrix("efficient-fine-tuning")[labels.index.to_numpy()]
    row_of = {X[i].toarray().tobytes(): i for i in range(X.shape[0])}

    def self_rows(M):
        return [row_of[M[i].toarray().tobytes()] for i in range(M.shape[0])]

    cross_validate(Spy(), X, labels.to_numpy(), folds=5)
    assert len(seen) == 5 and sorted(len(s) for s in seen)[0] >= 0.8 * X.shape[0] - 1


def test_the_model_follows_estimator_conventions(screening_inputs):
    labels = screening_inputs.labels("efficient-fine-tuning")
    X = screening_inputs.features.matrix("efficient-fine-tuning")[labels.index.to_numpy()]
    model = screening_inputs.features.model(random_state=3)
    assert clone(model).get_params() == {
        "Cs": (0.3, 1.0, 3.0, 10.0, 30.0),
        "inner_folds": 5,
        "inner_repeats": 3,
        "random_state": 3,
        "text_columns": screening_inputs.features.text.shape[1],
        "text_weights": (0.25, 0.5, 0.75),
    }
    assert model.fit(X, labels.to_numpy()) is model
    again = clone(model).fit(X, labels.to_numpy())
    # deterministic: every choice the inner CV makes, and the probabilities
    assert (model.block_C_, model.text_weight_, model.threshold_) == (
        again.block_C_,
        again.text_weight_,
        again.threshold_,
    )
    assert np.array_equal(model.predict_proba(X), again.predict_proba(X))
    assert len(model.block_C_) == 2 and set(model.block_C_) <= set(model.Cs) and 0 < model.threshold_ < 1
    assert model.text_weight_ in model.text_weights
    clone(model).set_params(random_state=None).fit(X, labels.to_numpy())  # unseeded, as in scikit-learn
    with pytest.raises(ValueError, match="at least 2 positive"):
        ScreeningModel().fit(X[:5], [True, False, False, False, False])


def test_the_model_beats_chance_on_the_dev_labels(screening_inputs):
    labels = screening_inputs.labels("efficient-fine-tuning")
    rows = {
        r["method"]: r for r in evaluate_theme(screening_inputs.features, "efficient-fine-tuning", labels)
    }
    assert rows["model, text only"]["n"] == 212 and rows["model, text only"]["relevant"] == 14
    assert rows["model, text only"]["f1"] > 0.5  # chance is about 14/212
    assert rows["model"]["f1 low"] <= rows["model"]["f1"] <= rows["model"]["f1 high"]


def test_threshold_and_screened_share_by_hand():
    y = np.array([1, 0, 1, 0, 0], dtype=bool)
    p = np.array([0.9, 0.8, 0.7, 0.2, 0.1])
    # cutting below 0.7 includes 3 papers with 2 relevant: F1 = 4/5; below 0.9: 1 of 1, F1 = 2/3
    assert best_f1_threshold(y, p) == pytest.approx((0.7 + 0.2) / 2)
    # 95% of 2 relevant is both; the second is third in order: 3 of 5 screened
    assert screened_share(y, p) == pytest.approx(0.6)
    assert prf(y, p > 0.5) == pytest.approx((2 / 3, 1.0, 0.8))


def test_repeated_cv_averages_the_figures_of_each_split(screening_inputs):
    from lit_review.screening.evaluate import figures

    labels = screening_inputs.labels("gradient-free")
    features = screening_inputs.features
    X = features.matrix("gradient-free", with_rules=False)[labels.index.to_numpy()]
    y = labels.to_numpy()
    each = []
    for seed in (4, 5):  # by hand: two cross-validations with their own shuffles
        cv = cross_validate(features.model(False, random_state=seed), X, y, 5, seed)
        each.append(figures(y, cv.predicted, cv.proba))
    rows = evaluate_theme(features, "gradient-free", labels, repeats=2, random_state=4)
    got = {r["method"]: r for r in rows}["model, text only"]
    for k in ("precision", "recall", "f1", "screened@95"):
        assert got[k] == pytest.approx((each[0][k] + each[1][k]) / 2)
        assert got[f"{k} low"] <= got[k] <= got[f"{k} high"]
    assert each[0] != each[1]  # the two splits differ, so the average is not one of them


def test_the_model_blends_a_text_regression_and_a_terms_regression(screening_inputs):
    from sklearn.linear_model import LogisticRegression

    features = screening_inputs.features
    labels = screening_inputs.labels("efficient-fine-tuning")
    X = features.matrix("efficient-fine-tuning")[labels.index.to_numpy()]
    y = labels.to_numpy()
    n_text = features.text.shape[1]
    model = features.model().fit(X, y)
    assert [b.stop - b.start for b in model.blocks_] == [n_text, X.shape[1] - n_text]
    # the same two regressions fitted by hand, with the C each part chose
    parts = []
    for cols, C in zip((slice(0, n_text), slice(n_text, None)), model.block_C_):
        lr = LogisticRegression(C=C, solver="liblinear", dual=True, max_iter=1000, random_state=0)
        parts.append(lr.fit(X[:, cols], y).predict_proba(X[:, cols])[:, 1])
    w = model.text_weight_
    assert np.allclose(model.predict_proba(X)[:, 1], w * parts[0] + (1 - w) * parts[1])
    assert np.array_equal(model.predict(X), w * parts[0] + (1 - w) * parts[1] >= model.threshold_)
    # the text alone (no rule columns): one regression
    assert len(features.model(with_rules=False).fit(X[:, :n_text], y).blocks_) == 1


def test_features_without_text_have_no_model_matrix(seed_corpus):
    from lit_review.screening.model import Features
    from lit_review.themes import load_themes

    from ..conftest import ROOT

    features = Features.build(
        seed_corpus.corpus.papers, load_themes(ROOT / "references" / "themes.toml"), text=False
    )
    assert features.rules["gradient-free"].included.any()  # the rules still screen
    with pytest.raises(ValueError, match="without text"):
        features.matrix("gradient-free", with_rules=False)
