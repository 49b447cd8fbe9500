package dev.mesoshealth.processor.query;

import dev.mesoshealth.events.CapacityTrend;
import dev.mesoshealth.events.GroupKind;
import dev.mesoshealth.events.ResourceCapacity;
import dev.mesoshealth.events.Trend;
import dev.mesoshealth.events.TrendVerdict;
import dev.mesoshealth.processor.capacity.CapacityModel;
import dev.mesoshealth.processor.capacity.CapacityPart;
import dev.mesoshealth.processor.topology.CapacityStores;
import dev.mesoshealth.processor.topology.StoreNames;
import dev.mesoshealth.schemas.json.EventJson;
import dev.mesoshealth.service.HttpApi;
import dev.mesoshealth.service.HttpApi.ApiException;
import dev.mesoshealth.service.HttpApi.Request;
import dev.mesoshealth.service.HttpApi.Response;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.QueryableStoreTypes;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;
import org.apache.kafka.streams.state.ReadOnlyWindowStore;
import org.apache.kafka.streams.state.WindowStoreIterator;

/**
 * Capacity over REST: every group's current (interim) view of its open window, one group's closed
 * one-minute points, and its forecast. Group ids hold a '/', written %2F in a path: {@code
 * /v1/capacity/prod%2Frack%3Dr1}.
 */
final class CapacityApi {
  private final Stores stores;
  private final QueryRouter router;
  private final CapacityModel model;
  private final Clock clock;

  CapacityApi(Stores stores, QueryRouter router, CapacityModel model, Clock clock) {
    this.stores = stores;
    this.router = router;
    this.model = model;
    this.clock = clock;
  }

  void addTo(HttpApi api) {
    api.get("/v1/capacity", Stores.guard(this::groups))
        .get("/v1/capacity/{group}", Stores.guard(this::history))
        .get("/v1/capacity/{group}/forecast", Stores.guard(this::forecast));
  }

  private Response groups(Request r) {
    Params.allowOnly(r, Set.of("cluster", "kind", "scope"));
    String cluster = r.query("cluster");
    Set<GroupKind> kinds = Params.enums(r.query("kind"), GroupKind.class, "kind");
    List<Map<String, Object>> groups = new ArrayList<>();
    @SuppressWarnings("unchecked")
    Class<Map<String, Object>> event = (Class<Map<String, Object>>) (Class<?>) Map.class;
    List<String> missing =
        router.gather(
            r,
            "groups",
            groups,
            event,
            StoreNames.CAPACITY_OPEN_WINDOWS,
            read -> {
              try (KeyValueIterator<String, Long> open = openWindows().all()) {
                while (open.hasNext()) {
                  KeyValue<String, Long> kv = open.next();
                  CapacityTrend now = current(kv.key, kv.value);
                  if ((cluster == null || cluster.equals(now.getCluster()))
                      && (kinds.isEmpty() || kinds.contains(now.getKind()))) {
                    read.add(EventJson.tree(now));
                  }
                }
              }
            });
    groups =
        QueryRouter.distinct(
            groups,
            g -> String.valueOf(g.get("groupId")),
            g -> String.valueOf(g.get("windowStart")));
    groups.sort(Comparator.comparing(g -> String.valueOf(g.get("groupId"))));
    return Response.json(
        new Answers.CapacityGroups(groups.size(), missing.isEmpty(), missing, groups));
  }

  private Response history(Request r) {
    Params.allowOnly(r, Set.of("from", "to"));
    String group = Params.groupId(r.param("group"));
    Params.Range range = Params.range(r, clock, Duration.ofHours(1), Duration.ofDays(31));
    return router.byKey(
        r,
        StoreNames.CAPACITY_OPEN_WINDOWS,
        group,
        () -> {
          Long openStart = openStart(group);
          List<Map<String, Object>> points = new ArrayList<>();
          try (WindowStoreIterator<CapacityTrend> it =
              minutes().fetch(group, CapacityModel.windowStart(range.from()), range.to())) {
            while (it.hasNext()) {
              points.add(EventJson.tree(it.next().value));
            }
          }
          return Response.json(
              new Answers.CapacityHistory(
                  group,
                  range.from().toString(),
                  range.to().toString(),
                  points,
                  EventJson.tree(current(group, openStart))));
        });
  }

  private Response forecast(Request r) {
    Params.allowOnly(r, Set.of());
    String group = Params.groupId(r.param("group"));
    return router.byKey(
        r,
        StoreNames.CAPACITY_OPEN_WINDOWS,
        group,
        () -> {
          CapacityTrend now = current(group, openStart(group));
          List<Answers.ResourceForecast> resources = new ArrayList<>();
          Answers.Exhaustion soonest = null;
          Instant soonestAt = null;
          for (ResourceCapacity rc : now.getResources()) {
            List<Map<String, Object>> trends = new ArrayList<>();
            for (Trend t : rc.getTrends()) {
              trends.add(EventJson.tree(t));
              if (t.getVerdict() == TrendVerdict.GROWING
                  && t.getReach100At() != null
                  && (soonestAt == null || t.getReach100At().isBefore(soonestAt))) {
                soonestAt = t.getReach100At();
                soonest =
                    new Answers.Exhaustion(
                        rc.getResource(),
                        t.getHorizon(),
                        Views.str(t.getReach90At()),
                        t.getReach100At().toString());
              }
            }
            resources.add(
                new Answers.ResourceForecast(rc.getResource(), rc.getUsedRatio(), trends));
          }
          return Response.json(
              new Answers.CapacityForecast(
                  group, now.getWindowEnd().toString(), resources, soonest));
        });
  }

  private Long openStart(String group) {
    Long start = openWindows().get(group);
    if (start == null) {
      throw new ApiException(
          404,
          "no capacity group '"
              + group
              + "' (ids read <cluster>, <cluster>/role=<role>, <cluster>/zone=<zone> or"
              + " <cluster>/<attribute>=<value>; GET /v1/capacity lists them)");
    }
    return start;
  }

  /** The interim view of the group's open window, as its parts are now. */
  private CapacityTrend current(String group, long openStart) {
    CapacityStores reads =
        new CapacityStores(
            model,
            stores.store(
                StoreNames.CAPACITY_GROUP_PARTS,
                QueryableStoreTypes.<String, CapacityPart>keyValueStore()),
            minutes(),
            stores.store(
                StoreNames.CAPACITY_LEADER_TOTALS,
                QueryableStoreTypes.<String, CapacityModel.LeaderTotals>keyValueStore()));
    return reads.point(group, Instant.ofEpochMilli(openStart), false);
  }

  private ReadOnlyKeyValueStore<String, Long> openWindows() {
    return stores.store(StoreNames.CAPACITY_OPEN_WINDOWS, QueryableStoreTypes.keyValueStore());
  }

  private ReadOnlyWindowStore<String, CapacityTrend> minutes() {
    return stores.store(StoreNames.CAPACITY_MINUTES, QueryableStoreTypes.windowStore());
  }
}
