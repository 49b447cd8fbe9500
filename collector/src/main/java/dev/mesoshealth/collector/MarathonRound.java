package dev.mesoshealth.collector;

import dev.mesoshealth.collector.core.InvalidResponseException;
import dev.mesoshealth.collector.core.InventoryTracker;
import dev.mesoshealth.collector.core.MarathonParser;
import dev.mesoshealth.collector.core.PollResult;
import dev.mesoshealth.collector.http.MesosClient;
import dev.mesoshealth.collector.publish.EventSink;
import dev.mesoshealth.events.TaskInventory;
import java.net.URI;
import java.time.Clock;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Marathon's tasks, from the first Marathon that answers (HA): one event per task, a tombstone for
 * a task gone since the last round.
 */
final class MarathonRound {
  private static final Logger log = LoggerFactory.getLogger(Collector.class);

  private final CollectorConfig config;
  private final MesosClient http;
  private final EventSink sink;
  private final Clock clock;
  private final CollectorMetrics metrics;
  private final Outages outages;
  private final InventoryTracker tasks = new InventoryTracker();

  MarathonRound(
      CollectorConfig config,
      MesosClient http,
      EventSink sink,
      Clock clock,
      CollectorMetrics metrics,
      Outages outages) {
    this.config = config;
    this.http = http;
    this.sink = sink;
    this.clock = clock;
    this.metrics = metrics;
    this.outages = outages;
  }

  /** One round; the tasks published. */
  CompletableFuture<Integer> run() {
    return fetch(0, clock.instant());
  }

  private CompletableFuture<Integer> fetch(int i, Instant observedAt) {
    List<URI> urls = config.mesos().marathon();
    if (i >= urls.size()) {
      metrics.inventoryFetches.labelValues("marathon", "failed").inc();
      outages.down("marathon", "no Marathon answered " + urls);
      return CompletableFuture.completedFuture(0);
    }
    URI url = urls.get(i).resolve("/v2/apps?embed=apps.tasks");
    return http.get(url, config.http().maxInventoryBytes())
        .thenCompose(
            r -> {
              if (!(r instanceof PollResult.Response resp) || resp.status() != 200) {
                return fetch(i + 1, observedAt);
              }
              MarathonParser.ParsedTasks parsed;
              try {
                parsed = MarathonParser.parse(resp.body(), config.cluster(), observedAt);
              } catch (InvalidResponseException e) {
                log.warn("{} is invalid: {}", url, e.getMessage());
                return fetch(i + 1, observedAt);
              }
              metrics.inventoryFetches.labelValues("marathon", "ok").inc();
              outages.up("marathon", "Marathon answers again");
              Set<String> ids = new HashSet<>();
              for (TaskInventory t : parsed.tasks()) {
                ids.add(t.getTaskId());
                sink.task(t.getTaskId(), t);
              }
              for (String gone : tasks.update(ids)) {
                sink.task(gone, null);
              }
              return CompletableFuture.completedFuture(parsed.tasks().size());
            });
  }
}
