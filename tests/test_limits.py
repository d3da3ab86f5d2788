"""The Limits tab's measurements at the seam: the inverse-mapping duel and the compute-cost table."""
import pytest

from genapp import hub, studio

from test_latent import _drawing


def test_the_duel_places_one_picture_three_ways_and_the_gans_search_converges():
    results = studio.inverse_duel("mnist", _drawing(7))
    assert [r.checkpoint for r in results] == ["vae-mnist", "gan-mnist", "rbm-mnist"]
    assert all(r.label == 7 and 0 <= r.error < 0.05 and r.ms > 0 for r in results)
    gan = results[1]
    assert len(gan.losses) == 200 and gan.losses[-1] < 0.2 * gan.losses[0]
    with pytest.raises(studio.BadRequest, match="Pick a data set"):
        studio.inverse_duel("fsdd", _drawing(7))


def test_compute_costs_cover_every_generator_and_the_rbm_pays_for_its_gibbs_sweeps():
    rows = {c.checkpoint: c for c in studio.compute_costs(repeats=1)}
    expected = [n for m in ("image", "audio", "text") for n in studio.generators(m)]
    assert sorted(rows) == sorted(expected)
    assert rows["rbm-mnist"].mflops_per_sample > 3 * rows["gan-mnist"].mflops_per_sample
    assert rows["rbm-mnist"].parameters == sum(p.numel() for p in hub.load("rbm-mnist").parameters())
    assert all(c.ms_per_sample > 0 and c.training_seconds for c in rows.values())


def test_the_gibbs_chain_is_shown_log_spaced_and_reproducible_and_temperature_matters():
    a = studio.gibbs_film("mnist", "3", 0, 200, 1.0)
    assert a.shown_steps[0] == 1 and a.shown_steps[-1] == 200 and len(a.shown_steps) <= 16
    assert a.gif == studio.gibbs_film("mnist", "3", 0, 200, 1.0).gif
    assert a.gif != studio.gibbs_film("mnist", "3", 0, 200, 2.0).gif
    assert a.strip.size[0] > 4 * a.strip.size[1] / 2                 # shown sweeps across, 4 chains down


@pytest.mark.parametrize("kwargs, words", [(dict(steps=0), "from 1 to 1,000"), (dict(steps=5000), "from 1 to 1,000"),
                                           (dict(temperature=0), "from 0.5 to 2.0"), (dict(temperature="hot"), "not"),
                                           (dict(label="giraffe"), "Pick a class"), (dict(dataset="fsdd"), "data set")])
def test_bad_chain_requests_get_a_sentence(kwargs, words):
    with pytest.raises(studio.BadRequest, match=words):
        studio.gibbs_film(**kwargs)


def test_rbm_quality_by_steps_scores_each_step_count_and_refuses_non_rbms():
    rows = studio.rbm_quality_by_steps("rbm-mnist")
    assert [r[0] for r in rows] == list(studio.limits.QUALITY_STEPS)
    assert all(0 <= r[1] <= 1 for r in rows) and rows[-1][2] > rows[0][2]
    assert max(r[1] for r in rows) > rows[0][1]          # a few sweeps beat one: more compute, better samples
    with pytest.raises(studio.BadRequest, match="not an RBM"):
        studio.rbm_quality_by_steps("gan-mnist")
