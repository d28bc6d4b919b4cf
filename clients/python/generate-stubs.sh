#!/usr/bin/env bash
# Generates the Python stubs of FlowLive's contract (protos/flowlive/v1) into OUT, with Debian's protoc and gRPC plugin
# (apt-get install python3-grpcio python3-protobuf protobuf-compiler protobuf-compiler-grpc libprotobuf-dev), plus
# the standard health and reflection services' stubs when grpc-proto is installed. Then:
#   PYTHONPATH=OUT /usr/bin/python3 clients/python/flowlive_client.py 127.0.0.1:50051
#
# usage: clients/python/generate-stubs.sh OUT
set -euo pipefail

if [ $# -ne 1 ] || [ "${1#-}" != "$1" ]; then
    echo "usage: $0 OUT   (the folder to write the stubs to; put it on PYTHONPATH)" >&2
    exit 2
fi
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
PLUGIN="$(command -v grpc_python_plugin || true)"   # Debian's name for what pip's grpcio-tools calls protoc-gen-grpc_python
GRPC_PROTOS=/usr/share/grpc-proto                   # Debian's grpc-proto: grpc/health/v1, grpc/reflection/v1alpha, ...

if ! command -v protoc >/dev/null 2>&1 || [ -z "$PLUGIN" ]; then
    echo "$0: protoc or grpc_python_plugin is missing (sudo apt-get install -y protobuf-compiler protobuf-compiler-grpc)" >&2
    exit 1
fi
if [ ! -f /usr/include/google/protobuf/timestamp.proto ]; then
    echo "$0: google/protobuf/timestamp.proto is missing (sudo apt-get install -y libprotobuf-dev)" >&2
    exit 1
fi
mkdir -p "$1"
OUT="$(cd "$1" && pwd)"   # absolute: protoc runs from protos/

# The contract. google/protobuf/timestamp.proto comes from /usr/include (libprotobuf-dev); its Python module is in
# python3-protobuf, so it needs no stub of its own.
(cd "$ROOT/protos" && find flowlive -name '*.proto' -print0 | sort -z | xargs -0 \
    protoc -I . -I /usr/include --python_out="$OUT" --plugin=protoc-gen-grpc_python="$PLUGIN" --grpc_python_out="$OUT")

# Health and reflection, rooted at grpc/ so they import as health.v1 and reflection.v1alpha: a top-level "grpc"
# folder of stubs would be shadowed by the grpc package itself.
if [ -d "$GRPC_PROTOS/grpc/health/v1" ]; then
    protoc -I "$GRPC_PROTOS/grpc" --python_out="$OUT" --plugin=protoc-gen-grpc_python="$PLUGIN" --grpc_python_out="$OUT" \
        health/v1/health.proto reflection/v1alpha/reflection.proto reflection/v1/reflection.proto
fi
