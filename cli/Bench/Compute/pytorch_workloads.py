"""The PyTorch side of `flowlive bench --compare pytorch`.

The bench's workloads written as a PyTorch user would write them, with the same layers, sizes, masks and optimizer
as FlowLive's. The bench starts this script once and sends it one JSON request per line on stdin; each answer is one
JSON line on stdout. That keeps both sides in the same run, interleaved, on the same thread count, so their ratio
survives the +-30% drift of a shared machine.

Requests: {"workload": NAME, "size": "full" | "tiny", "threads": T, "calls": N} runs N timed calls on T threads (after warming up the first
time a workload is seen) and answers {"workload", "times_ms", "parameters", "flops", "peak_rss_mb"};
{"quit": true} ends. The first line this script prints describes it: torch and python versions and the BLAS library
the process loaded (Debian's torch calls the reference BLAS unless LD_LIBRARY_PATH points at OpenBLAS).
"""
import json
import math
import os
import sys
import time

import torch
from torch import nn


def mapped_libraries():
    """The paths of the files mapped into this process, as /proc/self/maps names them."""
    with open("/proc/self/maps") as maps:
        return {line.split()[-1] for line in maps if len(line.split()) >= 6}


def loaded_blas():
    """The BLAS and LAPACK libraries mapped into this process (not the launcher's answer to MKL's vendor check,
    inherited with the preloads, which is no BLAS: build/mkl_feature_dispatch.c)."""
    return sorted(path for path in mapped_libraries()
                  if any(part in os.path.basename(path) for part in ("blas", "mkl", "lapack"))
                  and os.path.basename(path) != "libmkl_feature_dispatch.so")


def heap_allocator():
    """Which malloc this process runs on, as the flowlive side reports its own (HeapAllocator.cs)."""
    names = {os.path.basename(path) for path in mapped_libraries()}
    for library, name in (("libtcmalloc", "tcmalloc"), ("libjemalloc", "jemalloc"), ("libmimalloc", "mimalloc")):
        if any(n.startswith(library) for n in names):
            return name
    return "glibc"


def peak_rss_mb():
    """Peak resident set (VmHWM) since the last reset_peak_rss, MB."""
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024.0
    return float("nan")


def reset_peak_rss():
    """Linux resets VmHWM (peak resident set) when 5 is written to clear_refs, so each workload reports its own peak."""
    try:
        with open("/proc/self/clear_refs", "w") as f:
            f.write("5")
    except OSError:
        pass


def mlp(inputs, hidden, depth, outputs):
    layers, width = [], inputs
    for _ in range(depth):
        layers += [nn.Linear(width, hidden), nn.ReLU()]
        width = hidden
    last = nn.Linear(width, outputs)
    nn.init.zeros_(last.weight)
    nn.init.zeros_(last.bias)
    return nn.Sequential(*layers, last)


class AffineCoupling(nn.Module):
    """Split-half affine coupling: one net maps the conditioning half to (s, t) for the other half."""

    def __init__(self, dim, hidden, depth, transform_first, clamp=None):
        super().__init__()
        self.first = dim // 2
        self.transform_first = transform_first
        condition = dim - self.first if transform_first else self.first
        self.net = mlp(condition, hidden, depth, 2 * (dim - condition))
        self.clamp = clamp

    def split(self, v):
        a, b = v[:, :self.first], v[:, self.first:]
        return (b, a) if self.transform_first else (a, b)

    def join(self, condition, changed):
        return torch.cat([changed, condition] if self.transform_first else [condition, changed], 1)

    def scale_shift(self, condition):
        s, t = self.net(condition).chunk(2, 1)
        if self.clamp is not None:
            s = self.clamp * torch.tanh(s / self.clamp)
        return s, t

    def forward(self, z):
        condition, changed = self.split(z)
        s, t = self.scale_shift(condition)
        return self.join(condition, changed * s.exp() + t), s.sum(1)

    def inverse(self, x):
        condition, changed = self.split(x)
        s, t = self.scale_shift(condition)
        return self.join(condition, (changed - t) * (-s).exp()), -s.sum(1)


class MaskedCoupling(nn.Module):
    """Masked affine coupling with separate nets: tanh log-scale and linear shift (the keras.io Real NVP example)."""

    def __init__(self, mask, hidden, depth):
        super().__init__()
        dim = mask.numel()
        self.register_buffer("mask", mask)
        self.scale_net = mlp(dim, hidden, depth, dim)
        self.shift_net = mlp(dim, hidden, depth, dim)

    def scale_shift(self, v):
        passing = v * self.mask
        changes = 1 - self.mask
        return torch.tanh(self.scale_net(passing)) * changes, self.shift_net(passing) * changes

    def forward(self, z):
        s, t = self.scale_shift(z)
        return z * s.exp() + t, s.sum(1)

    def inverse(self, x):
        s, t = self.scale_shift(x)
        return (x - t) * (-s).exp(), -s.sum(1)


class Scale(nn.Module):
    """A learned elementwise scale x = z * exp(s) (NICE's scaling layer; the Rosenbaum sheet's exp(s_i))."""

    def __init__(self, dim):
        super().__init__()
        self.log_scale = nn.Parameter(torch.zeros(dim))

    def forward(self, z):
        return z * self.log_scale.exp(), self.log_scale.sum().expand(z.shape[0])

    def inverse(self, x):
        return x * (-self.log_scale).exp(), (-self.log_scale.sum()).expand(x.shape[0])


class Flow(nn.Module):
    """Layers in generative order over an N(0, I) base: forward is base to data, log_prob runs them backwards."""

    def __init__(self, dim, layers):
        super().__init__()
        self.dim = dim
        self.layers = nn.ModuleList(layers)

    def log_prob(self, x):
        log_det = torch.zeros(x.shape[0])
        for layer in reversed(self.layers):
            x, step = layer.inverse(x)
            log_det = log_det + step
        return -0.5 * x.pow(2).sum(1) - 0.5 * self.dim * math.log(2 * math.pi) + log_det

    def trace(self, z):
        states = [z]
        for layer in self.layers:
            z, _ = layer(z)
            states.append(z)
        return states


def radboud():
    """4 split-half couplings, MLP 2x16, unbounded scale; normalizing step k transforms the second half when k is even."""
    return Flow(2, [AffineCoupling(2, 16, 2, transform_first=(3 - i) % 2 == 1) for i in range(4)])


def keras():
    """8 masked couplings, masks alternating over the two features, separate MLPs 2x256."""
    masks = [torch.tensor([1.0, 0.0]) if i % 2 == 1 else torch.tensor([0.0, 1.0]) for i in range(8)]
    return Flow(2, [MaskedCoupling(m, 256, 2) for m in masks])


def rosenbaum():
    """4 split-half couplings on 784-D, MLPs of 5 linear layers of 512, tanh-clamped (2) log-scales, a learned scale each."""
    layers = []
    for k in reversed(range(4)):
        layers += [Scale(784), AffineCoupling(784, 512, 4, transform_first=k % 2 == 1, clamp=2.0)]
    return Flow(784, layers)


def linear_flops_per_row(model):
    return sum(2 * m.in_features * m.out_features for m in model.modules() if isinstance(m, nn.Linear))


def grid(side):
    axis = torch.linspace(-4, 4, side)
    gy, gx = torch.meshgrid(axis, axis, indexing="ij")
    return torch.stack([gx.reshape(-1), gy.reshape(-1)], 1)


SIZES = {
    # name: (full, tiny) size of the one number each workload scales by.
    "train-radboud-4x16-b128": (128, 16), "train-radboud-4x16-b4096": (4096, 64),
    "train-keras-8x256-b128": (128, 16), "train-keras-8x256-b4096": (4096, 64),
    "train-rosenbaum-784-b128": (128, 8),
    "trace-keras-8x256-100k": (100_000, 1000), "grid-keras-8x256-512": (512, 32),
    "trace-radboud-4x16-100k": (100_000, 1000), "grid-radboud-4x16-512": (512, 32),
    "sgemm-2048": (2048, 128),
}


def prepare(name, size):
    """The call to time for one workload, its parameter count and its FLOPs (matrix products only)."""
    n = SIZES[name][0 if size == "full" else 1]
    torch.manual_seed(0)
    if name == "sgemm-2048":
        a, b = torch.randn(n, n), torch.randn(n, n)
        return (lambda: torch.mm(a, b)), 0, 2.0 * n ** 3
    model = {"radboud": radboud, "keras": keras, "rosenbaum": rosenbaum}[name.split("-")[1]]()
    parameters = sum(p.numel() for p in model.parameters())
    per_row = linear_flops_per_row(model)
    if name.startswith("train-"):
        data = torch.randn(n, model.dim)
        optimizer = torch.optim.Adam(model.parameters(), lr=1e-3)

        def step():
            optimizer.zero_grad()
            (-model.log_prob(data).mean()).backward()
            optimizer.step()
        return step, parameters, 3.0 * per_row * n
    if name.startswith("trace-"):
        z = torch.randn(n, model.dim)

        def trace():
            with torch.no_grad():
                return model.trace(z)
        return trace, parameters, per_row * n
    points = grid(n)

    def density():
        with torch.no_grad():
            return model.log_prob(points)
    return density, parameters, per_row * n * n


def main():
    print(json.dumps({"torch": torch.__version__, "blas": loaded_blas(), "allocator": heap_allocator(),
                      "python": sys.version.split()[0]}), flush=True)
    prepared = {}
    for line in sys.stdin:
        request = json.loads(line)
        if request.get("quit"):
            break
        name, size, calls = request["workload"], request.get("size", "full"), int(request.get("calls", 1))
        torch.set_num_threads(int(request.get("threads", torch.get_num_threads())))
        try:
            if (name, size) not in prepared:
                reset_peak_rss()
                prepared[(name, size)] = prepare(name, size)
                call = prepared[(name, size)][0]
                for _ in range(2):
                    call()
            call, parameters, flops = prepared[(name, size)]
            times = []
            for _ in range(calls):
                start = time.perf_counter()
                call()
                times.append((time.perf_counter() - start) * 1000.0)
            print(json.dumps({"workload": name, "times_ms": times, "parameters": parameters, "flops": flops,
                              "peak_rss_mb": peak_rss_mb()}), flush=True)
        except KeyError:
            print(json.dumps({"workload": name, "error": f"no workload named {name!r}"}), flush=True)


if __name__ == "__main__":
    main()
