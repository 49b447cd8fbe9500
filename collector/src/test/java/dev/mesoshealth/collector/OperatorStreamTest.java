package dev.mesoshealth.collector;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.mesoshealth.collector.core.OperatorEvents;
import dev.mesoshealth.collector.core.PollResult;
import dev.mesoshealth.collector.http.MesosClient;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/** How the stream follower treats what masters answer, with a scripted client. */
class OperatorStreamTest {
  private static final URI LEADER = URI.create("http://10.0.0.1:5050");

  /** Answers each stream call with the next scripted end, after handing over its records. */
  private static final class Scripted implements MesosClient {
    final List<URI> asked = new CopyOnWriteArrayList<>();
    final List<StreamEnd> ends;
    final List<String> records;

    Scripted(List<StreamEnd> ends, List<String> records) {
      this.ends = ends;
      this.records = records;
    }

    @Override
    public CompletableFuture<PollResult> get(URI uri, long maxBytes) {
      throw new UnsupportedOperationException();
    }

    @Override
    public StreamEnd stream(URI uri, byte[] call, Duration idle, Consumer<byte[]> onRecord) {
      int i = asked.size();
      asked.add(uri);
      if (i == 1) {
        records.forEach(r -> onRecord.accept(r.getBytes(StandardCharsets.UTF_8)));
      }
      return ends.get(Math.min(i, ends.size() - 1));
    }
  }

  private static final class Heard implements OperatorStream.Listener {
    final List<String> events = new CopyOnWriteArrayList<>();

    @Override
    public void subscribed(OperatorEvents.Subscribed state) {
      events.add("subscribed " + state.agents());
    }

    @Override
    public void agentAdded(String agentId) {
      events.add("added " + agentId);
    }

    @Override
    public void agentRemoved(String agentId) {
      events.add("removed " + agentId);
    }
  }

  @Test
  void aFollowerRedirectsToTheLeaderWhoseEventsArePassedOn() {
    Scripted client =
        new Scripted(
            List.of(
                new MesosClient.StreamEnd(307, "//10.0.0.2:5050/api/v1", "HTTP 307"),
                new MesosClient.StreamEnd(200, null, "the stream ended")),
            List.of(
                "{\"type\":\"SUBSCRIBED\",\"subscribed\":{\"get_state\":{\"get_agents\":{\"agents\":[{\"agent_info\":{\"id\":{\"value\":\"S1\"}}}]}}}}",
                "{\"type\":\"HEARTBEAT\"}",
                "{\"not json",
                "{\"type\":\"AGENT_REMOVED\",\"agent_removed\":{\"agent_id\":{\"value\":\"S1\"}}}"));
    Heard heard = new Heard();
    try (OperatorStream stream =
        new OperatorStream(
            client,
            () -> CompletableFuture.completedFuture(Optional.of(LEADER)),
            location -> URI.create("http://10.0.0.2:5050"),
            Duration.ofHours(1),
            heard)) {
      stream.start();
      await().atMost(Duration.ofSeconds(5)).until(() -> heard.events.size() == 2);

      assertThat(client.asked)
          .startsWith(
              URI.create("http://10.0.0.1:5050/api/v1"), URI.create("http://10.0.0.2:5050/api/v1"));
      assertThat(heard.events).containsExactly("subscribed [S1]", "removed S1");
      assertThat(stream.supported()).isTrue();
    }
  }

  @Test
  void aMasterWithoutTheOperatorApiIsLeftToThePollingAndNotAskedInALoop() {
    Scripted client =
        new Scripted(List.of(new MesosClient.StreamEnd(404, null, "HTTP 404")), List.of());
    try (OperatorStream stream =
        new OperatorStream(
            client,
            () -> CompletableFuture.completedFuture(Optional.of(LEADER)),
            location -> LEADER,
            Duration.ofMillis(10),
            new Heard())) {
      stream.start();
      await().atMost(Duration.ofSeconds(5)).until(() -> !stream.supported());
      // asked again only after minutes, not at the 10 ms retry of a broken stream
      await()
          .during(Duration.ofMillis(300))
          .atMost(Duration.ofSeconds(2))
          .until(() -> client.asked.size() == 1);
    }
  }
}
