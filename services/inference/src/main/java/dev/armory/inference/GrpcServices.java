package dev.armory.inference;

import io.grpc.BindableService;
import io.grpc.protobuf.services.ProtoReflectionService;
import io.grpc.protobuf.services.ProtoReflectionServiceV1;
import io.micronaut.context.annotation.Factory;
import jakarta.inject.Named;
import jakarta.inject.Singleton;

/**
 * Server reflection, so grpcurl, Postman and other generic clients work without Armory's .proto
 * files: the v1 service and the older v1alpha one that many tools still ask for. (The health
 * service comes from micronaut-grpc, which registers grpc.health.v1 when grpc-services is present.)
 */
@Factory
final class GrpcServices {
  @Singleton
  @Named("reflection-v1")
  BindableService reflectionV1() {
    return ProtoReflectionServiceV1.newInstance();
  }

  @Singleton
  @Named("reflection-v1alpha")
  @SuppressWarnings("deprecation") // v1alpha: still what several clients request first
  BindableService reflectionV1Alpha() {
    return ProtoReflectionService.newInstance();
  }
}
