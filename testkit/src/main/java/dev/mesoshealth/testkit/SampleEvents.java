package dev.mesoshealth.testkit;

import dev.mesoshealth.events.AgentInventory;
import dev.mesoshealth.events.CapacityTrend;
import dev.mesoshealth.events.DeadLetter;
import dev.mesoshealth.events.EndpointHealth;
import dev.mesoshealth.events.EndpointStatus;
import dev.mesoshealth.events.GroupKind;
import dev.mesoshealth.events.HealthCheckResult;
import dev.mesoshealth.events.HealthReason;
import dev.mesoshealth.events.HealthState;
import dev.mesoshealth.events.HealthStatus;
import dev.mesoshealth.events.HealthTransition;
import dev.mesoshealth.events.MetricSnapshot;
import dev.mesoshealth.events.NodeRef;
import dev.mesoshealth.events.NodeRole;
import dev.mesoshealth.events.Outcome;
import dev.mesoshealth.events.PortRange;
import dev.mesoshealth.events.ResourceCapacity;
import dev.mesoshealth.events.Resources;
import dev.mesoshealth.events.ShapeFit;
import dev.mesoshealth.events.TaskInventory;
import dev.mesoshealth.events.Trend;
import dev.mesoshealth.events.TrendVerdict;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/** One realistic, fully populated record of each event type, for tests. */
public final class SampleEvents {
  public static final String CLUSTER = "prod";
  public static final Instant AT = Instant.parse("2026-11-25T12:00:00Z");

  private SampleEvents() {}

  public static NodeRef agentRef(String agentId) {
    return new NodeRef(CLUSTER, NodeRole.AGENT, agentId, "agent-" + agentId, "127.1.0.1:5051");
  }

  public static MetricSnapshot snapshot(String agentId) {
    return MetricSnapshot.newBuilder()
        .setNode(agentRef(agentId))
        .setPolledAt(AT)
        .setDurationMs(12)
        .setOutcome(Outcome.OK)
        .setHttpStatus(200)
        .setMesosVersion("1.4.1")
        .setMetrics(Map.of("mesos.slave.tasks_running", 4.0, "mesos.stats.registered", 1.0))
        .setRawMetrics(Map.of("gc/path_removals_succeeded", 2.0))
        .build();
  }

  public static Resources resources(double cpus, double memMb, double diskMb) {
    return Resources.newBuilder()
        .setCpus(cpus)
        .setMemMb(memMb)
        .setDiskMb(diskMb)
        .setGpus(0)
        .setPorts(List.of(new PortRange(31000L, 32000L)))
        .build();
  }

  public static AgentInventory agentInventory(String agentId) {
    return AgentInventory.newBuilder()
        .setCluster(CLUSTER)
        .setAgentId(agentId)
        .setHostname("agent-" + agentId)
        .setAddress("127.1.0.1:5051")
        .setPid("slave(1)@127.1.0.1:5051")
        .setActive(true)
        .setRegisteredAt(AT.minusSeconds(3600))
        .setVersion("1.4.1")
        .setAttributes(Map.of("rack", "r1", "zone", "z1"))
        .setZone("z1")
        .setTotal(resources(8, 32768, 100000))
        .setUsed(resources(2, 4096, 1000))
        .setOffered(resources(0, 0, 0))
        .setUnreserved(resources(8, 32768, 100000))
        .setReservedByRole(Map.of())
        .setCapabilities(List.of("MULTI_ROLE"))
        .setObservedAt(AT)
        .build();
  }

  public static TaskInventory taskInventory(String taskId, String agentId) {
    return TaskInventory.newBuilder()
        .setCluster(CLUSTER)
        .setTaskId(taskId)
        .setAppId("/web/frontend")
        .setAgentId(agentId)
        .setHost("agent-" + agentId)
        .setIpAddresses(List.of("127.1.0.1"))
        .setPorts(List.of(31001))
        .setServicePorts(List.of(10000))
        .setState("TASK_RUNNING")
        .setStartedAt(AT.minusSeconds(60))
        .setHasHealthChecks(true)
        .setHealthCheckResults(
            List.of(
                HealthCheckResult.newBuilder()
                    .setAlive(true)
                    .setLastSuccess("2026-11-25T11:59:50Z")
                    .build()))
        .setLabels(Map.of("HAPROXY_GROUP", "external"))
        .setObservedAt(AT)
        .build();
  }

  public static HealthReason reason() {
    return new HealthReason(
        "agent.unregistered",
        HealthStatus.UNHEALTHY,
        "mesos.stats.registered",
        0.0,
        1.0,
        "The agent is not registered with a master");
  }

  public static HealthState healthState(String agentId) {
    return HealthState.newBuilder()
        .setNode(agentRef(agentId))
        .setState(HealthStatus.UNHEALTHY)
        .setSince(AT)
        .setReasons(List.of(reason()))
        .setEvaluatedAt(AT)
        .setLastSnapshotAt(AT)
        .build();
  }

  public static HealthTransition transition(String agentId) {
    return HealthTransition.newBuilder()
        .setNode(agentRef(agentId))
        .setFrom(HealthStatus.HEALTHY)
        .setTo(HealthStatus.UNHEALTHY)
        .setAt(AT)
        .setReasons(List.of(reason()))
        .build();
  }

  public static CapacityTrend capacityTrend() {
    return CapacityTrend.newBuilder()
        .setGroupId(CLUSTER)
        .setCluster(CLUSTER)
        .setKind(GroupKind.CLUSTER)
        .setWindowStart(AT)
        .setWindowEnd(AT.plusSeconds(60))
        .setAgents(10)
        .setResources(
            List.of(
                ResourceCapacity.newBuilder()
                    .setResource("cpus")
                    .setTotal(80)
                    .setUsed(40)
                    .setFree(40)
                    .setUsedRatio(0.5)
                    .setTrends(
                        List.of(
                            Trend.newBuilder()
                                .setHorizon("PT1H")
                                .setSamples(60)
                                .setSlopePerHour(0.01)
                                .setR2(0.93)
                                .setVerdict(TrendVerdict.GROWING)
                                .setReach90At(AT.plusSeconds(40 * 3600))
                                .setReach100At(AT.plusSeconds(50 * 3600))
                                .build()))
                    .build()))
        .setShapes(List.of(new ShapeFit("small", 0.5, 512.0, 1024.0, 70L)))
        .setLargestFreeSlot(resources(6, 28000, 90000))
        .setFragmentationIndex(0.25)
        .build();
  }

  public static EndpointHealth endpointHealth(String taskId, String agentId) {
    return EndpointHealth.newBuilder()
        .setCluster(CLUSTER)
        .setAppId("/web/frontend")
        .setTaskId(taskId)
        .setBackend("web_frontend_10000")
        .setHost("agent-" + agentId)
        .setIp("127.1.0.1")
        .setPort(31001)
        .setPorts(List.of(31001))
        .setServicePorts(List.of(10000))
        .setAgentId(agentId)
        .setTaskState("TASK_RUNNING")
        .setTaskHealthy(true)
        .setAgentState(HealthStatus.HEALTHY)
        .setStatus(EndpointStatus.UP)
        .setEvaluatedAt(AT)
        .build();
  }

  public static DeadLetter deadLetter() {
    return DeadLetter.newBuilder()
        .setTopic("mesos.metrics.snapshots")
        .setPartition(3)
        .setOffset(42)
        .setTimestamp(AT)
        .setKey(ByteBuffer.wrap(new byte[] {'k'}))
        .setValue(ByteBuffer.wrap(new byte[] {1, 2, 3}))
        .setError("not Avro single-object encoding")
        .setStage("processor")
        .setFailedAt(AT)
        .build();
  }
}
