package dev.armory.platform.kafka;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;
import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.utils.Time;
import org.apache.kafka.metadata.storage.Formatter;
import org.apache.kafka.server.common.MetadataVersion;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real Apache Kafka broker in this JVM: one KRaft node acting as broker and controller, data in a
 * local folder (kept across restarts), listening on 127.0.0.1. Used by {@code armory up} and by
 * tests.
 */
public final class EmbeddedKafka implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(EmbeddedKafka.class);
  private static final String CONTROLLER = "CONTROLLER";
  private static final int NODE_ID = 1;

  private final KafkaRaftServer server;
  private final Path dataDir;
  private final int port;
  private boolean closed;

  private EmbeddedKafka(KafkaRaftServer server, Path dataDir, int port) {
    this.server = server;
    this.dataDir = dataDir;
    this.port = port;
  }

  /** Starts a broker on a random free port with data under dataDir. */
  public static EmbeddedKafka start(Path dataDir) {
    return start(dataDir, 0, Map.of());
  }

  /**
   * Starts a broker.
   *
   * @param dataDir where the log and metadata live (formatted on first use, reused afterwards)
   * @param port client port on 127.0.0.1; 0 picks a free one
   * @param overrides extra broker properties (server.properties names)
   */
  public static EmbeddedKafka start(Path dataDir, int port, Map<String, String> overrides) {
    Path logDir = dataDir.toAbsolutePath().normalize().resolve("kraft");
    try {
      Files.createDirectories(logDir);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create Kafka data folder " + logDir, e);
    }
    // Random ports can be taken between probing and binding; try fresh ones a few times.
    int attempts = port == 0 ? 3 : 1;
    RuntimeException last = null;
    for (int i = 0; i < attempts; i++) {
      int clientPort = port == 0 ? freePort() : port;
      int controllerPort = freePort();
      Properties props = brokerProperties(logDir, clientPort, controllerPort, overrides);
      KafkaConfig config = KafkaConfig.fromProps(props, false);
      format(config, logDir);
      KafkaRaftServer server = new KafkaRaftServer(config, Time.SYSTEM);
      try {
        server.startup();
        EmbeddedKafka kafka = new EmbeddedKafka(server, logDir.getParent(), clientPort);
        LOG.info("embedded Kafka broker listening on {}", kafka.bootstrapServers());
        return kafka;
      } catch (RuntimeException e) {
        last = e;
        LOG.warn("embedded Kafka failed to start on port {}: {}", clientPort, e.toString());
        try {
          server.shutdown();
          server.awaitShutdown();
        } catch (RuntimeException ignored) {
          // the start failure is what matters
        }
      }
    }
    throw new IllegalStateException(
        "could not start the embedded Kafka broker with data in "
            + logDir
            + (port == 0 ? "" : " on port " + port + " (is it in use? try another --kafka-port)"),
        last);
  }

  static Properties brokerProperties(
      Path logDir, int clientPort, int controllerPort, Map<String, String> overrides) {
    Map<String, String> p = new LinkedHashMap<>();
    p.put("process.roles", "broker,controller");
    p.put("node.id", Integer.toString(NODE_ID));
    p.put("controller.quorum.voters", NODE_ID + "@127.0.0.1:" + controllerPort);
    p.put(
        "listeners",
        "PLAINTEXT://127.0.0.1:"
            + clientPort
            + ","
            + CONTROLLER
            + "://127.0.0.1:"
            + controllerPort);
    p.put("advertised.listeners", "PLAINTEXT://127.0.0.1:" + clientPort);
    p.put("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT," + CONTROLLER + ":PLAINTEXT");
    p.put("controller.listener.names", CONTROLLER);
    p.put("inter.broker.listener.name", "PLAINTEXT");
    p.put("log.dirs", logDir.toString());
    p.put("metadata.log.dir", logDir.toString());
    // One node: every internal topic has one replica, and few partitions keep start-up fast.
    p.put("offsets.topic.replication.factor", "1");
    p.put("offsets.topic.num.partitions", "1");
    p.put("transaction.state.log.replication.factor", "1");
    p.put("transaction.state.log.min.isr", "1");
    p.put("transaction.state.log.num.partitions", "1");
    p.put("share.coordinator.state.topic.replication.factor", "1");
    p.put("share.coordinator.state.topic.min.isr", "1");
    p.put("min.insync.replicas", "1");
    p.put("default.replication.factor", "1");
    p.put("num.partitions", "1");
    p.put("auto.create.topics.enable", "true");
    // A lone consumer should not wait 3 s for others to join its group.
    p.put("group.initial.rebalance.delay.ms", "0");
    p.put("num.network.threads", "2");
    p.put("num.io.threads", "2");
    p.putAll(overrides);
    Properties props = new Properties();
    props.putAll(p);
    return props;
  }

  private static void format(KafkaConfig config, Path logDir) {
    if (Files.exists(logDir.resolve("meta.properties"))) {
      return;
    }
    try {
      new Formatter()
          .setPrintStream(new PrintStream(OutputStream.nullOutputStream()))
          .setNodeId(NODE_ID)
          .setClusterId(Uuid.randomUuid().toString())
          .setControllerListenerName(CONTROLLER)
          .setMetadataLogDirectory(logDir.toString())
          .addDirectory(logDir.toString())
          .setReleaseVersion(MetadataVersion.LATEST_PRODUCTION)
          .setIgnoreFormatted(true)
          .run();
    } catch (Exception e) {
      throw new IllegalStateException(
          "could not format Kafka storage in " + logDir + ": " + e.getMessage(), e);
    }
  }

  private static int freePort() {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      s.setReuseAddress(true);
      return s.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException("no free port on 127.0.0.1", e);
    }
  }

  /** host:port clients connect to. */
  public String bootstrapServers() {
    return "127.0.0.1:" + port;
  }

  public int port() {
    return port;
  }

  /** Folder holding the broker's data. */
  public Path dataDir() {
    return dataDir;
  }

  /** Creates topics that do not exist yet (one replica each). */
  public void createTopics(Collection<String> topics, int partitions) {
    Properties p = new Properties();
    p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers());
    try (Admin admin = Admin.create(p)) {
      TopicSetup.ensureTopics(admin, topics, partitions, (short) 1);
    }
  }

  /** Shuts the broker down and waits for it; the data folder stays. */
  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    server.shutdown();
    server.awaitShutdown();
    LOG.info("embedded Kafka broker on port {} stopped", port);
  }
}
