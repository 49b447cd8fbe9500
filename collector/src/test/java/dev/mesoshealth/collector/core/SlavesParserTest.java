package dev.mesoshealth.collector.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mesoshealth.collector.Fixtures;
import dev.mesoshealth.events.AgentInventory;
import dev.mesoshealth.events.PortRange;
import dev.mesoshealth.testkit.InventoryContract;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class SlavesParserTest {
  private static final Instant NOW = Instant.parse("2026-11-25T12:00:00Z");

  @Test
  void readsEveryAgentOfARealResponse() throws Exception {
    SlavesParser.ParsedSlaves parsed =
        SlavesParser.parse(Fixtures.bytes("asgard-master-1.4.1-slaves.json"), "asgard", NOW);

    assertThat(parsed.skipped()).isEmpty();
    assertThat(parsed.agents()).hasSize(6);
    AgentInventory a = parsed.agents().get(0);
    assertThat(a.getAgentId()).isEqualTo("31fcae61-51a9-4ad1-8054-538503eb53a9-S6");
    assertThat(a.getHostname()).isEqualTo("10.168.200.95");
    assertThat(a.getAddress()).isEqualTo("10.168.200.95:5051");
    assertThat(a.getPid()).isEqualTo("slave(1)@10.168.200.95:5051");
    assertThat(a.getActive()).isTrue();
    assertThat(a.getVersion()).isEqualTo("1.4.1");
    assertThat(a.getTotal().getCpus()).isEqualTo(3.0);
    assertThat(a.getTotal().getMemMb()).isEqualTo(4000.0);
    assertThat(a.getTotal().getPorts()).containsExactly(new PortRange(31000L, 32000L));
    assertThat(a.getUsed().getCpus()).isEqualTo(1.3);
    assertThat(a.getUsed().getMemMb()).isEqualTo(1184.0);
    assertThat(a.getAttributes())
        .containsEntry("workload", "general")
        .containsEntry("owner", "sieve");
    assertThat(a.getCapabilities()).contains("MULTI_ROLE");
    assertThat(a.getRegisteredAt()).isEqualTo(Instant.ofEpochMilli(1523372895318L));
    assertThat(a.getCluster()).isEqualTo("asgard");
    assertThat(a.getObservedAt()).isEqualTo(NOW);
  }

  /**
   * What the processor's capacity tests consume ({@link InventoryContract}) is what this parser
   * makes of the real response. {@code -Dgolden.update=true} rewrites the file from the parser;
   * review the diff, it is the contract between collector and processor.
   */
  @Test
  void theRealResponseGivesTheInventoryTheProcessorIsTestedWith() throws Exception {
    List<AgentInventory> agents =
        SlavesParser.parse(
                Fixtures.bytes("asgard-master-1.4.1-slaves.json"),
                InventoryContract.CLUSTER,
                InventoryContract.OBSERVED_AT)
            .agents();
    if (Boolean.getBoolean("golden.update")) {
      Files.writeString(
          Path.of("../testkit/src/main/resources").resolve(InventoryContract.RESOURCE),
          InventoryContract.render(agents));
    }

    assertThat(agents)
        .as(
            "the parser's inventory of the asgard response differs from %s",
            InventoryContract.RESOURCE)
        .isEqualTo(InventoryContract.asgard(InventoryContract.OBSERVED_AT));
  }

  @Test
  void readsTheSimulatorsSlavesWithTheSameReader() throws Exception {
    try (var sim =
        dev.mesoshealth.sim.MesosSimulator.start(
            dev.mesoshealth.sim.SimConfig.forTests(1, 25, 4))) {
      var parsed = SlavesParser.parse(sim.cluster().renderSlaves(), "sim", NOW);

      assertThat(parsed.skipped()).isEmpty();
      assertThat(parsed.agents()).hasSize(25);
      for (AgentInventory a : parsed.agents()) {
        var agent = sim.cluster().agent(a.getAgentId()).orElseThrow();
        assertThat(a.getAddress()).isEqualTo(agent.ip() + ":" + agent.port());
        assertThat(a.getTotal().getCpus()).isPositive();
        assertThat(a.getUsed().getCpus()).isBetween(0.0, a.getTotal().getCpus());
        assertThat(a.getAttributes()).containsKeys("rack", "zone", "instance_type");
        assertThat(a.getZone()).isEqualTo(a.getAttributes().get("zone"));
      }
    }
  }

  @Test
  void readsDrainingFaultDomainAndReservations() throws Exception {
    String json =
        """
        {"slaves": [{
          "id": "S9", "hostname": "h9", "pid": "slave(1)@10.0.0.9:5051", "active": true,
          "deactivated": true, "drain_info": {"state": "DRAINING"},
          "resources": {"cpus": 8, "mem": 1024, "disk": 10, "gpus": 1, "ports": "[31000-31005, 32000-32000]"},
          "reserved_resources": {"eng/web": {"cpus": 2, "mem": 256}},
          "unreserved_resources": {"cpus": 6, "mem": 768},
          "attributes": {"rack": "r1", "cores": 8, "weight": 1.5},
          "domain": {"fault_domain": {"region": {"name": "eu"}, "zone": {"name": "eu-1a"}}}
        }], "recovered_slaves": []}
        """;

    AgentInventory a =
        SlavesParser.parse(json.getBytes(StandardCharsets.UTF_8), "c", NOW).agents().get(0);

    assertThat(a.getDeactivated()).isTrue();
    assertThat(a.getDrainState()).isEqualTo("DRAINING");
    assertThat(a.getRegion()).isEqualTo("eu");
    assertThat(a.getZone()).isEqualTo("eu-1a");
    assertThat(a.getReservedByRole().get("eng/web").getCpus()).isEqualTo(2.0);
    assertThat(a.getUnreserved().getCpus()).isEqualTo(6.0);
    assertThat(a.getTotal().getGpus()).isEqualTo(1.0);
    assertThat(a.getTotal().getPorts())
        .containsExactly(new PortRange(31000L, 31005L), new PortRange(32000L, 32000L));
    assertThat(a.getAttributes()).containsEntry("cores", "8").containsEntry("weight", "1.5");
  }

  @Test
  void agentsANewLeaderKnowsOnlyFromItsRegistryAreRecoveringNotGone() throws Exception {
    // as Mesos' readonly_handler writes recovered_slaves: SlaveInfo's id, hostname, port and
    // attributes; no pid, no resources
    String json =
        """
        {"slaves": [{"id": "S1", "hostname": "h1", "pid": "slave(1)@10.0.0.1:5051", "active": true}],
         "recovered_slaves": [
           {"id": "S2", "hostname": "h2", "port": 5052, "attributes": {"rack": "r2"}},
           {"hostname": "no-id"}
         ]}
        """;

    SlavesParser.ParsedSlaves parsed =
        SlavesParser.parse(json.getBytes(StandardCharsets.UTF_8), "c", NOW);

    assertThat(parsed.agents()).extracting(AgentInventory::getAgentId).containsExactly("S1");
    assertThat(parsed.agents().get(0).getRecovering()).isFalse();
    AgentInventory r = parsed.recovered().get(0);
    assertThat(parsed.recovered()).hasSize(1);
    assertThat(r.getAgentId()).isEqualTo("S2");
    assertThat(r.getRecovering()).isTrue();
    assertThat(r.getActive()).as("not heard from yet, not inactive").isTrue();
    assertThat(r.getAddress()).as("no pid: hostname and port").isEqualTo("h2:5052");
    assertThat(r.getAttributes()).containsEntry("rack", "r2");
    assertThat(r.getTotal().getCpus()).isZero();
    assertThat(parsed.skipped()).containsExactly("recovered entry 1 has no id");
  }

  @Test
  void entriesWithoutAnIdAreSkippedTheRestKept() throws Exception {
    String json =
        "{\"slaves\": [{\"hostname\": \"x\"}, {\"id\": \"S1\", \"hostname\": \"h\", \"port\": 5051}, 7]}";

    SlavesParser.ParsedSlaves parsed =
        SlavesParser.parse(json.getBytes(StandardCharsets.UTF_8), "c", NOW);

    assertThat(parsed.agents()).extracting(AgentInventory::getAgentId).containsExactly("S1");
    assertThat(parsed.agents().get(0).getAddress()).isEqualTo("h:5051");
    assertThat(parsed.skipped()).containsExactly("entry 0 has no id", "entry 2 has no id");
  }

  @Test
  void aBodyThatIsNotASlavesListIsInvalid() {
    assertThatThrownBy(
            () ->
                SlavesParser.parse(
                    "{\"frameworks\": []}".getBytes(StandardCharsets.UTF_8), "c", NOW))
        .hasMessage("no 'slaves' array in /master/slaves");
    assertThatThrownBy(() -> SlavesParser.parse("oops".getBytes(StandardCharsets.UTF_8), "c", NOW))
        .isInstanceOf(InvalidResponseException.class);
  }

  @Test
  void portRangesTolerateOddText() {
    assertThat(SlavesParser.ports("[1-2, x-y, 5-4, 7 - 9]"))
        .containsExactly(new PortRange(1L, 2L), new PortRange(7L, 9L));
    assertThat(SlavesParser.ports(null)).isEqualTo(List.of());
  }
}
