package dev.mesoshealth.console;

import dev.mesoshealth.console.feed.TopicFeed;
import dev.mesoshealth.console.model.ConsoleModel;
import dev.mesoshealth.console.web.ConsoleApi;
import dev.mesoshealth.console.web.EventStream;
import dev.mesoshealth.service.AdminServer;
import io.prometheus.metrics.instrumentation.jvm.JvmMetrics;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.time.Clock;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The console service: reads the output topics into its model, serves the page, the live event
 * stream and its JSON, plus /metrics and /health on the same port.
 */
public final class ConsoleMain implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(ConsoleMain.class);

  private final TopicFeed feed;
  private final EventStream events;
  private final AdminServer server;

  private ConsoleMain(TopicFeed feed, EventStream events, AdminServer server) {
    this.feed = feed;
    this.events = events;
    this.server = server;
  }

  public static ConsoleMain start(ConsoleConfig config) {
    PrometheusRegistry registry = new PrometheusRegistry();
    JvmMetrics.builder().register(registry);
    Object lock = new Object();
    ConsoleModel model =
        new ConsoleModel(
            config.keepTransitions(),
            (int) config.capacityHistory().toMinutes()); // a point a minute
    TopicFeed feed =
        new TopicFeed(
            config.kafka().properties(),
            model,
            lock,
            config.keepTransitions(),
            config.capacityHistory(),
            registry,
            Clock.systemUTC());
    EventStream events =
        new EventStream(
            model,
            lock,
            feed::kafkaReachable,
            feed::lastHeardFromKafka,
            feed::caughtUp,
            config.maxViewers(),
            config.batchInterval(),
            registry);
    AdminServer server;
    try {
      server =
          AdminServer.start(
              config.httpHost(),
              config.httpPort(),
              new ConsoleApi(model, lock, config.processorUrl(), config.processorToken()).routes(),
              config.auth(),
              Map.of("/events", events),
              feed::caughtUp,
              registry,
              4);
    } catch (RuntimeException e) {
      events.close();
      feed.close();
      throw e;
    }
    feed.start();
    log.info(
        "console at {} (auth {}), reading {}; history from {}",
        server.url(),
        config.auth(),
        config.kafka().bootstrapServers(),
        config.processorUrl());
    return new ConsoleMain(feed, events, server);
  }

  public String url() {
    return server.url();
  }

  @Override
  public void close() {
    server.close();
    events.close();
    feed.close();
  }
}
