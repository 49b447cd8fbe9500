package dev.mesoshealth.processor.topology;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mesoshealth.events.CollectorRef;
import dev.mesoshealth.events.EndpointHealth;
import dev.mesoshealth.events.EndpointStatus;
import dev.mesoshealth.events.HealthCheckResult;
import dev.mesoshealth.events.MetricSnapshot;
import dev.mesoshealth.events.NodeRef;
import dev.mesoshealth.events.NodeRole;
import dev.mesoshealth.events.Outcome;
import dev.mesoshealth.events.TaskInventory;
import dev.mesoshealth.schemas.topics.Topics;
import dev.mesoshealth.testkit.SampleEvents;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Endpoints follow their task and their agent's health. */
class EndpointTopologyTest {
  private static final Instant T0 = Instant.parse("2026-11-25T12:00:00Z");
  private static final String KEY = "/web/frontend|web.1";

  private final TopologyTestDriver driver;
  private final TestInputTopic<String, MetricSnapshot> snapshots;
  private final TestInputTopic<String, TaskInventory> tasks;
  private final TestOutputTopic<String, EndpointHealth> endpoints;

  EndpointTopologyTest() {
    Properties props = new Properties();
    props.put(StreamsConfig.APPLICATION_ID_CONFIG, "endpoint-test");
    // a state directory of its own: test JVMs running side by side must not share one
    props.put(StreamsConfig.STATE_DIR_CONFIG, TestStateDirs.create().toString());
    props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
    driver =
        new TopologyTestDriver(
            HealthTopology.build(HealthTopology.Settings.defaults(), TopologyMetrics.NONE),
            props,
            T0);
    snapshots =
        driver.createInputTopic(
            Topics.METRIC_SNAPSHOTS.name(),
            new StringSerializer(),
            Topics.METRIC_SNAPSHOTS.valueSerde().serializer());
    tasks =
        driver.createInputTopic(
            Topics.TASK_INVENTORY.name(),
            new StringSerializer(),
            Topics.TASK_INVENTORY.valueSerde().serializer());
    endpoints =
        driver.createOutputTopic(
            Topics.ENDPOINT_HEALTH.name(),
            new StringDeserializer(),
            Topics.ENDPOINT_HEALTH.valueSerde().deserializer());
  }

  @AfterEach
  void close() {
    driver.close();
  }

  private void agent(int second, Map<String, Double> metrics, Outcome outcome) {
    Instant at = T0.plusSeconds(second);
    MetricSnapshot s =
        MetricSnapshot.newBuilder()
            .setNode(new NodeRef("prod", NodeRole.AGENT, "S1", "agent-S1", "10.0.0.7:5051"))
            .setPolledAt(at)
            .setDurationMs(3)
            .setOutcome(outcome)
            .setMetrics(metrics)
            .setCollector(new CollectorRef("c", "0/1", 50, 0, 0))
            .build();
    snapshots.pipeInput("S1", s, at);
  }

  private void healthyAgent(int second) {
    agent(second, Map.of("mesos.stats.registered", 1.0), Outcome.OK);
  }

  private void task(int second, String state, List<HealthCheckResult> results) {
    TaskInventory t = SampleEvents.taskInventory("web.1", "S1");
    t.setState(state);
    t.setHealthCheckResults(results);
    t.setObservedAt(T0.plusSeconds(second));
    tasks.pipeInput("web.1", t, T0.plusSeconds(second));
  }

  private static List<HealthCheckResult> alive(boolean alive) {
    return List.of(
        HealthCheckResult.newBuilder()
            .setAlive(alive)
            .setLastFailureCause(alive ? null : "ConnectException: Connection refused")
            .build());
  }

  private EndpointHealth last() {
    List<KeyValue<String, EndpointHealth>> out = endpoints.readKeyValuesToList();
    assertThat(out).isNotEmpty();
    KeyValue<String, EndpointHealth> kv = out.get(out.size() - 1);
    assertThat(kv.key).isEqualTo(KEY);
    return kv.value;
  }

  @Test
  void aRunningHealthyTaskOnAHealthyAgentIsUp() {
    healthyAgent(0);
    task(1, "TASK_RUNNING", alive(true));

    EndpointHealth e = last();
    assertThat(e.getStatus()).isEqualTo(EndpointStatus.UP);
    assertThat(e.getBackend()).isEqualTo("web_frontend_10000");
    assertThat(e.getIp()).as("traffic goes to the agent's address").isEqualTo("10.0.0.7");
    assertThat(e.getPort()).isEqualTo(31001);
    assertThat(e.getTaskHealthy()).isTrue();
    assertThat(e.getAgentState().name()).isEqualTo("HEALTHY");
  }

  @Test
  void anUnhealthyAgentDrainsItsEndpointsAndTheyComeBack() {
    healthyAgent(0);
    task(1, "TASK_RUNNING", alive(true));
    endpoints.readRecordsToList();

    agent(10, Map.of("mesos.stats.registered", 0.0), Outcome.OK);
    agent(20, Map.of("mesos.stats.registered", 0.0), Outcome.OK);
    EndpointHealth drained = last();
    assertThat(drained.getStatus()).isEqualTo(EndpointStatus.DRAIN);
    assertThat(drained.getReasons()).contains("agent is UNHEALTHY");

    for (int s = 30; s <= 50; s += 10) {
      healthyAgent(s);
    }
    assertThat(last().getStatus()).isEqualTo(EndpointStatus.UP);
  }

  @Test
  void anUnreachableAgentTakesItsEndpointsDown() {
    healthyAgent(0);
    task(1, "TASK_RUNNING", alive(true));
    agent(10, Map.of(), Outcome.UNREACHABLE);
    agent(20, Map.of(), Outcome.UNREACHABLE);

    assertThat(last().getStatus()).isEqualTo(EndpointStatus.DOWN);
  }

  @Test
  void failingHealthChecksDrain() {
    healthyAgent(0);
    task(1, "TASK_RUNNING", alive(true));
    task(31, "TASK_RUNNING", alive(false));

    EndpointHealth e = last();
    assertThat(e.getStatus()).isEqualTo(EndpointStatus.DRAIN);
    assertThat(e.getReasons())
        .contains("health check failing: ConnectException: Connection refused");
  }

  @Test
  void aMarathonFailoverThatBlanksResultsKeepsTheLastKnownResultForAWhile() {
    healthyAgent(0);
    task(1, "TASK_RUNNING", alive(true));
    endpoints.readRecordsToList();

    task(31, "TASK_RUNNING", List.of());
    EndpointHealth kept = last();
    assertThat(kept.getStatus()).isEqualTo(EndpointStatus.UP);
    assertThat(kept.getReasons().get(0)).startsWith("no health-check results (Marathon failover?)");

    task(1 + 5 * 60 + 1, "TASK_RUNNING", List.of());
    EndpointHealth expired = last();
    assertThat(expired.getStatus()).isEqualTo(EndpointStatus.DRAIN);
    assertThat(expired.getReasons()).contains("health checks have not passed yet");
  }

  @Test
  void lostTasksDrainAndEndedTasksAreRemoved() {
    healthyAgent(0);
    task(1, "TASK_RUNNING", alive(true));
    task(31, "TASK_LOST", List.of());
    assertThat(last().getStatus()).isEqualTo(EndpointStatus.DRAIN);

    task(61, "TASK_KILLED", List.of());
    List<KeyValue<String, EndpointHealth>> out = endpoints.readKeyValuesToList();
    assertThat(out)
        .singleElement()
        .satisfies(
            kv -> {
              assertThat(kv.key).isEqualTo(KEY);
              assertThat(kv.value).as("tombstone").isNull();
            });
  }

  @Test
  void aTaskGoneFromMarathonIsATombstone() {
    healthyAgent(0);
    task(1, "TASK_RUNNING", alive(true));
    endpoints.readRecordsToList();

    tasks.pipeInput("web.1", null, T0.plusSeconds(40));

    assertThat(endpoints.readKeyValuesToList())
        .singleElement()
        .satisfies(kv -> assertThat(kv.value).isNull());
  }

  @Test
  void aTaskOnAnAgentNotYetEvaluatedWaits() {
    task(1, "TASK_RUNNING", alive(true));

    EndpointHealth e = last();
    assertThat(e.getStatus()).isEqualTo(EndpointStatus.DRAIN);
    assertThat(e.getReasons()).contains("agent is UNKNOWN");
    healthyAgent(5);
    assertThat(last().getStatus()).isEqualTo(EndpointStatus.UP);
  }
}
