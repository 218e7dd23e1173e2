# The GPU training image the operator's Jobs run: the armory CLI built against ONNX Runtime's CUDA
# build (profile onnxruntime_gpu) on NVIDIA's CUDA 12 + cuDNN 9 runtime, which ONNX Runtime 1.29's
# CUDA execution provider needs. Pods run `armory train-worker --run-id <id>` with
# ARMORY_EXECUTION_PROVIDER=cuda. Build from the repository root:
#   docker build -f k8s/images/trainer-cuda.Dockerfile -t armory/armory-trainer-cuda:0.1.0 .
FROM maven:3.9-eclipse-temurin-17 AS build
WORKDIR /src
COPY . .
RUN mvn -q -B package -DskipTests -Ponnxruntime_gpu -pl services/cli -am

FROM nvidia/cuda:12.8.1-cudnn-runtime-ubuntu24.04
RUN apt-get update \
 && apt-get install -y --no-install-recommends openjdk-17-jre-headless \
 && rm -rf /var/lib/apt/lists/* \
 && useradd --uid 10001 --no-create-home --shell /usr/sbin/nologin armory
COPY --from=build /src/services/cli/target/armory.jar /opt/armory/armory.jar
COPY --from=build /src/services/cli/target/lib /opt/armory/lib
RUN printf '#!/bin/sh\nexec java $JAVA_OPTS -jar /opt/armory/armory.jar "$@"\n' > /usr/local/bin/armory \
 && chmod 0755 /usr/local/bin/armory
USER 10001
ENTRYPOINT ["armory"]
