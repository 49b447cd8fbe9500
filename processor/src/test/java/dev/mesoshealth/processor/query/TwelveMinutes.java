package dev.mesoshealth.processor.query;

import static dev.mesoshealth.processor.topology.TopologyHarness.t;

import dev.mesoshealth.events.AgentInventory;
import dev.mesoshealth.events.Outcome;
import dev.mesoshealth.events.TaskInventory;
import dev.mesoshealth.processor.topology.TopologyHarness;
import dev.mesoshealth.schemas.topics.Topics;
import dev.mesoshealth.service.HttpApi;
import dev.mesoshealth.testkit.SampleEvents;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.TestInputTopic;

/**
 * Twelve minutes of a small cluster through the real topology, for the tests that read what the
 * stores hold: a round of masters and agents and their inventory every 30 s, agent a3 failing from
 * the second round (UNREACHABLE), a4 failing once in the last (pending), each agent's used cpus
 * climbing a quarter of a cpu a round (a capacity forecast), and Marathon tasks web.1 on a1 (UP)
 * and web.2 on a3 (DOWN). The wall clock of the answers is {@code t(720)}.
 */
final class TwelveMinutes {
  static final List<String> AGENTS = List.of("a1", "a2", "a3", "a4");
  static final int ROUNDS = 24;

  private TwelveMinutes() {}

  static void feed(TopologyHarness topology) {
    TestInputTopic<String, TaskInventory> tasks =
        topology.driver.createInputTopic(
            Topics.TASK_INVENTORY.name(),
            new StringSerializer(),
            Topics.TASK_INVENTORY.valueSerde().serializer());
    for (int round = 0; round < ROUNDS; round++) {
      int s = 5 + 30 * round;
      topology.mastersRound(t(s));
      for (String id : AGENTS) {
        if ((id.equals("a3") && round >= 1) || (id.equals("a4") && round == ROUNDS - 1)) {
          topology.agentFailed(id, t(s), Outcome.UNREACHABLE, 100, 1);
        } else {
          topology.agent(id, t(s), TopologyHarness.healthyAgentMetrics());
        }
        AgentInventory a = SampleEvents.agentInventory(id);
        a.setCluster(TopologyHarness.CLUSTER);
        a.setUsed(SampleEvents.resources(1 + 0.25 * round, 4096, 1000));
        a.setObservedAt(t(s));
        topology.inventory.pipeInput(id, a, t(s));
      }
      for (String[] task : new String[][] {{"web.1", "a1"}, {"web.2", "a3"}}) {
        TaskInventory ti = SampleEvents.taskInventory(task[0], task[1]);
        ti.setCluster(TopologyHarness.CLUSTER);
        ti.setObservedAt(t(s));
        tasks.pipeInput(task[0], ti, t(s));
      }
    }
  }

  /** A GET through the routes, as the HTTP server would hand it over. */
  static HttpApi.Response get(HttpApi api, String pathAndQuery) {
    int q = pathAndQuery.indexOf('?');
    String path = q < 0 ? pathAndQuery : pathAndQuery.substring(0, q);
    Map<String, String> query = new LinkedHashMap<>();
    if (q >= 0) {
      for (String pair : pathAndQuery.substring(q + 1).split("&")) {
        int eq = pair.indexOf('=');
        query.put(pair.substring(0, eq), pair.substring(eq + 1));
      }
    }
    return api.dispatch("GET", path, query, Map.of(), new byte[0]);
  }
}
