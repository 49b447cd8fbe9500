package dev.mesoshealth.console;

import dev.mesoshealth.broker.EmbeddedKafkaBroker;
import dev.mesoshealth.collector.CollectorConfig;
import dev.mesoshealth.collector.CollectorMain;
import dev.mesoshealth.processor.ProcessorConfig;
import dev.mesoshealth.processor.ProcessorMain;
import dev.mesoshealth.service.SharedConfig;
import dev.mesoshealth.sim.MesosSimulator;
import dev.mesoshealth.sim.PipelineFlags;
import dev.mesoshealth.testkit.TempDirs;
import java.io.IOException;
import java.util.HashMap;
import java.util.Map;

/**
 * The services behind a console, each started from its flags as the command line would: a collector
 * polling the simulator every second, a processor, and a console on a fixed port (so a restarted
 * one is found by the same page).
 */
final class LivePipeline implements AutoCloseable {
  /** The processor's API wants it; the console's detail views work only if it sends it. */
  static final String PROCESSOR_TOKEN = "console-it-token";

  final String bootstrapServers;
  final String applicationId;
  final CollectorMain collector;
  final ProcessorMain processor;
  private final int consolePort = EmbeddedKafkaBroker.freePort();
  ConsoleMain console;

  LivePipeline(String bootstrapServers, MesosSimulator sim, String clusterName) throws IOException {
    this.bootstrapServers = bootstrapServers;
    this.applicationId = clusterName + "-console-it";
    collector =
        CollectorMain.start(
            CollectorConfig.fromFlags(
                PipelineFlags.collector(
                    clusterName, sim, bootstrapServers, PipelineFlags.Pace.TESTS, 3)));
    Map<String, String> p =
        PipelineFlags.processor(
            applicationId,
            bootstrapServers,
            PipelineFlags.Pace.TESTS,
            3,
            TempDirs.create("console-it-"));
    p.put("api.token", PROCESSOR_TOKEN);
    p.put("capacity.grace", "1s");
    processor = ProcessorMain.start(ProcessorConfig.fromFlags(p));
    console = startConsole();
  }

  private ConsoleMain startConsole() {
    Map<String, String> flags = new HashMap<>();
    flags.put(SharedConfig.KAFKA_BOOTSTRAP_SERVERS, bootstrapServers);
    flags.put("http.port", Integer.toString(consolePort));
    flags.put("processor.url", processor.apiUrl());
    flags.put("processor.token", PROCESSOR_TOKEN);
    flags.put("live.batch.interval", "200ms");
    return ConsoleMain.start(ConsoleConfig.fromFlags(flags));
  }

  void stopConsole() {
    console.close();
  }

  void startConsoleAgain() {
    console = startConsole();
  }

  @Override
  public void close() {
    for (AutoCloseable c : new AutoCloseable[] {console, collector, processor}) {
      try {
        c.close();
      } catch (Exception e) {
        // already closed by the test
      }
    }
  }
}
