# hybrid-serve, cpu backend: serves the model repository mounted at /models over the Open
# Inference Protocol (REST :8000, gRPC :8001). docs/serve.md, "Deploying".
#
#   docker build -t hybrid-serve .
#   docker run -p 8000:8000 -p 8001:8001 -v $PWD/models:/models hybrid-serve
#
# For the cuda backend, build both stages FROM an nvidia/cuda cudnn-devel image with Node.js 20
# installed (the addon's build finds CUDA and cuDNN: docs/cuda.md) and drop HYBRIDRT_WITH_CUDA.

FROM node:20-bookworm AS build
RUN apt-get update && apt-get install -y --no-install-recommends cmake g++ make python3 && rm -rf /var/lib/apt/lists/*
WORKDIR /opt/hybridrt
# onnxruntime-node's own install script downloads CUDA provider files; hybridrt needs only its
# bundled CPU build. A failed addon build fails the image instead of falling back to onnxruntime.
# The addon is built here from source (not taken from a prebuilt platform package).
ENV ONNXRUNTIME_NODE_INSTALL=skip HYBRIDRT_REQUIRE_NATIVE=1 HYBRIDRT_BUILD_FROM_SOURCE=1 HYBRIDRT_WITH_CUDA=OFF
COPY package.json package-lock.json tsconfig.json CMakeLists.txt ./
COPY scripts/build-native.mjs scripts/platform.cjs scripts/
COPY native native
COPY src src
COPY converters converters
COPY bin bin
# npm ci builds the addon (install script) and the TypeScript (prepare); then drop dev dependencies.
RUN npm ci --foreground-scripts && npm prune --omit=dev

FROM node:20-bookworm-slim
WORKDIR /opt/hybridrt
COPY --from=build /opt/hybridrt/package.json ./
COPY --from=build /opt/hybridrt/scripts/platform.cjs scripts/platform.cjs
COPY --from=build /opt/hybridrt/bin bin
COPY --from=build /opt/hybridrt/dist dist
COPY --from=build /opt/hybridrt/build/Release build/Release
COPY --from=build /opt/hybridrt/node_modules node_modules
ENV NODE_ENV=production
EXPOSE 8000 8001
USER node
ENTRYPOINT ["node", "/opt/hybridrt/bin/hybrid-serve.js"]
CMD ["--model-repository", "/models", "--host", "0.0.0.0"]
