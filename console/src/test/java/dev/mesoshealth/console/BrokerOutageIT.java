package dev.mesoshealth.console;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.mesoshealth.events.MetricSnapshot;
import dev.mesoshealth.schemas.topics.Topics;
import dev.mesoshealth.sim.SimConfig;
import dev.mesoshealth.sim.cluster.FaultKind;
import dev.mesoshealth.sim.cluster.FaultSpec;
import dev.mesoshealth.sim.cluster.SimAgent;
import dev.mesoshealth.testkit.KafkaBrokerExtension;
import dev.mesoshealth.testkit.SimulatorExtension;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.openqa.selenium.By;

/**
 * The broker goes away for 15 s with the whole pipeline running and a browser watching: the
 * collector keeps polling and loses nothing (every poll is one record once the broker is back), the
 * processor resumes and evaluates every one of them, and the page says the view is not live while
 * Kafka is unreachable, then drops the banner and shows what happened meanwhile.
 */
class BrokerOutageIT {
  private static final int AGENTS = 12;
  private static final Duration OUTAGE = Duration.ofSeconds(15);

  @RegisterExtension static final KafkaBrokerExtension kafka = new KafkaBrokerExtension();

  @RegisterExtension
  static final SimulatorExtension cluster =
      new SimulatorExtension(SimConfig.forTests(3, AGENTS, 29).withCluster("outage"));

  @Test
  void fifteenSecondsWithoutABrokerLoseNothingAndThePageSaysSo() throws Exception {
    try (HeadlessChromium chromium = new HeadlessChromium();
        LivePipeline pipeline =
            new LivePipeline(kafka.bootstrapServers(), cluster.sim(), "outage")) {
      chromium.driver.get(pipeline.console.url());
      chromium
          .waitUpTo(60)
          .withMessage("a HEALTHY tile for every agent")
          .until(
              d ->
                  d.findElements(By.cssSelector("#grid-inner .tile[data-state='HEALTHY']")).size()
                      == AGENTS);
      assertThat(chromium.banner()).isNull();

      kafka.broker().stop();
      Instant stopped = Instant.now();
      long pollsAtStop = pipeline.collector.metrics().pollsTotal();
      chromium
          .waitUpTo(30)
          .withMessage("the page says Kafka is unreachable")
          .until(
              d -> chromium.banner() != null && chromium.banner().startsWith("Kafka unreachable"));
      System.out.println(
          "outage: banner after " + Duration.between(stopped, Instant.now()).toMillis() + " ms");
      // something happens while nobody can hear about it
      SimAgent victim = cluster.sim().cluster().agents().get(3);
      cluster
          .sim()
          .inject(new FaultSpec(FaultKind.DOWN, victim.id(), Duration.ofMinutes(10), Map.of()));
      await("the rest of the outage, the banner up and the collector polling all along")
          .pollInterval(Duration.ofMillis(500))
          .atMost(OUTAGE.plusSeconds(5))
          .until(
              () -> {
                assertThat(chromium.banner()).startsWith("Kafka unreachable");
                return Instant.now().isAfter(stopped.plus(OUTAGE));
              });
      assertThat(pipeline.collector.metrics().pollsTotal() - pollsAtStop)
          .as("polls made while the broker was down")
          .isGreaterThan(OUTAGE.toSeconds() * (AGENTS + 3) / 2);
      assertThat(chromium.tileState(victim.id()))
          .as("nothing new while Kafka is away")
          .isEqualTo("HEALTHY");

      kafka.broker().start();
      Instant restarted = Instant.now();
      chromium.waitUpTo(60).withMessage("the banner goes").until(d -> chromium.banner() == null);
      chromium
          .waitUpTo(90)
          .withMessage("the fault injected during the outage reaches the page")
          .until(d -> "UNREACHABLE".equals(chromium.tileState(victim.id())));
      System.out.println(
          "outage: the page caught up "
              + Duration.between(restarted, Instant.now()).toMillis()
              + " ms after the broker came back");

      pipeline.collector.stopPollingAndFlush();
      long polls = pipeline.collector.metrics().pollsTotal();
      List<ConsumerRecord<String, MetricSnapshot>> records =
          kafka.consumeUntil(
              Topics.METRIC_SNAPSHOTS,
              seen -> seen.size() >= polls,
              Duration.ofSeconds(60),
              polls + " snapshots, one per poll");
      assertThat(records)
          .as("every poll is one record: none lost, none doubled")
          .hasSize((int) polls);
      kafka.awaitCommitted(
          pipeline.applicationId, Topics.METRIC_SNAPSHOTS.name(), Duration.ofSeconds(90));
    }
  }
}
