package dev.armory.inference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.DescriptorProtos.FileDescriptorProto;
import dev.armory.proto.inference.v1.InferenceGrpc;
import io.grpc.ManagedChannel;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.health.v1.HealthGrpc;
import io.grpc.reflection.v1.ServerReflectionGrpc;
import io.grpc.reflection.v1.ServerReflectionRequest;
import io.grpc.reflection.v1.ServerReflectionResponse;
import io.grpc.reflection.v1.ServiceResponse;
import io.grpc.stub.StreamObserver;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** grpc.health.v1 and server reflection answer, so generic clients work without our .proto. */
class HealthAndReflectionTest {
  @TempDir static Path dir;
  static InferenceServer server;
  static ManagedChannel channel;

  @BeforeAll
  static void start() throws Exception {
    server = InferenceServer.start(TinyServing.create(dir).properties());
    channel = TinyServing.channel(server);
  }

  @AfterAll
  static void stop() throws Exception {
    TinyServing.close(channel);
    if (server != null) {
      server.close();
    }
  }

  @Test
  void healthReportsServingForTheServerAndTheInferenceService() {
    var health = HealthGrpc.newBlockingStub(channel).withDeadlineAfter(30, TimeUnit.SECONDS);
    assertEquals(
        ServingStatus.SERVING,
        health.check(HealthCheckRequest.newBuilder().setService("").build()).getStatus());
    assertEquals(
        ServingStatus.SERVING,
        health
            .check(HealthCheckRequest.newBuilder().setService(InferenceGrpc.SERVICE_NAME).build())
            .getStatus());
  }

  @Test
  void reflectionListsTheServicesAndDescribesTheInferenceApi() throws Exception {
    ServerReflectionResponse list =
        reflect(ServerReflectionRequest.newBuilder().setListServices("*").build());
    Set<String> services =
        list.getListServicesResponse().getServiceList().stream()
            .map(ServiceResponse::getName)
            .collect(Collectors.toSet());
    assertTrue(services.contains("armory.inference.v1.Inference"), services.toString());
    assertTrue(services.contains("grpc.health.v1.Health"), services.toString());

    ServerReflectionResponse file =
        reflect(
            ServerReflectionRequest.newBuilder()
                .setFileContainingSymbol("armory.inference.v1.Inference")
                .build());
    List<String> methods = new ArrayList<>();
    String fileName = null;
    for (var bytes : file.getFileDescriptorResponse().getFileDescriptorProtoList()) {
      FileDescriptorProto proto = FileDescriptorProto.parseFrom(bytes);
      if (proto.getPackage().equals("armory.inference.v1")) {
        fileName = proto.getName();
        proto.getService(0).getMethodList().forEach(m -> methods.add(m.getName()));
      }
    }
    assertEquals("armory/inference/v1/inference.proto", fileName);
    assertEquals(
        List.of(
            "Generate",
            "GenerateStream",
            "ListAdapters",
            "LoadAdapter",
            "UnloadAdapter",
            "ListModels"),
        methods);
  }

  private static ServerReflectionResponse reflect(ServerReflectionRequest request)
      throws Exception {
    CompletableFuture<ServerReflectionResponse> answer = new CompletableFuture<>();
    StreamObserver<ServerReflectionRequest> requests =
        ServerReflectionGrpc.newStub(channel)
            .withDeadlineAfter(30, TimeUnit.SECONDS)
            .serverReflectionInfo(
                new StreamObserver<>() {
                  @Override
                  public void onNext(ServerReflectionResponse value) {
                    answer.complete(value);
                  }

                  @Override
                  public void onError(Throwable t) {
                    answer.completeExceptionally(t);
                  }

                  @Override
                  public void onCompleted() {}
                });
    requests.onNext(request);
    requests.onCompleted();
    return answer.get(30, TimeUnit.SECONDS);
  }
}
