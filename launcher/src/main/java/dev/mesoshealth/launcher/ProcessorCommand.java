package dev.mesoshealth.launcher;

import dev.mesoshealth.processor.ProcessorConfig;
import dev.mesoshealth.processor.ProcessorMain;
import dev.mesoshealth.service.SharedConfig;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code mesos-health processor}: the Kafka Streams health application and its REST API. */
@Command(
    name = "processor",
    mixinStandardHelpOptions = true,
    description = {
      "Health, capacity and endpoint states from the events (Kafka Streams), over REST.",
      "Turns snapshots and inventory into health states, transitions, history, capacity trends",
      "and endpoint health, and answers queries over REST from its state stores. Run several",
      "with the same application id to share the work."
    })
final class ProcessorCommand implements Callable<Integer> {
  @Mixin ConfigOptions config;

  @Option(names = "--bootstrap-servers", paramLabel = "HOST:PORT", description = "Kafka brokers.")
  String bootstrapServers;

  @Option(
      names = "--application-id",
      description = "Kafka Streams application id (default mesos-health-processor).")
  String applicationId;

  @Option(names = "--api-port", description = "REST API port (default 8081).")
  Integer apiPort;

  @Option(
      names = "--poll-interval",
      converter = DurationConverter.class,
      description = "The collectors' poll interval (default 10s).")
  Duration pollInterval;

  @Option(names = "--state-dir", description = "Where state stores live.")
  String stateDir;

  @Override
  public Integer call() throws Exception {
    Map<String, String> flags = new LinkedHashMap<>();
    flags.put(SharedConfig.KAFKA_BOOTSTRAP_SERVERS, bootstrapServers);
    flags.put("application.id", applicationId);
    flags.put("api.port", apiPort == null ? null : apiPort.toString());
    flags.put(
        SharedConfig.POLL_INTERVAL, pollInterval == null ? null : pollInterval.toMillis() + "ms");
    flags.put("state.dir", stateDir);
    ProcessorMain running =
        ProcessorMain.start(
            ProcessorConfig.from(
                config.load(ProcessorConfig.DEFINITION, SharedConfig.PASS_THROUGH, flags)));
    return Services.runUntilStopped(running, "processor");
  }
}
