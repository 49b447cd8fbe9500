package dev.mesoshealth.processor.query;

import dev.mesoshealth.service.HttpApi;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.KeyQueryMetadata;
import org.apache.kafka.streams.StreamsMetadata;
import org.apache.kafka.streams.state.HostInfo;

/**
 * Finds which instance holds a key (Kafka Streams metadata) and forwards the request there, or to a
 * standby when the active one does not answer; gathers lists from every instance. A forwarded
 * request carries a header so it is never forwarded again.
 */
final class QueryRouter {
  static final String FORWARDED = "X-Mesos-Health-Forwarded";

  private final KafkaStreams streams;
  private final HostInfo self;
  private final String token;
  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

  QueryRouter(KafkaStreams streams, HostInfo self, String token) {
    this.streams = streams;
    this.self = self;
    this.token = token;
  }

  /** Where a key lives: empty when this instance is the active owner (or should answer itself). */
  Optional<List<HostInfo>> owners(String store, String key) {
    KeyQueryMetadata meta = streams.queryMetadataForKey(store, key, Serdes.String().serializer());
    if (meta == null || meta == KeyQueryMetadata.NOT_AVAILABLE) {
      return Optional.of(List.of());
    }
    if (meta.activeHost().equals(self)) {
      return Optional.empty();
    }
    List<HostInfo> hosts = new ArrayList<>();
    hosts.add(meta.activeHost());
    for (HostInfo standby : meta.standbyHosts()) {
      if (!standby.equals(self)) {
        hosts.add(standby);
      }
    }
    if (meta.standbyHosts().contains(self)) {
      hosts.add(self);
    }
    return Optional.of(hosts);
  }

  /** Every other instance of the application. */
  List<HostInfo> others() {
    List<HostInfo> hosts = new ArrayList<>();
    for (StreamsMetadata m : streams.metadataForAllStreamsClients()) {
      if (!m.hostInfo().equals(self) && !hosts.contains(m.hostInfo())) {
        hosts.add(m.hostInfo());
      }
    }
    return hosts;
  }

  HostInfo self() {
    return self;
  }

  /** GET the same path and query on another instance; empty when it does not answer. */
  Optional<HttpApi.Response> forward(HostInfo host, String pathAndQuery) {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(
                URI.create("http://" + host.host() + ":" + host.port() + pathAndQuery))
            .timeout(Duration.ofSeconds(5))
            .header(FORWARDED, "1")
            .GET();
    if (token != null && !token.isEmpty()) {
      request.header("Authorization", "Bearer " + token);
    }
    try {
      HttpResponse<byte[]> r = http.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
      if (r.statusCode() >= 500) {
        return Optional.empty();
      }
      return Optional.of(
          new HttpApi.Response(
              r.statusCode(),
              r.headers().firstValue("Content-Type").orElse("application/json"),
              r.body(),
              Map.of()));
    } catch (IOException e) {
      return Optional.empty();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return Optional.empty();
    }
  }
}
