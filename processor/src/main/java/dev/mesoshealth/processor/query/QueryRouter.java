package dev.mesoshealth.processor.query;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectReader;
import dev.mesoshealth.service.HttpApi;
import dev.mesoshealth.service.HttpApi.Request;
import dev.mesoshealth.service.HttpApi.Response;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Supplier;
import org.apache.kafka.streams.KeyQueryMetadata;
import org.apache.kafka.streams.state.HostInfo;

/**
 * Answers a request where its data lives. A keyed request is answered by the instance that holds
 * the key (Kafka Streams metadata), or a standby when the active one does not answer; a list is
 * gathered from every instance. A forwarded request carries a header so it is never forwarded
 * again.
 */
final class QueryRouter {
  static final String FORWARDED = "X-Mesos-Health-Forwarded";

  /**
   * Set on an answer that may lag behind the key's active instance: with {@code query.allow.stale},
   * a standby's copy, or this instance's own when no owner answered.
   */
  static final String STALE = "X-Mesos-Health-Stale";

  private final StreamsView streams;
  private final HostInfo self;
  private final String token;
  private final boolean allowStale;
  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

  QueryRouter(StreamsView streams, HostInfo self, String token, boolean allowStale) {
    this.streams = streams;
    this.self = self;
    this.token = token;
    this.allowStale = allowStale;
  }

  /**
   * Answers from this instance if it owns the key, else from the owner; with stale reads allowed,
   * from a standby (another instance's, then this one's) when the owner does not answer.
   */
  Response byKey(Request r, String store, String key, Supplier<Response> local) {
    if (r.header(FORWARDED) != null) {
      return answerLocally(store, key, local);
    }
    Optional<List<HostInfo>> owners = owners(store, key);
    if (owners.isEmpty()) {
      return answerLocally(store, key, local);
    }
    for (HostInfo host : owners.get()) {
      if (host.equals(self)) {
        return answerLocally(store, key, local);
      }
      Optional<Response> forwarded = forward(host, pathAndQuery(r));
      if (forwarded.isPresent()) {
        return forwarded.get();
      }
    }
    if (allowStale) {
      return answerLocally(store, key, local)
          .withHeader(STALE, "no instance holding '" + key + "' answered; this one's copy");
    }
    throw Stores.unavailable("the instance holding '" + key + "' does not answer");
  }

  /**
   * This instance's answer. "Not found" is only trusted from a store that is up to date for the
   * key's partition: a store still restoring (an instance taking over a dead one's work) may simply
   * not have the key yet, which is a 503 to retry, not a 404.
   */
  private Response answerLocally(String store, String key, Supplier<Response> local) {
    Response answer;
    try {
      answer = local.get();
    } catch (HttpApi.ApiException e) {
      if (e.status() == 404 && !upToDate(store, key)) {
        throw Stores.unavailable("the state holding '" + key + "' is still being restored");
      }
      throw e;
    }
    KeyQueryMetadata meta = streams.keyMetadata(store, key);
    if (known(meta) && !meta.activeHost().equals(self)) {
      // only a stale-allowing instance reads a standby copy (Stores); say that it is one
      return answer.withHeader(STALE, "a standby's copy of '" + key + "'");
    }
    return answer;
  }

  private boolean upToDate(String store, String key) {
    if (!streams.running()) {
      return false;
    }
    KeyQueryMetadata meta = streams.keyMetadata(store, key);
    if (!known(meta)) {
      return false;
    }
    Map<Integer, Long> lags = streams.lags(store);
    if (lags == null) {
      return true; // a store without a changelog is never restored
    }
    Long lag = lags.get(meta.partition());
    return lag != null && lag == 0;
  }

  private static boolean known(KeyQueryMetadata meta) {
    return meta != null && meta != KeyQueryMetadata.NOT_AVAILABLE;
  }

  /**
   * Where the work of {@code store} is at one moment, as far as a list is concerned: whether this
   * instance runs with its copy up to date for every partition it is active for (a partition still
   * restoring, as when taking over another instance's work, lacks entries), which partitions those
   * are, and which instances there are.
   */
  private record Placement(boolean upToDate, Set<Integer> active, List<HostInfo> instances) {}

  private Placement placement(String store) {
    if (!streams.running()) {
      return new Placement(false, Set.of(), List.of());
    }
    Map<Integer, Long> lags = streams.lags(store);
    Set<Integer> active = streams.activePartitions(store, self);
    boolean upToDate = true;
    for (int partition : active) {
      Long lag = lags == null ? null : lags.get(partition);
      upToDate &= lag != null && lag == 0;
    }
    return new Placement(upToDate, Set.copyOf(active), List.copyOf(streams.instances()));
  }

  /**
   * Reads this instance's part of a list ({@code local} adds it to {@code into}), then adds the
   * other instances' local results (the array {@code field} of their answers); returns the
   * instances whose part is missing. The placement is taken before the local read and again at the
   * end: a list read across a rebalance (an instance taking over a dead one's partitions meanwhile)
   * may lack a partition's entries, so it is incomplete, never complete with entries missing.
   */
  <T> List<String> gather(
      Request r, String field, List<T> into, Class<T> type, String store, Consumer<List<T>> local) {
    Placement before = placement(store);
    local.accept(into);
    List<String> missing = new ArrayList<>();
    if (!before.upToDate()) {
      missing.add(self.host() + ":" + self.port() + " (restoring)");
    }
    if (!"local".equals(r.query("scope")) && r.header(FORWARDED) == null) {
      gatherOthers(r, field, into, type, missing);
    }
    if (before.upToDate() && !placement(store).equals(before)) {
      missing.add(self.host() + ":" + self.port() + " (rebalancing)");
    }
    return missing;
  }

  private <T> void gatherOthers(
      Request r, String field, List<T> into, Class<T> type, List<String> missing) {
    String query = pathAndQuery(r);
    String local = query + (query.contains("?") ? "&" : "?") + "scope=local";
    for (HostInfo host : others()) {
      Optional<Response> answer = forward(host, local);
      if (answer.isEmpty() || answer.get().status() != 200) {
        missing.add(host.host() + ":" + host.port());
        continue;
      }
      try {
        JsonNode body = HttpApi.JSON.readTree(answer.get().body());
        if (!body.path("complete").asBoolean(true)) {
          missing.add(host.host() + ":" + host.port() + " (restoring)");
        }
        // an instance of a newer version may write more: what this one does not know is left out
        ObjectReader reader =
            HttpApi.JSON.readerFor(type).without(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
        for (JsonNode item : body.path(field)) {
          into.add(reader.readValue(item));
        }
      } catch (IOException e) {
        missing.add(host.host() + ":" + host.port());
      }
    }
  }

  /**
   * With standby replicas an instance also holds copies of other instances' partitions, so a key
   * can appear twice in a gathered list: keep one per key, the freshest by {@code freshness} (an
   * ISO-8601 time, which sorts as text).
   */
  static <T> List<T> distinct(
      List<T> items, Function<T, String> key, Function<T, String> freshness) {
    Map<String, T> byKey = new LinkedHashMap<>();
    for (T item : items) {
      byKey.merge(
          key.apply(item),
          item,
          (a, b) -> freshness.apply(b).compareTo(freshness.apply(a)) > 0 ? b : a);
    }
    return new ArrayList<>(byKey.values());
  }

  /** Where a key lives: empty when this instance is the active owner (or should answer itself). */
  private Optional<List<HostInfo>> owners(String store, String key) {
    KeyQueryMetadata meta = streams.keyMetadata(store, key);
    if (!known(meta)) {
      return Optional.of(List.of());
    }
    if (meta.activeHost().equals(self)) {
      return Optional.empty();
    }
    List<HostInfo> hosts = new ArrayList<>();
    hosts.add(meta.activeHost());
    if (!allowStale) {
      // a standby reads only its active stores then: it would answer "no such node" (404)
      return Optional.of(hosts);
    }
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
  private List<HostInfo> others() {
    List<HostInfo> hosts = new ArrayList<>(streams.instances());
    hosts.remove(self);
    return hosts;
  }

  /** GET the same path and query on another instance; empty when it does not answer. */
  private Optional<Response> forward(HostInfo host, String pathAndQuery) {
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
      Response answer =
          new Response(
              r.statusCode(),
              r.headers().firstValue("Content-Type").orElse("application/json"),
              r.body(),
              Map.of());
      Optional<String> stale = r.headers().firstValue(STALE);
      return Optional.of(stale.isPresent() ? answer.withHeader(STALE, stale.get()) : answer);
    } catch (IOException e) {
      return Optional.empty();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return Optional.empty();
    }
  }

  /** The request's raw path (encoded segments stay encoded) and its query, less "scope". */
  private static String pathAndQuery(Request r) {
    StringBuilder q = new StringBuilder(r.path());
    String sep = "?";
    for (Map.Entry<String, String> e : r.query().entrySet()) {
      if (e.getKey().equals("scope")) {
        continue;
      }
      q.append(sep).append(enc(e.getKey())).append('=').append(enc(e.getValue()));
      sep = "&";
    }
    return q.toString();
  }

  private static String enc(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }
}
