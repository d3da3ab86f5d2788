"""Is it copying? The nearest training examples of the very sample a tab draws, their distances, and the
yardstick of real test examples; names by edit distance; a sentence when the data is not on the server."""
import numpy as np
import pytest
import torch

from genapp import hub, studio
from genapp.studio import copying
from genapp.studio.samples import draw, sample_request
from conftest import needs_data


def _levenshtein(a: str, b: str) -> int:
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        current = [i]
        for j, cb in enumerate(b, 1):
            current.append(min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (ca != cb)))
        previous = current
    return previous[-1]


def test_a_training_picture_is_its_own_nearest_neighbour_at_distance_zero():
    data = copying._pixels("mnist", copying.data_folder("mnist"))
    distances, indices = copying._search(data, data.x[[123, 4567]], k=3)
    assert distances[:, 0].tolist() == [0.0, 0.0]
    assert torch.equal(data.x[indices[0, 0]], data.x[123]) and torch.equal(data.x[indices[1, 0]], data.x[4567])
    assert (np.diff(distances, axis=1) >= 0).all()


def test_a_generated_picture_is_the_tabs_sample_and_its_neighbours_come_from_training_sorted():
    r = studio.copying.nearest_training("gan-mnist", seed=3, label="7", position=2, k=5)
    x, labels, _ = draw("gan-mnist", sample_request("gan-mnist", 16, 3, "7", None))
    sample = x[1].flatten().double()                     # position 2 of the 16 the Image tab draws
    data = copying._pixels("mnist", copying.data_folder("mnist"))
    assert r.label == "7" and len(r.neighbours) == 5
    distances = [nb.distance for nb in r.neighbours]
    assert distances == sorted(distances) and distances[0] > 0
    for nb in r.neighbours:                              # each one a training example, at the distance shown
        assert 0 <= nb.index < len(data.x) and nb.label == str(int(data.labels[nb.index]))
        assert nb.distance == pytest.approx((sample - data.x[nb.index].flatten().double()).norm().item(), abs=1e-9)
    every = (data.x.flatten(1).double() - sample).norm(dim=1)
    assert distances[0] == pytest.approx(every.min().item(), abs=1e-9)    # really the nearest of all 8,000
    ys = r.yardstick
    assert ys.examples == 2000 and 0 < ys.low < ys.median and ys.closer <= ys.as_close
    assert ys.closer == pytest.approx((data.test_distances < distances[0]).mean())
    assert r.verdict.endswith(".") and r.picture.size == ((28 + 2) * copying.SCALE["image"],) * 2


@needs_data("fashion")
def test_same_arguments_same_answer_and_another_position_another_sample():
    a = studio.copying.nearest_training("vae-fashion", seed=11, label="any", position=4)
    b = studio.copying.nearest_training("vae-fashion", seed=11, label="any", position=4)
    c = studio.copying.nearest_training("vae-fashion", seed=11, label="any", position=5)
    assert [(n.index, n.distance) for n in a.neighbours] == [(n.index, n.distance) for n in b.neighbours]
    assert a.picture.tobytes() == b.picture.tobytes() and a.verdict == b.verdict
    assert a.picture.tobytes() != c.picture.tobytes()


def test_a_generated_clip_is_heard_beside_the_real_recordings_nearest_to_it():
    r = studio.copying.nearest_training("gan-fsdd", seed=0, label="7", position=1, k=3)
    rate, pcm = r.clip
    assert rate == 8000 and pcm.dtype == np.int16 and len(pcm) == 8000
    rate, pcm = r.neighbour_clips                        # three one-second recordings, 0.4 s apart
    assert rate == 8000 and len(pcm) == 3 * 8000 + 2 * 3200
    assert [n.distance for n in r.neighbours] == sorted(n.distance for n in r.neighbours)
    assert r.yardstick.examples == 300 and "spectrogram pictures, 64 x 64" in r.measure


def test_names_by_edit_distance_a_training_name_is_at_zero_and_marked_seen():
    data = copying._names(copying.data_folder("names"), "names")
    for i in (0, 1000, 20000):
        name = data.names[i]
        distances = copying.edit_distances(name, data)
        assert distances[i] == 0 and hub.load("eval-names").seen([name]) == [True]
    some = np.random.default_rng(0).choice(len(data.names), 200, replace=False)
    for query in ("emma", "xzq", "bartholomewjohn"):
        distances = copying.edit_distances(query, data)
        assert all(distances[j] == _levenshtein(query, data.names[j]) for j in some)


def test_a_generated_name_is_seen_exactly_when_its_nearest_training_name_is_itself():
    for position in range(1, 13):                        # the 12 names the Text tab draws by default
        r = studio.copying.nearest_training("vae-names", seed=0, position=position, k=4)
        nearest = r.neighbours[0]
        assert r.seen == (nearest.distance == 0) and r.name == studio.generate_names("vae-names", 12, 0).names[position - 1]
        assert [n.distance for n in r.neighbours] == sorted(n.distance for n in r.neighbours)
        assert all(n.distance == _levenshtein(r.name, n.name) for n in r.neighbours)
    assert r.yardstick.at_zero > 0.05                    # real test names are often training names too


@pytest.mark.parametrize("kwargs, words", [
    (dict(position=0), "position"), (dict(position=17), "from 1 to 16"), (dict(n=0), "from 1 to 64"),
    (dict(seed=-1), "out of range"), (dict(seed=2**63), "out of range"), (dict(seed="x"), "not a number"),
    (dict(label="dog"), "Pick a class"), (dict(k=0), "neighbours"), (dict(k=99), "neighbours"),
    (dict(checkpoint="vae-cifar"), "no checkpoint named"), (dict(checkpoint="eval-mnist"), "not a generator"),
    (dict(checkpoint="../x"), "not a checkpoint name"), (dict(checkpoint="gan-fsdd", n=9), "from 1 to 8"),
])
def test_bad_requests_get_a_sentence(kwargs, words):
    args = dict(checkpoint="gan-mnist", seed=0, label="any", position=1) | kwargs
    with pytest.raises(studio.BadRequest, match=words):        # the UI's precheck, which draws nothing
        studio.copying.check_nearest_training(**args)
    with pytest.raises(studio.BadRequest, match=words):
        studio.copying.nearest_training(**args)


@pytest.mark.parametrize("checkpoint", ["gan-mnist", "rbm-fsdd", "gan-names"])
def test_without_the_training_data_the_server_says_where_to_put_it(checkpoint, tmp_path, monkeypatch):
    monkeypatch.setenv("GENAPP_DATA_DIR", str(tmp_path))
    with pytest.raises(studio.BadRequest, match="not on this server.*GENAPP_DATA_DIR"):
        studio.copying.nearest_training(checkpoint, seed=0, position=1)
