package dev.mesoshealth.launcher;

import dev.mesoshealth.console.ConsoleConfig;
import dev.mesoshealth.console.ConsoleMain;
import dev.mesoshealth.service.SharedConfig;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code mesos-health console}: the live web console. */
@Command(
    name = "console",
    mixinStandardHelpOptions = true,
    description = {
      "A live web console of cluster health, capacity and endpoints.",
      "Reads the output topics (the compacted ones from the beginning, then follows) and serves",
      "one page that updates itself through server-sent events; node history comes from the",
      "processor's REST API."
    })
final class ConsoleCommand implements Callable<Integer> {
  @Mixin ConfigOptions config;

  @Option(names = "--bootstrap-servers", paramLabel = "HOST:PORT", description = "Kafka brokers.")
  String bootstrapServers;

  @Option(names = "--port", description = "Web port (default 8080).")
  Integer port;

  @Option(
      names = "--processor-url",
      paramLabel = "URL",
      description = "The processor's REST API (default http://127.0.0.1:8081).")
  String processorUrl;

  @Override
  public Integer call() throws Exception {
    Map<String, String> flags = new LinkedHashMap<>();
    flags.put(SharedConfig.KAFKA_BOOTSTRAP_SERVERS, bootstrapServers);
    flags.put("http.port", port == null ? null : port.toString());
    flags.put("processor.url", processorUrl);
    ConsoleMain running =
        ConsoleMain.start(
            ConsoleConfig.from(
                config.load(ConsoleConfig.DEFINITION, SharedConfig.PASS_THROUGH, flags)));
    System.out.println("mesos-health console: " + running.url() + "/");
    return Services.runUntilStopped(running, "console");
  }
}
