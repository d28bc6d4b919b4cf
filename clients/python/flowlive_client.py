#!/usr/bin/env python3
"""A small third-party client of FlowLive's gRPC server: lists the models, draws a few samples from a 2-D one with
their log-densities, and prints them.

It needs Debian's gRPC for Python and stubs generated from the contract (protos/):

    sudo apt-get install -y python3-grpcio python3-protobuf protobuf-compiler protobuf-compiler-grpc libprotobuf-dev
    clients/python/generate-stubs.sh .flowlive/python-stubs
    ./flowlive serve &                       # listens on 127.0.0.1:50051
    PYTHONPATH=.flowlive/python-stubs /usr/bin/python3 clients/python/flowlive_client.py 127.0.0.1:50051

generate-stubs.sh runs protoc with Debian's gRPC plugin (which Debian calls grpc_python_plugin, not
protoc-gen-grpc_python):

    protoc -I protos -I /usr/include --python_out=OUT \\
        --plugin=protoc-gen-grpc_python=/usr/bin/grpc_python_plugin --grpc_python_out=OUT \\
        flowlive/v1/tensor.proto flowlive/v1/models.proto flowlive/v1/training.proto

Numbers travel as flowlive.v1.Tensor: a shape and little-endian float32 bytes, row-major (see tensor.proto);
`values` and `tensor` below are the whole conversion.
"""

import argparse
import array
import sys

import grpc

from flowlive.v1 import models_pb2, models_pb2_grpc, tensor_pb2


def values(tensor):
    """A Tensor's values as a flat list of floats (row-major)."""
    floats = array.array("f")
    floats.frombytes(tensor.data)
    if sys.byteorder == "big":
        floats.byteswap()
    return floats.tolist()


def tensor(flat, shape):
    """A Tensor of the given shape from a flat list of floats (row-major)."""
    floats = array.array("f", flat)
    if sys.byteorder == "big":
        floats.byteswap()
    return tensor_pb2.Tensor(shape=shape, data=floats.tobytes())


def rows(message):
    """A [n, d] Tensor as n lists of d floats."""
    n, d = message.shape
    flat = values(message)
    return [flat[i * d:(i + 1) * d] for i in range(n)]


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("address", nargs="?", default="127.0.0.1:50051", help="the server's host:port (default %(default)s)")
    parser.add_argument("--model", help="a 2-D model to sample (default: two_moons-realnvp, else the first 2-D one listed)")
    parser.add_argument("--count", type=int, default=5, help="how many samples (default %(default)s)")
    parser.add_argument("--seed", type=int, default=1, help="seed of the draw: the same seed gives the same points")
    args = parser.parse_args()

    with grpc.insecure_channel(args.address) as channel:
        models = models_pb2_grpc.ModelServiceStub(channel)
        try:
            listed = models.ListModels(models_pb2.ListModelsRequest(), timeout=30).models
            print(f"{len(listed)} models on {args.address}:")
            for m in listed:
                status = models_pb2.ModelStatus.Name(m.status)
                shape = "x".join(str(d) for d in m.data_shape)
                print(f"  {m.name:28} {status:22} data [{shape}], {len(m.layers)} layers, {m.parameter_count} parameters")

            points = [m.name for m in listed if list(m.data_shape) == [2] and m.status == models_pb2.MODEL_STATUS_SERVING]
            name = args.model or ("two_moons-realnvp" if "two_moons-realnvp" in points else next(iter(points), None))
            if name not in points:
                print(f"{name or 'no model'}: this example samples a 2-D model that is serving ({', '.join(points)})", file=sys.stderr)
                return 1
            print(f"{args.count} samples of {name} (seed {args.seed}), with log p(x) in nats:")
            request = models_pb2.SampleRequest(model=name, count=args.count, seed=args.seed, include_log_prob=True)
            for chunk in models.Sample(request, timeout=60):
                for point, log_prob in zip(rows(chunk.points), values(chunk.log_prob)):
                    print(f"  x = ({point[0]:+.4f}, {point[1]:+.4f})   log p = {log_prob:.4f}")

            # LogProb takes any points; the server checks their shape and finiteness (INVALID_ARGUMENT otherwise).
            origin = models.LogProb(models_pb2.LogProbRequest(model=name, points=tensor([0.0, 0.0], [1, 2])), timeout=30)
            print(f"log p at the origin: {values(origin.log_prob)[0]:.4f}")
        except grpc.RpcError as error:
            print(f"{error.code().name}: {error.details()}", file=sys.stderr)
            return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
