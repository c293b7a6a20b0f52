"""Tests of emteach.widgets.applications (chapter 7's casino experiment), driven headless.

The caption's numbers are recomputed here with hmmlearn's CategoricalHMM
(posteriors and Viterbi path) on the same rolls, not with emteach.hmm.
"""

import numpy as np
import pytest

from emteach import widgets
from emteach.widgets import caption_of, controls_of, output_of

hmmlearn_hmm = pytest.importorskip("hmmlearn.hmm")


def _expected_caption(to_loaded, to_fair, n_rolls, seed):
    from emteach import hmm

    transitions = np.array([[1 - to_loaded, to_loaded], [to_fair, 1 - to_fair]])
    emissions = np.array([[1 / 6] * 6, [0.1] * 5 + [0.5]])
    # The rolls are the experiment's own (the same seeded draw); everything computed from them is hmmlearn's.
    rolls, dice = hmm.sample(hmm.HMMParams([1.0, 0.0], transitions, emissions), n_rolls, seed=seed)
    model = hmmlearn_hmm.CategoricalHMM(n_components=2, n_features=6, init_params="", params="")
    model.startprob_ = np.array([1.0, 0.0])
    model.transmat_ = transitions
    model.emissionprob_ = emissions
    column = rolls.reshape(-1, 1)
    posterior = model.predict_proba(column)[:, 1]
    log_likelihood = model.score(column)
    _, path = model.decode(column, algorithm="viterbi")
    return (f"{n_rolls} rolls, fair to loaded {to_loaded:.2f}, loaded to fair {to_fair:.2f}, seed {seed}: "
            f"loaded on {np.mean(dice == 1):.1%} of the rolls; "
            f"posterior > 0.5 right on {np.mean((posterior > 0.5) == (dice == 1)):.1%}, "
            f"Viterbi right on {np.mean(path == dice):.1%}; "
            f"log-likelihood {log_likelihood:.2f}\n")


def _png(out):
    return out.outputs[0]["data"]["image/png"]


def test_casino_explorer_redraws_on_every_control():
    experiment = widgets.casino_explorer()
    out = output_of(experiment)
    controls = controls_of(experiment)
    assert caption_of(out) == _expected_caption(0.05, 0.10, 300, 0)
    settings = {"fair to loaded": 0.05, "loaded to fair": 0.10, "rolls": 300, "seed": 0}
    for name, value in (("fair to loaded", 0.2), ("loaded to fair", 0.3), ("rolls", 500), ("seed", 3)):
        before = _png(out)
        controls[name].value = value
        settings[name] = value
        assert caption_of(out) == _expected_caption(settings["fair to loaded"], settings["loaded to fair"],
                                                    settings["rolls"], settings["seed"])
        assert _png(out) != before


def test_casino_figure_matches_the_experiment_and_titles_its_axes():
    fig, caption = widgets.casino_figure(0.05, 0.10, 300, 0)
    assert caption + "\n" == _expected_caption(0.05, 0.10, 300, 0)
    assert fig.axes[0].get_title() == "300 rolls: where was the loaded die used?"
    assert fig.axes[0].get_xlabel() == "roll" and fig.axes[0].get_legend() is not None


def test_casino_model_has_the_chosen_switching_probabilities():
    params = widgets.casino_model(0.2, 0.4)
    np.testing.assert_allclose(params.transitions, [[0.8, 0.2], [0.4, 0.6]])
    np.testing.assert_allclose(params.emissions[1], [0.1] * 5 + [0.5])
    np.testing.assert_allclose(params.start, [1.0, 0.0])


def test_casino_summary_counts_by_hand():
    summary = widgets.casino_summary([0, 1, 1, 0], [0.2, 0.4, 0.9, 0.6], [0, 1, 1, 1])
    assert summary == {"loaded_fraction": 0.5, "posterior_accuracy": 0.5, "viterbi_accuracy": 0.75}
