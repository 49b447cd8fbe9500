package dev.mesoshealth.processor.query;

import dev.mesoshealth.events.EndpointStatus;
import dev.mesoshealth.processor.endpoints.EndpointMemory;
import dev.mesoshealth.processor.topology.StoreNames;
import dev.mesoshealth.service.HttpApi;
import dev.mesoshealth.service.HttpApi.Request;
import dev.mesoshealth.service.HttpApi.Response;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
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
    List<Answers.Endpoint> endpoints = new ArrayList<>();
    List<String> missing =
        router.gather(
            r,
            "endpoints",
            endpoints,
            Answers.Endpoint.class,
            StoreNames.ENDPOINT_TASKS,
            read -> {
              ReadOnlyKeyValueStore<String, EndpointMemory> store =
                  stores.store(StoreNames.ENDPOINT_TASKS, QueryableStoreTypes.keyValueStore());
              try (KeyValueIterator<String, EndpointMemory> all = store.all()) {
                while (all.hasNext()) {
                  EndpointMemory m = all.next().value;
                  if (m.emitted() != null
                      && (app == null || app.equals(m.appId()))
                      && (cluster == null || cluster.equals(m.cluster()))
                      && (statuses.isEmpty() || statuses.contains(m.emitted()))) {
                    read.add(view(m));
                  }
                }
              }
            });
    endpoints =
        QueryRouter.distinct(
            endpoints, Answers.Endpoint::key, e -> String.valueOf(e.lastRecordAt()));
    endpoints.sort(Comparator.comparing(Answers.Endpoint::key));
    return Response.json(
        new Answers.EndpointList(
            endpoints.size(),
            missing.isEmpty(),
            missing,
            endpoints.subList(0, Math.min(limit, endpoints.size()))));
  }

  private static Answers.Endpoint view(EndpointMemory m) {
    return new Answers.Endpoint(
        m.key(),
        m.cluster(),
        m.appId(),
        m.taskId(),
        m.backend(),
        m.agentId(),
        m.host(),
        m.ports(),
        m.state(),
        m.emitted().name(),
        m.emittedReasons(),
        Views.str(m.lastRecordAt()));
  }
}
