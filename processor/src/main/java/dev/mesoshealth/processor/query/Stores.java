package dev.mesoshealth.processor.query;

import dev.mesoshealth.service.HttpApi;
import dev.mesoshealth.service.HttpApi.ApiException;
import java.util.Map;
import org.apache.kafka.streams.StoreQueryParameters;
import org.apache.kafka.streams.errors.InvalidStateStoreException;
import org.apache.kafka.streams.state.QueryableStoreType;

/**
 * This instance's state stores, as the REST API reads them. A store that cannot be read now
 * (rebalancing, restoring without stale reads allowed, shutting down) is a 503 with Retry-After,
 * never a 500.
 */
final class Stores {
  private final StreamsView streams;
  private final boolean allowStale;

  Stores(StreamsView streams, boolean allowStale) {
    this.streams = streams;
    this.allowStale = allowStale;
  }

  <T> T store(String name, QueryableStoreType<T> type) {
    StoreQueryParameters<T> params = StoreQueryParameters.fromNameAndType(name, type);
    if (allowStale) {
      params = params.enableStaleStores();
    }
    try {
      return streams.store(params);
    } catch (InvalidStateStoreException e) {
      throw unavailable("state store " + name + " is not ready (" + streams.state() + ")");
    }
  }

  /** Stores can move away mid-request (rebalance): that is a 503 to retry, not a 500. */
  static HttpApi.Handler guard(HttpApi.Handler handler) {
    return request -> {
      try {
        return handler.handle(request);
      } catch (InvalidStateStoreException e) {
        throw unavailable("state is moving between instances");
      }
    };
  }

  static ApiException unavailable(String why) {
    return new ApiException(503, why + "; retry shortly", Map.of("Retry-After", "2"));
  }
}
