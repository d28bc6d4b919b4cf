#!/usr/bin/env python3
"""FlowLive's contract checked from outside: a third-party client on Debian's python3-grpcio, with stubs protoc made
from protos/, calling a running server (PythonClientTests starts one). Every ModelService and TrainingService rpc,
health and reflection, and the error statuses the contract promises, with values checked against each other: LogProb
of samples equals Sample's log_prob, Encode then Decode round-trips, Trace's last state is Sample's points for the same
seed, grid cells are LogProb at their centres, a trained job's model serves like a bundled one.

usage: PYTHONPATH=STUBS /usr/bin/python3 contract_client.py HOST:PORT

Prints one line per check ("ok" or "FAIL" with the reason) and exits 1 when any failed.
"""

import array
import math
import sys
import traceback

import grpc
from google.protobuf import descriptor_pb2

from flowlive.v1 import models_pb2 as fl, models_pb2_grpc, tensor_pb2, training_pb2 as tr, training_pb2_grpc
from health.v1 import health_pb2, health_pb2_grpc
from reflection.v1 import reflection_pb2 as reflection_v1, reflection_pb2_grpc as reflection_v1_grpc
from reflection.v1alpha import reflection_pb2 as reflection_v1alpha, reflection_pb2_grpc as reflection_v1alpha_grpc

POINTS = "two_moons-realnvp"    # a bundled 2-D RealNVP: invertible, exact log-dets, standard normal base
IMAGES = "realnvp-mnist"        # the bundled digits flow, [1, 28, 28]
UNKNOWN = "no-such-model"
PRESET = "radboud-moons"        # a 2-D preset whose fast version trains in seconds
TIMEOUT = 60
TRAINING_TIMEOUT = 600          # a fast job on a busy machine
LOG_2PI = math.log(2 * math.pi)


# --- tensors -----------------------------------------------------------------------------------------------------

def values(message):
    floats = array.array("f")
    floats.frombytes(message.data)
    if sys.byteorder == "big":
        floats.byteswap()
    return floats.tolist()


def tensor(flat, shape):
    floats = array.array("f", flat)
    if sys.byteorder == "big":
        floats.byteswap()
    return tensor_pb2.Tensor(shape=shape, data=floats.tobytes())


def points_tensor(points):
    return tensor([v for p in points for v in p], [len(points), len(points[0])])


def rows(message):
    n, size = message.shape[0], math.prod(message.shape[1:])
    flat = values(message)
    assert len(flat) == n * size, f"tensor of shape {list(message.shape)} carries {len(flat)} values"
    return [flat[i * size:(i + 1) * size] for i in range(n)]


def standard_normal_log_prob(z):
    return -0.5 * sum(v * v for v in z) - 0.5 * len(z) * LOG_2PI


# --- assertions --------------------------------------------------------------------------------------------------

def close(actual, expected, what, atol=1e-4, rtol=1e-4):
    actual, expected = list(actual), list(expected)
    assert len(actual) == len(expected), f"{what}: {len(actual)} values, expected {len(expected)}"
    for i, (a, e) in enumerate(zip(actual, expected)):
        assert math.isfinite(a) and abs(a - e) <= atol + rtol * abs(e), f"{what}[{i}] = {a}, expected {e}"


def flat(list_of_rows):
    return [v for r in list_of_rows for v in r]


def status_of(call):
    """The status a call ends with (None when it succeeds); streams are read to their end."""
    try:
        result = call()
        if hasattr(result, "__iter__") and not hasattr(result, "ListFields"):
            list(result)
        return None
    except grpc.RpcError as error:
        return error


def expect(code, call, *named):
    error = status_of(call)
    assert error is not None, f"expected {code.name}, the call succeeded"
    assert error.code() == code, f"expected {code.name}, got {error.code().name}: {error.details()}"
    for name in named:
        assert name in (error.details() or ""), f"{code.name} does not name '{name}': {error.details()}"
    assert "   at " not in (error.details() or ""), f"a stack trace in the status: {error.details()}"


# --- the checks --------------------------------------------------------------------------------------------------

CHECKS = []


def check(function):
    CHECKS.append(function)
    return function


class Client:
    def __init__(self, channel):
        self.models = models_pb2_grpc.ModelServiceStub(channel)
        self.training = training_pb2_grpc.TrainingServiceStub(channel)
        self.health = health_pb2_grpc.HealthStub(channel)
        self.reflection = {
            "v1": (reflection_v1, reflection_v1_grpc.ServerReflectionStub(channel)),
            "v1alpha": (reflection_v1alpha, reflection_v1alpha_grpc.ServerReflectionStub(channel)),
        }
        self._info = {}

    def info(self, name):
        if name not in self._info:
            self._info[name] = self.models.GetModel(fl.GetModelRequest(model=name), timeout=TIMEOUT).model
        return self._info[name]

    def sample(self, **request):
        return list(self.models.Sample(fl.SampleRequest(**request), timeout=TIMEOUT))

    def sampled(self, model=POINTS, count=50, seed=7, temperature=0.8):
        """Points and log-densities of one draw, all chunks joined."""
        chunks = self.sample(model=model, count=count, seed=seed, temperature=temperature, include_log_prob=True)
        return [p for c in chunks for p in rows(c.points)], [v for c in chunks for v in values(c.log_prob)]

    def log_prob(self, points, model=POINTS):
        return values(self.models.LogProb(fl.LogProbRequest(model=model, points=points_tensor(points)), timeout=TIMEOUT).log_prob)

    def decode(self, latents, model=POINTS):
        return self.models.Decode(fl.DecodeRequest(model=model, latents=points_tensor(latents)), timeout=TIMEOUT)

    def encode(self, points, model=POINTS):
        return self.models.Encode(fl.EncodeRequest(model=model, points=points_tensor(points)), timeout=TIMEOUT)

    def trace(self, **request):
        return list(self.models.Trace(fl.TraceRequest(**request), timeout=TIMEOUT))

    def grids(self, **request):
        return list(self.models.DensityGrid(fl.DensityGridRequest(**request), timeout=TIMEOUT))

    def interpolate(self, **request):
        return list(self.models.Interpolate(fl.InterpolateRequest(**request), timeout=TIMEOUT))

    def sample_data(self, **request):
        return list(self.models.SampleData(fl.SampleDataRequest(**request), timeout=TIMEOUT))

    def start(self, **request):
        return self.training.StartTraining(tr.StartTrainingRequest(**request), timeout=TIMEOUT).job

    def watch(self, job_id):
        return list(self.training.WatchJob(tr.WatchJobRequest(job_id=job_id), timeout=TRAINING_TIMEOUT))

    def job(self, job_id):
        return self.training.GetJob(tr.GetJobRequest(job_id=job_id), timeout=TIMEOUT).job

    def model_names(self):
        return [m.name for m in self.models.ListModels(fl.ListModelsRequest(), timeout=TIMEOUT).models]


@check
def list_models_describes_every_bundled_model_in_name_order(c):
    models = c.models.ListModels(fl.ListModelsRequest(), timeout=TIMEOUT).models
    names = [m.name for m in models]
    assert names == sorted(names) and len(set(names)) == len(names), f"not in name order or repeated: {names}"
    for expected in (POINTS, IMAGES, "radboud-moons", "eight_gaussians-realnvp", "chequerboard-spline"):
        assert expected in names, f"{expected} is not listed: {names}"
    for m in models:
        assert m.status == fl.MODEL_STATUS_SERVING and m.error == "", f"{m.name}: {fl.ModelStatus.Name(m.status)} {m.error}"
        assert [l.index for l in m.layers] == list(range(1, len(m.layers) + 1)), f"{m.name}: layer indices"
        assert all(l.name == f"{l.index}:{l.kind}" for l in m.layers), f"{m.name}: layer names {[l.name for l in m.layers]}"
        assert len(m.sha256) == 64 and all(ch in "0123456789abcdef" for ch in m.sha256), f"{m.name}: sha256 {m.sha256!r}"
        assert m.loaded_at.seconds > 0 and m.HasField("created_at"), f"{m.name}: timestamps"
        assert m.invertible == all(l.has_inverse for l in m.layers), f"{m.name}: invertible"
        assert m.exact_log_det == all(l.exact_log_det for l in m.layers), f"{m.name}: exact_log_det"
        assert m.parameter_count >= sum(l.parameter_count for l in m.layers) > 0, f"{m.name}: parameter_count"
        assert list(m.latent_shape) == list(m.base.shape), f"{m.name}: latent shape {list(m.latent_shape)} vs base {list(m.base.shape)}"
        assert list(m.layers[0].input_shape) == list(m.latent_shape), f"{m.name}: first layer's input is not the latent shape"
        assert list(m.layers[-1].output_shape) == list(m.data_shape), f"{m.name}: last layer's output is not the data shape"
        for before, after in zip(m.layers, m.layers[1:]):
            assert list(before.output_shape) == list(after.input_shape), f"{m.name}: {before.name} -> {after.name} shapes"
    points = next(m for m in models if m.name == POINTS)
    assert points.data_kind == fl.DATA_KIND_POINTS and list(points.data_shape) == [2] and points.pixel_scale == 0
    assert points.base.kind == "standard_normal", f"{POINTS} base {points.base.kind} (the checks below assume N(0, I))"
    images = next(m for m in models if m.name == IMAGES)
    assert images.data_kind == fl.DATA_KIND_IMAGE and list(images.data_shape) == [1, 28, 28] and images.pixel_scale > 0


@check
def get_model_is_the_listed_description(c):
    listed = {m.name: m for m in c.models.ListModels(fl.ListModelsRequest(), timeout=TIMEOUT).models}
    for name in (POINTS, IMAGES):
        assert c.info(name) == listed[name], f"GetModel({name}) differs from its ListModels entry"


@check
def sample_chunks_a_seeded_draw_and_the_seed_fixes_it(c):
    chunks = c.sample(model=POINTS, count=50, seed=7, temperature=0.8, include_log_prob=True, chunk_size=16)
    assert [ch.offset for ch in chunks] == [0, 16, 32, 48], f"offsets {[ch.offset for ch in chunks]}"
    assert [list(ch.points.shape) for ch in chunks] == [[16, 2]] * 3 + [[2, 2]]
    assert [list(ch.log_prob.shape) for ch in chunks] == [[16]] * 3 + [[2]]
    assert all(ch.seed == 7 and ch.total == 50 for ch in chunks)
    chunked = [v for ch in chunks for v in values(ch.points)]
    assert all(math.isfinite(v) for v in chunked)

    whole = c.sample(model=POINTS, count=50, seed=7, temperature=0.8)
    assert len(whole) == 1 and list(whole[0].points.shape) == [50, 2], "chunk_size 0: one message of 50"
    assert len(whole[0].log_prob.data) == 0, "log_prob without include_log_prob"
    # The same points up to float32 rounding: libtorch's kernels may round differently for another batch size.
    close(values(whole[0].points), chunked, "the same seed with another chunk size", atol=1e-5, rtol=0)

    other = c.sample(model=POINTS, count=50, seed=8, temperature=0.8)
    assert values(other[0].points) != chunked, "seeds 7 and 8 gave the same points"

    unseeded = c.sample(model=POINTS, count=10)
    again = c.sample(model=POINTS, count=10, seed=unseeded[0].seed, temperature=1.0)
    assert values(again[0].points) == values(unseeded[0].points), "the returned seed does not reproduce the draw"


@check
def sample_of_the_image_model_has_its_shape(c):
    chunks = c.sample(model=IMAGES, count=2, seed=1, temperature=0.7)
    assert [list(ch.points.shape) for ch in chunks] == [[2, 1, 28, 28]]
    assert all(math.isfinite(v) for v in values(chunks[0].points))


@check
def log_prob_of_sampled_points_is_samples_log_prob(c):
    points, log_prob = c.sampled()
    response = c.models.LogProb(fl.LogProbRequest(model=POINTS, points=points_tensor(points)), timeout=TIMEOUT)
    assert list(response.log_prob.shape) == [50] and not response.estimate
    close(values(response.log_prob), log_prob, "LogProb vs Sample's log_prob", atol=1e-3)


@check
def encode_then_decode_round_trips(c):
    points, log_prob = c.sampled()
    encoded = c.encode(points)
    assert list(encoded.latents.shape) == [50, 2] and list(encoded.log_det.shape) == [50]
    latents = rows(encoded.latents)
    # log p(x) = log N(z) + log|det dz/dx|, computed here from the latents.
    close(values(encoded.log_prob), [standard_normal_log_prob(z) + d for z, d in zip(latents, values(encoded.log_det))],
          "Encode's log_prob vs log N(z) + log_det", atol=1e-3)
    close(values(encoded.log_prob), log_prob, "Encode's log_prob vs Sample's", atol=1e-3)
    decoded = c.decode(latents)
    close(flat(rows(decoded.points)), flat(points), "Decode(Encode(x)) vs x", atol=1e-4)
    close(values(decoded.log_det), [-d for d in values(encoded.log_det)], "Decode's log_det vs minus Encode's", atol=1e-3)


@check
def trace_of_a_seeded_draw_ends_at_samples_points(c):
    info = c.info(POINTS)
    layers = len(info.layers)
    points, log_prob = c.sampled()
    messages = c.trace(model=POINTS, count=50, seed=7, temperature=0.8, include_log_det=True, chunk_size=20)
    expected_order = [(offset, k) for offset in (0, 20, 40) for k in range(layers + 1)]
    assert [(m.offset, m.layer_index) for m in messages] == expected_order, "chunks, then layers base first"
    assert all(m.layer_count == layers and m.seed == 7 and m.total == 50 for m in messages)
    kinds = ["base"] + [l.kind for l in info.layers]
    assert all(m.layer_kind == kinds[m.layer_index] for m in messages), "layer kinds"

    by_layer = {k: [m for m in messages if m.layer_index == k] for k in range(layers + 1)}
    state = {k: [r for m in by_layer[k] for r in rows(m.state)] for k in by_layer}
    running = {k: [v for m in by_layer[k] for v in values(m.log_prob)] for k in by_layer}
    close(flat(state[layers]), flat(points), "Trace's last state vs Sample's points (same seed)", atol=1e-5)
    close(flat(rows(c.decode(state[0]).points)), flat(points), "Decode(Trace's base state) vs Sample's points", atol=1e-4)
    close(running[0], [standard_normal_log_prob(z) for z in state[0]], "state 0's log_prob vs log N(z)", atol=1e-4)
    close(running[layers], log_prob, "the last state's log_prob vs Sample's", atol=1e-3)
    assert all(len(m.log_det.data) == 0 for m in by_layer[0]), "state 0 has no log_det"
    for k in range(1, layers + 1):
        log_det = [v for m in by_layer[k] for v in values(m.log_det)]
        close(running[k], [p - d for p, d in zip(running[k - 1], log_det)], f"the waterfall at layer {k}", atol=1e-4)


@check
def trace_of_given_points_is_the_inverse_pass(c):
    points, _ = c.sampled(count=12)
    messages = c.trace(model=POINTS, points=points_tensor(points))
    layers = len(c.info(POINTS).layers)
    assert [m.layer_index for m in messages] == list(range(layers + 1)) and all(m.seed == 0 and m.total == 12 for m in messages)
    close(flat(rows(messages[-1].state)), flat(points), "the last state vs the given points", atol=1e-6)
    close(flat(rows(messages[0].state)), flat(rows(c.encode(points).latents)), "state 0 vs Encode's latents", atol=1e-5)
    assert all(len(m.log_prob.data) == 0 for m in messages), "log_prob without include_log_det"


@check
def trace_of_given_latents_is_the_forward_pass(c):
    latents = [[-1.5, 0.25], [0.0, 0.0], [0.75, 1.25]]
    messages = c.trace(model=POINTS, latents=points_tensor(latents), include_log_det=True)
    layers = len(c.info(POINTS).layers)
    assert [m.layer_index for m in messages] == list(range(layers + 1)) and all(m.seed == 0 and m.total == 3 for m in messages)
    assert flat(rows(messages[0].state)) == flat(latents), "state 0 is not the given latents"
    close(flat(rows(messages[-1].state)), flat(rows(c.decode(latents).points)), "the last state vs Decode(latents)", atol=1e-5)
    close(values(messages[0].log_prob), [standard_normal_log_prob(z) for z in latents], "state 0's log_prob vs log N(z)", atol=1e-4)


@check
def trace_of_the_image_model_follows_the_layer_shapes(c):
    info = c.info(IMAGES)
    messages = c.trace(model=IMAGES, count=1, seed=3)
    shapes = [list(info.latent_shape)] + [list(l.output_shape) for l in info.layers]
    assert [list(m.state.shape) for m in messages] == [[1] + s for s in shapes], f"{[list(m.state.shape) for m in messages]}"


def centre(bounds, columns, rows_, row, column):
    return [bounds.x_min + (column + 0.5) * (bounds.x_max - bounds.x_min) / columns,
            bounds.y_max - (row + 0.5) * (bounds.y_max - bounds.y_min) / rows_]


@check
def density_grid_cells_are_log_prob_at_their_centres_from_the_top_left(c):
    bounds = tensor_pb2.Bounds(x_min=-3, x_max=3, y_min=-2, y_max=2.5)
    grids = c.grids(model=POINTS, bounds=bounds, columns=40, rows=30)
    layers = len(c.info(POINTS).layers)
    assert len(grids) == 1 and grids[0].layer_prefix == layers and grids[0].layer_count == layers
    grid = grids[0].grid
    assert (grid.columns, grid.rows, list(grid.log_density.shape)) == (40, 30, [30, 40]) and grid.bounds == bounds
    cells = values(grid.log_density)
    picks = [(0, 0), (0, 39), (29, 0), (29, 39), (15, 20), (7, 31)]
    expected = c.log_prob([centre(bounds, 40, 30, r, col) for r, col in picks])
    close([cells[r * 40 + col] for r, col in picks], expected, "grid cells vs LogProb at their centres", atol=1e-3)


@check
def density_grid_per_layer_starts_at_the_base_and_ends_at_the_model(c):
    bounds = tensor_pb2.Bounds(x_min=-2, x_max=2, y_min=-1, y_max=3)
    layers = len(c.info(POINTS).layers)
    grids = c.grids(model=POINTS, bounds=bounds, columns=16, rows=12, per_layer=True)
    assert [g.layer_prefix for g in grids] == list(range(layers + 1)), f"prefixes {[g.layer_prefix for g in grids]}"
    base = [standard_normal_log_prob(centre(bounds, 16, 12, r, col)) for r in range(12) for col in range(16)]
    close(values(grids[0].grid.log_density), base, "prefix 0 vs log N at the cell centres", atol=1e-4)
    full = c.grids(model=POINTS, bounds=bounds, columns=16, rows=12)[0]
    assert values(grids[-1].grid.log_density) == values(full.grid.log_density), "the last prefix is not the model's grid"


@check
def density_grid_defaults_to_200_cells_around_the_samples(c):
    grid = c.grids(model=POINTS)[0].grid
    assert (grid.columns, grid.rows) == (200, 200) and list(grid.log_density.shape) == [200, 200]
    b = grid.bounds
    assert b.x_max > b.x_min and b.y_max > b.y_min, f"bounds {b}"
    mass = sum(math.exp(v) for v in values(grid.log_density)) * (b.x_max - b.x_min) * (b.y_max - b.y_min) / 40000
    assert 0.9 < mass < 1.05, f"the default window holds {mass:.3f} of the mass"


@check
def interpolate_linear_between_latents_decodes_each_step(c):
    z0, z1 = [-1.0, 0.5], [1.5, -0.5]
    steps = c.interpolate(model=POINTS, latent_ends=points_tensor([z0, z1]), kind=fl.INTERPOLATION_KIND_LINEAR,
                          steps=5, include_states=True)
    layers = len(c.info(POINTS).layers)
    assert [s.step for s in steps] == [0, 1, 2, 3, 4] and [s.t for s in steps] == [0, 0.25, 0.5, 0.75, 1.0]
    latents = [values(s.latent) for s in steps]
    close(flat(latents), flat([[(1 - s.t) * a + s.t * b for a, b in zip(z0, z1)] for s in steps]), "linear latents", atol=1e-6)
    decoded = rows(c.decode(latents).points)
    close(flat(values(s.point) for s in steps), flat(decoded), "points vs Decode(latents)", atol=1e-5)
    close([values(s.log_prob)[0] for s in steps], c.log_prob(decoded), "log_prob vs LogProb(points)", atol=1e-3)
    for s in steps:
        assert len(s.states) == layers + 1, f"step {s.step}: {len(s.states)} states"
        close(values(s.states[0]), values(s.latent), f"step {s.step}: first state vs latent", atol=1e-6)
        close(values(s.states[-1]), values(s.point), f"step {s.step}: last state vs point", atol=1e-5)
    unspecified = c.interpolate(model=POINTS, latent_ends=points_tensor([z0, z1]), steps=5)
    assert [values(s.latent) for s in unspecified] == latents, "an unspecified kind is not linear"
    assert all(len(s.states) == 0 for s in unspecified), "states without include_states"


@check
def interpolate_spherical_follows_the_great_circle(c):
    z0, z1 = [-1.0, 0.5], [1.5, -0.5]
    steps = c.interpolate(model=POINTS, latent_ends=points_tensor([z0, z1]), kind=fl.INTERPOLATION_KIND_SPHERICAL, steps=7)
    omega = math.acos(sum(a * b for a, b in zip(z0, z1)) / (math.hypot(*z0) * math.hypot(*z1)))
    expected = [[(math.sin((1 - t) * omega) * a + math.sin(t * omega) * b) / math.sin(omega) for a, b in zip(z0, z1)]
                for t in (i / 6 for i in range(7))]
    close(flat(values(s.latent) for s in steps), flat(expected), "slerp latents", atol=1e-5)


@check
def interpolate_between_data_points_starts_and_ends_at_them(c):
    points, _ = c.sampled(count=2)
    steps = c.interpolate(model=POINTS, data_ends=points_tensor(points), steps=4)
    close(values(steps[0].point), points[0], "the first step vs the first end", atol=1e-4)
    close(values(steps[-1].point), points[1], "the last step vs the second end", atol=1e-4)


@check
def sample_data_draws_seeded_examples_of_the_models_data(c):
    chunks = c.sample_data(model=POINTS, count=200, seed=4)
    assert [ch.offset for ch in chunks] == [0] and chunks[0].total == 200 and chunks[0].seed == 4
    assert chunks[0].dataset == c.info(POINTS).dataset and chunks[0].dataset != "", f"dataset {chunks[0].dataset!r}"
    data = rows(chunks[0].points)
    assert list(chunks[0].points.shape) == [200, 2] and all(math.isfinite(v) for v in flat(data))
    assert values(c.sample_data(model=POINTS, count=200, seed=4)[0].points) == flat(data), "the same seed gave other examples"
    assert values(c.sample_data(model=POINTS, count=200, seed=5)[0].points) != flat(data), "seeds 4 and 5 gave the same examples"
    # The model was trained on this data: it is far likelier than the same points moved off it.
    on = c.log_prob(data)
    off = c.log_prob([[x + 4, y + 4] for x, y in data])
    assert sum(on) / len(on) > sum(off) / len(off) + 5, f"mean log p {sum(on) / len(on):.2f} on the data, {sum(off) / len(off):.2f} off it"


@check
def sample_data_of_the_image_model_is_test_images_or_a_failed_precondition(c):
    # Image examples need the data set on the server (FlowLive:DataDirectory); without it the contract says
    # FAILED_PRECONDITION.
    error = status_of(lambda: c.models.SampleData(fl.SampleDataRequest(model=IMAGES, count=2, seed=1), timeout=TIMEOUT))
    if error is not None:
        assert error.code() == grpc.StatusCode.FAILED_PRECONDITION, f"{error.code().name}: {error.details()}"
        return
    chunks = c.sample_data(model=IMAGES, count=16, seed=1)
    assert [list(ch.points.shape) for ch in chunks] == [[16, 1, 28, 28]] and chunks[0].dataset == "mnist"
    info = c.info(IMAGES)
    pixels = values(chunks[0].points)
    assert 0 <= min(pixels) and max(pixels) <= info.pixel_scale, f"pixels in [{min(pixels)}, {max(pixels)}], not on [0, {info.pixel_scale}]"
    # On the model's scale the examples are likely images: no worse than its test figure (measured on uniformly
    # dequantized pixels; the examples are their bins' centres, where the density is higher), far better than the
    # 8 bits/dim of noise. On another scale (0..255) they would be all but impossible.
    size = 28 * 28
    log_prob = values(c.models.LogProb(fl.LogProbRequest(model=IMAGES, points=chunks[0].points), timeout=TIMEOUT).log_prob)
    bits = sum(-(lp - size * math.log(256)) / (size * math.log(2)) for lp in log_prob) / len(log_prob)
    assert 0 < bits < info.metrics["test_bits_per_dim"] + 0.5, f"{bits:.3f} bits/dim, the model's test figure {info.metrics['test_bits_per_dim']:.3f}"


@check
def health_answers_for_the_server_the_service_and_each_model(c):
    for service in ("", "flowlive.v1.ModelService", "flowlive.v1.TrainingService", POINTS, IMAGES):
        response = c.health.Check(health_pb2.HealthCheckRequest(service=service), timeout=TIMEOUT)
        assert response.status == health_pb2.HealthCheckResponse.SERVING, f"health of '{service}': {response.status}"
    expect(grpc.StatusCode.NOT_FOUND, lambda: c.health.Check(health_pb2.HealthCheckRequest(service=UNKNOWN), timeout=TIMEOUT))


@check
def reflection_serves_the_contract_these_stubs_were_made_from(c):
    ours = descriptor_pb2.FileDescriptorProto()
    fl.DESCRIPTOR.CopyToProto(ours)
    for version, (messages, stub) in c.reflection.items():
        requests = [messages.ServerReflectionRequest(list_services=""),
                    messages.ServerReflectionRequest(file_containing_symbol="flowlive.v1.ModelService")]
        listed, files = list(stub.ServerReflectionInfo(iter(requests), timeout=TIMEOUT))
        services = [s.name for s in listed.list_services_response.service]
        for expected in ("flowlive.v1.ModelService", "flowlive.v1.TrainingService", "grpc.health.v1.Health"):
            assert expected in services, f"reflection {version} lists {services}"
        served = {}
        for raw in files.file_descriptor_response.file_descriptor_proto:
            descriptor = descriptor_pb2.FileDescriptorProto.FromString(raw)
            served[descriptor.name] = descriptor
        theirs = served.get("flowlive/v1/models.proto")
        assert theirs is not None, f"reflection {version} sent {sorted(served)}"

        def methods(d):
            return [(m.name, m.input_type, m.output_type, m.server_streaming, m.client_streaming) for s in d.service for m in s.method]

        def fields(d):
            return {m.name: [(f.name, f.number, f.type, f.label, f.type_name) for f in m.field] for m in d.message_type}

        assert methods(theirs) == methods(ours), f"reflection {version}: the server's rpcs differ from protos/"
        assert fields(theirs) == fields(ours), f"reflection {version}: the server's messages differ from protos/"


# --- errors ------------------------------------------------------------------------------------------------------

A_POINT = points_tensor([[0.0, 0.0]])


@check
def every_rpc_answers_not_found_for_an_unknown_model_naming_it(c):
    m, code = c.models, grpc.StatusCode.NOT_FOUND
    calls = {
        "GetModel": lambda: m.GetModel(fl.GetModelRequest(model=UNKNOWN), timeout=TIMEOUT),
        "Sample": lambda: m.Sample(fl.SampleRequest(model=UNKNOWN, count=3), timeout=TIMEOUT),
        "Trace": lambda: m.Trace(fl.TraceRequest(model=UNKNOWN, count=3), timeout=TIMEOUT),
        "Encode": lambda: m.Encode(fl.EncodeRequest(model=UNKNOWN, points=A_POINT), timeout=TIMEOUT),
        "Decode": lambda: m.Decode(fl.DecodeRequest(model=UNKNOWN, latents=A_POINT), timeout=TIMEOUT),
        "LogProb": lambda: m.LogProb(fl.LogProbRequest(model=UNKNOWN, points=A_POINT), timeout=TIMEOUT),
        "DensityGrid": lambda: m.DensityGrid(fl.DensityGridRequest(model=UNKNOWN), timeout=TIMEOUT),
        "Interpolate": lambda: m.Interpolate(fl.InterpolateRequest(model=UNKNOWN, latent_ends=points_tensor([[0, 0], [1, 1]]), steps=3), timeout=TIMEOUT),
        "SampleData": lambda: m.SampleData(fl.SampleDataRequest(model=UNKNOWN, count=3), timeout=TIMEOUT),
    }
    for rpc, call in calls.items():
        try:
            expect(code, call, UNKNOWN)
        except AssertionError as problem:
            raise AssertionError(f"{rpc}: {problem}") from None


@check
def malformed_tensors_are_invalid_arguments_naming_the_field(c):
    m, code = c.models, grpc.StatusCode.INVALID_ARGUMENT
    log_prob = lambda points: (lambda: m.LogProb(fl.LogProbRequest(model=POINTS, points=points), timeout=TIMEOUT))
    expect(code, log_prob(tensor([0.0] * 9, [3, 3])), "points", "[3, 3]")                        # wrong dimensions
    expect(code, log_prob(tensor([0.0] * 2, [2])), "points")                                       # no batch dimension
    expect(code, log_prob(tensor_pb2.Tensor(shape=[2, 2], data=b"\0" * 12)), "points", "12 bytes")  # data shorter than shape
    expect(code, log_prob(tensor_pb2.Tensor(shape=[2 ** 61, 2])), "points", "0 bytes")            # 2^61 x 8 bytes wraps to 0
    expect(code, log_prob(None), "points")                                                         # absent
    expect(code, log_prob(tensor([0.0, float("nan")], [1, 2])), "points", "finite")               # NaN
    expect(code, lambda: m.Encode(fl.EncodeRequest(model=POINTS, points=tensor([float("inf"), 0], [1, 2])), timeout=TIMEOUT), "points")
    expect(code, lambda: m.Decode(fl.DecodeRequest(model=POINTS, latents=tensor([float("nan"), 0], [1, 2])), timeout=TIMEOUT), "latents")
    expect(code, lambda: m.Encode(fl.EncodeRequest(model=IMAGES, points=A_POINT), timeout=TIMEOUT), "points", "1, 28, 28")
    expect(code, lambda: m.Trace(fl.TraceRequest(model=POINTS, points=tensor([0.0] * 3, [1, 3])), timeout=TIMEOUT), "points")
    expect(code, lambda: m.Trace(fl.TraceRequest(model=POINTS, latents=tensor([0.0] * 3, [1, 3])), timeout=TIMEOUT), "latents")
    expect(code, lambda: m.Trace(fl.TraceRequest(model=POINTS, points=A_POINT, latents=A_POINT), timeout=TIMEOUT), "latents")


@check
def bad_counts_seeds_and_temperatures_are_invalid_arguments_naming_the_field(c):
    m, code = c.models, grpc.StatusCode.INVALID_ARGUMENT
    for temperature in (0.0, -1.0, float("nan"), float("inf"), 10.5):
        expect(code, lambda: m.Sample(fl.SampleRequest(model=POINTS, count=3, temperature=temperature), timeout=TIMEOUT), "temperature")
    expect(code, lambda: m.Trace(fl.TraceRequest(model=POINTS, count=3, temperature=0), timeout=TIMEOUT), "temperature")
    expect(code, lambda: m.Sample(fl.SampleRequest(model=POINTS, count=0), timeout=TIMEOUT), "count")
    expect(code, lambda: m.Sample(fl.SampleRequest(model=POINTS, count=-5), timeout=TIMEOUT), "count")
    expect(code, lambda: m.Trace(fl.TraceRequest(model=POINTS), timeout=TIMEOUT), "count")
    expect(code, lambda: m.SampleData(fl.SampleDataRequest(model=POINTS, count=0), timeout=TIMEOUT), "count")
    expect(code, lambda: m.Sample(fl.SampleRequest(model=POINTS, count=3, chunk_size=-1), timeout=TIMEOUT), "chunk_size")


@check
def bad_interpolations_and_grids_are_invalid_arguments_naming_the_field(c):
    m, code = c.models, grpc.StatusCode.INVALID_ARGUMENT
    ends = points_tensor([[0, 0], [1, 1]])
    interpolate = lambda **r: (lambda: m.Interpolate(fl.InterpolateRequest(model=POINTS, **r), timeout=TIMEOUT))
    expect(code, interpolate(latent_ends=ends, steps=1), "steps")
    expect(code, interpolate(latent_ends=ends, steps=0), "steps")
    expect(code, interpolate(latent_ends=ends, steps=3, kind=7), "kind")       # not an InterpolationKind
    expect(code, interpolate(latent_ends=points_tensor([[0, 0], [1, 1], [2, 2]]), steps=3), "latent_ends")
    expect(code, interpolate(data_ends=points_tensor([[0, 0]]), steps=3), "data_ends")
    expect(code, interpolate(steps=3), "ends")
    grid = lambda **r: (lambda: m.DensityGrid(fl.DensityGridRequest(model=POINTS, **r), timeout=TIMEOUT))
    expect(code, grid(bounds=tensor_pb2.Bounds(x_min=1, x_max=-1, y_min=0, y_max=1)), "bounds")
    expect(code, grid(bounds=tensor_pb2.Bounds(x_min=0, x_max=1, y_min=float("nan"), y_max=1)), "bounds")
    expect(code, grid(columns=-1), "columns")
    expect(code, grid(columns=10, rows=-1), "rows")


@check
def requests_over_a_cap_are_resource_exhausted_naming_it(c):
    m, code = c.models, grpc.StatusCode.RESOURCE_EXHAUSTED
    expect(code, lambda: m.Sample(fl.SampleRequest(model=POINTS, count=10_000_000), timeout=TIMEOUT), "count", "MaxPoints")
    expect(code, lambda: m.SampleData(fl.SampleDataRequest(model=POINTS, count=10_000_000), timeout=TIMEOUT), "count", "MaxPoints")
    expect(code, lambda: m.Sample(fl.SampleRequest(model=POINTS, count=3, chunk_size=1_000_000), timeout=TIMEOUT), "chunk_size")
    expect(code, lambda: m.Trace(fl.TraceRequest(model=POINTS, count=10_000_000), timeout=TIMEOUT), "count")
    expect(code, lambda: m.Interpolate(fl.InterpolateRequest(model=POINTS, latent_ends=points_tensor([[0, 0], [1, 1]]), steps=100_000), timeout=TIMEOUT), "steps", "MaxSteps")
    expect(code, lambda: m.DensityGrid(fl.DensityGridRequest(model=POINTS, columns=2000), timeout=TIMEOUT), "columns", "MaxGridSide")
    expect(code, lambda: m.DensityGrid(fl.DensityGridRequest(model=POINTS, columns=1024, rows=1024), timeout=TIMEOUT), "MaxGridCells")
    too_many = tensor([0.0] * (2 * 140_000), [140_000, 2])     # 1.12 MB of data, over the 1 MiB a unary request carries
    expect(code, lambda: m.LogProb(fl.LogProbRequest(model=POINTS, points=too_many), timeout=TIMEOUT), "points")


@check
def asking_a_model_for_what_it_cannot_do_is_a_failed_precondition(c):
    expect(grpc.StatusCode.FAILED_PRECONDITION, lambda: c.models.DensityGrid(fl.DensityGridRequest(model=IMAGES), timeout=TIMEOUT), IMAGES)


# --- training ----------------------------------------------------------------------------------------------------

@check
def list_presets_names_what_start_training_takes(c):
    presets = {p.name: p for p in c.training.ListPresets(tr.ListPresetsRequest(), timeout=TIMEOUT).presets}
    assert PRESET in presets and presets[PRESET].kind == "2d", f"presets: {sorted(presets)}"
    assert all(p.title and p.kind in ("2d", "images", "vae") for p in presets.values()), "a preset without a title or kind"


def finished(messages, job_id):
    assert messages and messages[0].WhichOneof("event") == "job" and messages[0].job.id == job_id, "the watch does not start with the job"
    assert messages[-1].WhichOneof("event") == "job", "the watch does not end with the job"
    return messages[-1].job


@check
def a_fast_preset_job_trains_while_watched_and_its_model_then_serves(c):
    name = "python-" + PRESET
    job = c.start(preset=PRESET, fast=True, model_name=name, overrides=tr.TrainingOverrides(seed=3))
    assert job.id and job.preset == PRESET and job.model == name, f"{job}"
    assert job.state in (tr.JOB_STATE_QUEUED, tr.JOB_STATE_RUNNING), tr.JobState.Name(job.state)
    assert c.training.ListJobs(tr.ListJobsRequest(), timeout=TIMEOUT).jobs[0].id == job.id, "ListJobs is not newest first"

    messages = c.watch(job.id)
    done = finished(messages, job.id)
    assert done.state == tr.JOB_STATE_SUCCEEDED and done.error == "", f"{tr.JobState.Name(done.state)}: {done.error}"
    steps = [m.progress.step for m in messages if m.WhichOneof("event") == "progress"]
    assert steps and steps == sorted(set(steps)) and steps[-1] == done.step, f"progress steps {steps}, final {done.step}"
    assert all(math.isfinite(m.progress.train_loss) for m in messages if m.WhichOneof("event") == "progress")
    assert math.isfinite(done.metrics["test_nll"]) and done.HasField("finished_at"), f"{done}"
    assert c.job(job.id) == done, "GetJob differs from the watch's last message"

    assert name in c.model_names(), f"{name} is not listed"
    info = c.info(name)
    assert info.status == fl.MODEL_STATUS_SERVING and info.preset == PRESET and list(info.data_shape) == [2], f"{info}"
    points, log_prob = c.sampled(model=name, count=20, seed=2, temperature=1.0)
    close(c.log_prob(points, model=name), log_prob, "the trained model's LogProb vs its Sample's log_prob", atol=1e-3)
    expect(grpc.StatusCode.FAILED_PRECONDITION, lambda: c.training.CancelJob(tr.CancelJobRequest(job_id=job.id), timeout=TIMEOUT), job.id)
    expect(grpc.StatusCode.INVALID_ARGUMENT, lambda: c.start(preset=PRESET, fast=True, model_name=name), "model_name", name)


@check
def a_cancelled_job_ends_cancelled_without_a_model_and_holds_the_only_slot_until_then(c):
    name = "python-cancelled"
    job = c.start(preset=PRESET, fast=True, model_name=name, overrides=tr.TrainingOverrides(steps=10_000_000))
    # The server's one training slot (Limits:MaxConcurrentJobs) is taken while this job is queued or running.
    expect(grpc.StatusCode.RESOURCE_EXHAUSTED, lambda: c.start(preset=PRESET, fast=True), "MaxConcurrentJobs")
    cancelled = c.training.CancelJob(tr.CancelJobRequest(job_id=job.id), timeout=TIMEOUT).job
    assert cancelled.id == job.id
    done = finished(c.watch(job.id), job.id)
    assert done.state == tr.JOB_STATE_CANCELLED, tr.JobState.Name(done.state)
    assert name not in c.model_names(), "a cancelled job's model is listed"
    expect(grpc.StatusCode.FAILED_PRECONDITION, lambda: c.training.CancelJob(tr.CancelJobRequest(job_id=job.id), timeout=TIMEOUT))


@check
def bad_training_requests_are_refused_naming_the_field(c):
    t, unknown = c.training, "job-999999"
    for rpc, call in {
        "GetJob": lambda: t.GetJob(tr.GetJobRequest(job_id=unknown), timeout=TIMEOUT),
        "WatchJob": lambda: t.WatchJob(tr.WatchJobRequest(job_id=unknown), timeout=TIMEOUT),
        "CancelJob": lambda: t.CancelJob(tr.CancelJobRequest(job_id=unknown), timeout=TIMEOUT),
    }.items():
        try:
            expect(grpc.StatusCode.NOT_FOUND, call, unknown)
        except AssertionError as problem:
            raise AssertionError(f"{rpc}: {problem}") from None
    invalid = grpc.StatusCode.INVALID_ARGUMENT
    expect(invalid, lambda: t.GetJob(tr.GetJobRequest(job_id=""), timeout=TIMEOUT), "job_id")
    expect(grpc.StatusCode.NOT_FOUND, lambda: c.start(preset="no-such-preset"), "no-such-preset")
    expect(invalid, lambda: c.start(), "source")
    expect(invalid, lambda: c.start(preset=PRESET, fast=True, model_name=POINTS), "model_name", POINTS)   # hosted already
    expect(invalid, lambda: c.start(preset=PRESET, fast=True, model_name="bad/name"), "model_name")
    expect(invalid, lambda: c.start(preset=PRESET, overrides=tr.TrainingOverrides(steps=0)), "overrides.steps")
    expect(invalid, lambda: c.start(preset=PRESET, overrides=tr.TrainingOverrides(learning_rate=-1)), "overrides.learning_rate")
    expect(invalid, lambda: c.start(request_json="{"), "request_json")
    assert not any(j.state in (tr.JOB_STATE_QUEUED, tr.JOB_STATE_RUNNING)
                   for j in t.ListJobs(tr.ListJobsRequest(), timeout=TIMEOUT).jobs), "a refused request started a job"


@check
def the_server_still_serves_after_every_error(c):
    assert c.health.Check(health_pb2.HealthCheckRequest(service=""), timeout=TIMEOUT).status == health_pb2.HealthCheckResponse.SERVING
    assert len(c.sample(model=POINTS, count=5, seed=1)[0].points.data) == 5 * 2 * 4


def main(argv):
    if len(argv) != 2:
        print(__doc__, file=sys.stderr)
        return 2
    failed = 0
    with grpc.insecure_channel(argv[1]) as channel:
        client = Client(channel)
        for function in CHECKS:
            try:
                function(client)
                print(f"ok   {function.__name__}")
            except Exception as problem:  # a failed assertion, an unexpected status: report it and go on
                failed += 1
                where = [frame for frame in traceback.extract_tb(problem.__traceback__) if frame.filename == __file__][-1]
                reason = problem.details() if isinstance(problem, grpc.RpcError) else problem
                print(f"FAIL {function.__name__}: {type(problem).__name__}: {reason} (line {where.lineno})")
    print(f"{len(CHECKS)} checks, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
