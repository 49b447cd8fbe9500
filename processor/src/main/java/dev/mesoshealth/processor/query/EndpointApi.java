package dev.mesoshealth.processor.query;

import dev.mesoshealth.events.EndpointStatus;
import dev.mesoshealth.processor.endpoints.EndpointMemory;
import dev.mesoshealth.processor.topology.StoreNames;
import dev.mesoshealth.service.HttpApi;
import dev.mesoshealth.service.HttpApi.Request;
import dev.mesoshealth.service.HttpApi.Response;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.QueryableStoreTypes;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;

/** Service endpoints over REST: every Marathon task's last emitted status, gathered. */
final class EndpointApi {
  private final Stores stores;
  private final QueryRouter router;

  EndpointApi(Stores stores, QueryRouter router) {
    this.stores = stores;
    this.router = router;
  }

  void addTo(HttpApi api) {
    api.get("/v1/endpoints", Stores.guard(this::endpoints));
  }

  private Response endpoints(Request r) {
    Params.allowOnly(r, Set.of("app", "status", "cluster", "limit", "scope"));
    String app = r.query("app") == null ? null : Params.id(r.query("app"), "app id");
    String cluster = r.query("cluster");
    Set<EndpointStatus> statuses = Params.enums(r.query("status"), EndpointStatus.class, "status");
    int limit = Params.limit(r.query("limit"));
    ReadOnlyKeyValueStore<String, EndpointMemory> store =
        stores.store(StoreNames.ENDPOINT_TASKS, QueryableStoreTypes.keyValueStore());
    List<Map<String, Object>> endpoints = new ArrayList<>();
    try (KeyValueIterator<String, EndpointMemory> all = store.all()) {
      while (all.hasNext()) {
        EndpointMemory m = all.next().value;
        if (m.emitted() != null
            && (app == null || app.equals(m.appId()))
            && (cluster == null || cluster.equals(m.cluster()))
            && (statuses.isEmpty() || statuses.contains(m.emitted()))) {
          endpoints.add(view(m));
        }
      }
    }
    List<String> missing = router.gather(r, "endpoints", endpoints, StoreNames.ENDPOINT_TASKS);
    endpoints =
        QueryRouter.distinct(
            endpoints,
            e -> String.valueOf(e.get("key")),
            e -> String.valueOf(e.get("lastRecordAt")));
    endpoints.sort(Comparator.comparing(e -> String.valueOf(e.get("key"))));
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("count", endpoints.size());
    out.put("complete", missing.isEmpty());
    if (!missing.isEmpty()) {
      out.put("unanswered", missing);
    }
    out.put("endpoints", endpoints.subList(0, Math.min(limit, endpoints.size())));
    return Response.json(out);
  }

  private static Map<String, Object> view(EndpointMemory m) {
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("key", m.key());
    out.put("cluster", m.cluster());
    out.put("appId", m.appId());
    out.put("taskId", m.taskId());
    out.put("backend", m.backend());
    out.put("agentId", m.agentId());
    out.put("host", m.host());
    out.put("ports", m.ports());
    out.put("taskState", m.state());
    out.put("status", m.emitted().name());
    out.put("reasons", m.emittedReasons());
    out.put("lastRecordAt", m.lastRecordAt() == null ? null : m.lastRecordAt().toString());
    return out;
  }
}
