package dev.mesoshealth.sim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.mesoshealth.sim.cluster.FaultKind;
import dev.mesoshealth.sim.cluster.FaultRecord;
import dev.mesoshealth.sim.cluster.FaultSpec;
import java.io.IOException;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * With one shared socket for every agent, each agent still answers at the address its pid in
 * /master/slaves advertises, with its own metrics, and an agent taken down stops answering while
 * the others go on.
 */
class SharedAgentSocketTest {
  @Test
  void everyAgentAnswersAtItsPidThroughOneSocket() throws Exception {
    // port 0: the simulator binds the shared socket first and gives every agent its port
    try (MesosSimulator sim =
        MesosSimulator.start(SimConfig.forTests(1, 40, 5).withSharedAgentSocket(true))) {
      JsonNode slaves = Http.json(sim.masterUrls().get(0) + "/master/slaves").get("slaves");
      assertThat(slaves).hasSize(40);
      Set<String> hostnames = new HashSet<>();
      Set<String> ports = new HashSet<>();
      String victimUrl = null;
      for (JsonNode s : slaves) {
        String pid = s.get("pid").asText(); // slave(1)@127.1.1.7:PORT
        String url = "http://" + pid.substring(pid.indexOf('@') + 1);
        ports.add(pid.substring(pid.lastIndexOf(':') + 1));
        JsonNode state = Http.json(url + "/state");
        assertThat(state.get("id").asText()).isEqualTo(s.get("id").asText());
        hostnames.add(state.get("hostname").asText());
        assertThat(Http.get(url + "/metrics/snapshot").statusCode()).isEqualTo(200);
        victimUrl = url;
      }
      assertThat(hostnames).as("each address is its own agent").hasSize(40);
      assertThat(ports).as("one socket: one port for all").hasSize(1).doesNotContain("0");

      String victimId = slaves.get(39).get("id").asText();
      FaultRecord down = sim.inject(FaultSpec.of(FaultKind.DOWN, victimId, null));
      String deadUrl = victimUrl;
      assertThatThrownBy(() -> Http.get(deadUrl + "/metrics/snapshot"))
          .isInstanceOf(IOException.class);
      String other = slaves.get(0).get("pid").asText();
      assertThat(
              Http.get("http://" + other.substring(other.indexOf('@') + 1) + "/health")
                  .statusCode())
          .isEqualTo(200);
      sim.clear(down.id());
      assertThat(Http.get(deadUrl + "/metrics/snapshot").statusCode()).isEqualTo(200);
    }
  }
}
